import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RecoveryPassword } from '@seedship/domain';

import { firstDifferenceOutsideReserved } from '../test-support/compare';
import { requireTool } from '../test-support/windows-images';
import { type WritableEncryption } from './encryption-method';
import { planVolumeLayout } from './layout';
import { encryptVolumeInPlace } from './volume-writer';

/**
 * The volumes this library writes, opened by three independent BitLocker readers (dislocker, libbde,
 * cryptsetup) and the resulting NTFS read by ntfs-3g's tools. Windows itself is not available here;
 * docs/bitlocker-windows-check.md tells a person how to check a drive on Windows.
 */
const VOLUME_BYTES = 64 * 1024 * 1024;
const PARTITION_START = 2048;
const USER_PASSWORD = 'Seedship-user-password';

beforeAll(() => {
  requireTool('mkntfs', 'ntfs-3g');
  requireTool('ntfscp', 'ntfs-3g');
  requireTool('ntfscat', 'ntfs-3g');
  requireTool('dislocker-file', 'dislocker');
  requireTool('bdeinfo', 'libbde-utils');
  requireTool('cryptsetup', 'cryptsetup-bin');
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-bitlocker-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], input?: string): { status: number; output: string } {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

interface Made {
  image: string;
  plaintext: Buffer;
  files: Map<string, Buffer>;
  recoveryPassword: RecoveryPassword;
  layout: ReturnType<typeof planVolumeLayout>;
  volumeGuid: string;
}

/** mkntfs over the part of the volume the layout leaves to the filesystem, files copied in by ntfscp (libntfs-3g), then encrypted. */
async function makeVolume(name: string, encryption: WritableEncryption, sectorSize: number): Promise<Made> {
  const layout = planVolumeLayout({ volumeBytes: VOLUME_BYTES, sectorSize });
  const image = join(dir, `${name}.img`);
  writeFileSync(image, '');
  truncateSync(image, VOLUME_BYTES);
  const clusterSize = 4096;
  execFileSync('mkntfs', [
    '-F', '-Q', '-s', String(sectorSize), '-c', String(clusterSize), '-p', String(PARTITION_START), '-H', '255', '-S', '63', '-L', 'SEEDSHIP',
    image, String(layout.filesystemBytes / sectorSize),
  ], { stdio: 'pipe' });
  const files = new Map<string, Buffer>([
    ['blob-000001.bin', randomBytes(5 * 1024 * 1024 + 123)],
    ['blob-000002.bin', randomBytes(9 * 1024 * 1024)],
    ['manifest.xml', Buffer.from('<DriveManifest Version="2014-11-01"></DriveManifest>\n')],
  ]);
  for (const [file, content] of files) {
    const source = join(dir, `${name}-${file}`);
    writeFileSync(source, content);
    execFileSync('ntfscp', ['-f', image, source, file], { stdio: 'pipe' });
  }
  const plaintext = readFileSync(image);
  const result = await encryptVolumeInPlace(image, {
    layout,
    encryption,
    password: USER_PASSWORD,
    partitionStartSector: PARTITION_START,
    sectorsPerCluster: clusterSize / sectorSize,
  });
  return { image, plaintext, files, recoveryPassword: result.recoveryPassword, layout, volumeGuid: result.volumeGuid };
}

const wrongPassword = RecoveryPassword.fromKey(randomBytes(16)).toString();

describe.each([
  ['XTS-AES-128', 512],
  ['XTS-AES-128', 4096],
  ['XTS-AES-256', 512],
] as const)('a %s volume with %i-byte sectors written by this library', (encryption, sectorSize) => {
  let made: Made;
  beforeAll(async () => {
    made = await makeVolume(`${encryption}-${sectorSize}`, encryption, sectorSize);
  });

  it('is decrypted by dislocker-file to the plaintext NTFS outside the reserved regions, whose files ntfs-3g reads', () => {
    for (const [flag, secret] of [['-p', made.recoveryPassword.toString()], ['-u', USER_PASSWORD]] as const) {
      const out = join(dir, `dislocker-${encryption}-${sectorSize}${flag}.img`);
      const result = run('dislocker-file', ['-V', made.image, `${flag}${secret}`, '--', out]);
      expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
      const decrypted = readFileSync(out);
      expect(firstDifferenceOutsideReserved(decrypted, made.plaintext, made.layout)).toBeUndefined();
      expect(run('ntfsls', ['-f', out]).output.split('\n').filter(Boolean).sort()).toEqual([...made.files.keys()].sort());
      for (const [file, content] of made.files) {
        const cat = spawnSync('ntfscat', ['-f', out, file], { maxBuffer: 64 * 1024 * 1024 });
        expect(cat.stdout.equals(content)).toBe(true);
      }
      rmSync(out);
    }
    const wrong = run('dislocker-file', ['-V', made.image, `-p${wrongPassword}`, '--', join(dir, 'wrong.img')]);
    expect(wrong.status).not.toBe(0);
  });

  it('is parsed by cryptsetup bitlkDump and unlocked by cryptsetup with the recovery password and the user password, not a wrong one', () => {
    const dump = run('cryptsetup', ['bitlkDump', made.image]);
    expect(dump.status).toBe(0);
    expect(dump.output).toContain(made.volumeGuid);
    expect(dump.output).toContain('VMK protected with recovery passphrase');
    expect(dump.output).toContain('VMK protected with passphrase');
    expect(dump.output).toMatch(/Cipher mode:\s+xts-plain64/);
    const test = (secret: string): { status: number; output: string } =>
      run('cryptsetup', ['open', '--type', 'bitlk', '--test-passphrase', '--key-file', '-', made.image], secret);
    expect(test(made.recoveryPassword.toString()).status).toBe(0);
    expect(test(USER_PASSWORD).status).toBe(0);
    // cryptsetup 2.6.1 answers a well-formed but wrong recovery password with 1 (as on Windows' own images)
    // and a wrong passphrase with 2, "No key available with this passphrase".
    expect(test(wrongPassword).status).toBe(1);
    const wrongPassphrase = test('not-the-password');
    expect(wrongPassphrase.status).toBe(2);
    expect(wrongPassphrase.output).toContain('No key available with this passphrase');
  });

  if (encryption === 'XTS-AES-128') {
    // libbde 20190102 cannot open any XTS-256 volume, Windows' own included ("tweak key value too small").
    it('is unlocked by bdeinfo with the recovery password and the user password, not a wrong one', () => {
      const unlocked = run('bdeinfo', ['-r', made.recoveryPassword.toString(), made.image]);
      expect(unlocked.status).toBe(0);
      expect(unlocked.output).toContain('Encryption method\t\t: AES-XTS 128-bit');
      expect(unlocked.output).toContain(`Volume identifier\t\t: ${made.volumeGuid}`);
      expect(unlocked.output).not.toContain('Unable to unlock');
      expect(run('bdeinfo', ['-p', USER_PASSWORD, made.image]).output).not.toContain('Unable to unlock');
      expect(run('bdeinfo', ['-r', wrongPassword, made.image]).output).toContain('Unable to unlock volume.');
    });
  }
});
