import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { WINDOWS_BITLOCKER_ARCHIVE } from '@seedship/testing';

import { buildDriveImage, removeDriveImage, type FixtureDrive } from '../../../test-support/drive-image-fixture';
import { DriveReadError } from '../drive-reader';
import { parseDriveManifest } from '../manifest/drive-manifest';

import { LibBitLockerUnlocker } from './lib-bitlocker-unlocker';
import { NtfsImageDriveReader } from './ntfs-image-drive-reader';

const run = promisify(execFile);

/** One of cryptsetup's Windows-made BitLocker test volumes (libs/testing/fixtures), with its recovery password. */
async function windowsVolume(directory: string): Promise<{ imagePath: string; recoveryPassword: string; sha256: string }> {
  const archive = WINDOWS_BITLOCKER_ARCHIVE;
  await run('tar', ['xJf', archive, '-C', directory, 'bitlk-images/images.conf', 'bitlk-images/bitlk-aes-xts-128.img']);
  const conf = await readFile(path.join(directory, 'bitlk-images', 'images.conf'), 'utf8');
  const section = conf.split(/^\[/m).find((block) => block.startsWith('bitlk-aes-xts-128]'));
  const recoveryPassword = /^RP=(.+)$/m.exec(section ?? '')?.[1]?.trim();
  const sha256 = /^SHA256SUM=(.+)$/m.exec(section ?? '')?.[1]?.trim();
  if (!recoveryPassword || !sha256) throw new Error('images.conf has no recovery password or checksum for bitlk-aes-xts-128');
  return { imagePath: path.join(directory, 'bitlk-images', 'bitlk-aes-xts-128.img'), recoveryPassword, sha256 };
}

describe('NtfsImageDriveReader', () => {
  let scratch: string;
  let plain: FixtureDrive;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-reader-'));
    plain = await buildDriveImage({ driveId: 'READER-1', partitioned: true, encrypt: false, storageAccountKey: 'a2V5', blobs: [{ blobPath: 'c/b.bin', length: 70_000, blockSize: 65_536 }] });
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await removeDriveImage(plain);
  });

  it('unlocks a Windows-made BitLocker volume with its recovery password into the plaintext NTFS volume', async () => {
    const { imagePath, recoveryPassword, sha256 } = await windowsVolume(scratch);
    const target = path.join(scratch, 'decrypted.img');
    await new LibBitLockerUnlocker().unlock(imagePath, 0, (await stat(imagePath)).size, recoveryPassword, target);
    const decrypted = await readFile(target);
    expect(decrypted.toString('latin1', 3, 11)).toBe('NTFS    ');
    // The same bytes cryptsetup presents for this volume. (Its NTFS is not mountable: the test image's
    // unused ciphertext was wiped, so ntfs-3g cannot be pointed at it; drive images built by the
    // project's own writer are read end to end instead.)
    expect(createHash('sha256').update(decrypted).digest('hex')).toBe(sha256);
  });

  it('opens a drive prepared by libs/drive-format, and every block of its manifest checks out', async () => {
    const prepared = await buildDriveImage({
      driveId: 'PREPARED-1',
      storageAccountKey: 'a2V5',
      blobs: [
        { blobPath: 'seedjob/packs/a.pack', length: 3 * 1024 * 1024 + 5, blockSize: 1024 * 1024 },
        { blobPath: 'seedjob/index/0', length: 700, blockSize: 1024 * 1024 },
      ],
    });
    try {
      const reader = new NtfsImageDriveReader({ acceptUnencrypted: false, unlocker: new LibBitLockerUnlocker() });
      const drive = await reader.open({ driveId: prepared.driveId, imagePath: prepared.imagePath }, prepared.bitLockerKey ?? '');
      try {
        const manifestBytes = await drive.readFile(prepared.manifestFile);
        expect(createHash('md5').update(manifestBytes ?? Buffer.alloc(0)).digest('hex').toUpperCase()).toBe(prepared.manifestHash);
        const manifest = parseDriveManifest(manifestBytes?.toString('utf8') ?? '');
        expect(manifest.driveId).toBe('PREPARED-1');
        expect(manifest.blobs.map((blob) => [blob.blobPath, blob.length, blob.kind])).toEqual([
          ['seedjob/packs/a.pack', 3 * 1024 * 1024 + 5, 'BlockBlob'],
          ['seedjob/index/0', 700, 'BlockBlob'],
        ]);
        for (const [index, blob] of manifest.blobs.entries()) {
          expect(await drive.fileSize(blob.filePath)).toBe(blob.length);
          const whole = await drive.readRange(blob.filePath, 0, blob.length);
          expect(whole.equals(prepared.blobs[index]?.content ?? Buffer.alloc(0))).toBe(true);
          for (const range of blob.ranges) {
            expect(createHash('md5').update(whole.subarray(range.offset, range.offset + range.length)).digest('hex').toUpperCase()).toBe(range.hash);
          }
        }
      } finally {
        await drive.close();
      }
    } finally {
      await removeDriveImage(prepared);
    }
  });

  it('reports a recovery password that does not unlock the volume as BitLockerKeyInvalid', async () => {
    const { imagePath } = await windowsVolume(scratch);
    const reader = new NtfsImageDriveReader({ acceptUnencrypted: false, unlocker: new LibBitLockerUnlocker() });
    const wrong = '000000-000011-000022-000033-000044-000055-000066-000077';
    await expect(reader.open({ driveId: 'WIN-2', imagePath }, wrong)).rejects.toMatchObject({ problem: 'BitLockerKeyInvalid' });
  });

  it('reads files from an MBR-partitioned NTFS image, and refuses it when unencrypted drives are not accepted', async () => {
    const lenient = new NtfsImageDriveReader({ acceptUnencrypted: true });
    const drive = await lenient.open({ driveId: plain.driveId, imagePath: plain.imagePath }, 'unused');
    try {
      const manifest = await drive.readFile(plain.manifestFile);
      expect(manifest?.toString('utf8')).toContain('<DriveId>READER-1</DriveId>');
      expect(await drive.fileSize('\\blob-1.dat')).toBe(70_000);
      const tail = await drive.readRange('\\blob-1.dat', 65_536, 65_536);
      expect(tail.equals(plain.blobs[0]?.content.subarray(65_536) ?? Buffer.alloc(0))).toBe(true);
    } finally {
      await drive.close();
    }
    const strict = new NtfsImageDriveReader({ acceptUnencrypted: false });
    const refusal = strict.open({ driveId: plain.driveId, imagePath: plain.imagePath }, 'unused');
    await expect(refusal).rejects.toBeInstanceOf(DriveReadError);
    await expect(refusal).rejects.toThrow('not BitLocker-encrypted');
  });

  it('reports a missing image or one without a volume as DriveUnreadable', async () => {
    const reader = new NtfsImageDriveReader({ acceptUnencrypted: true });
    await expect(reader.open({ driveId: 'GONE', imagePath: path.join(scratch, 'nope.img') }, 'k')).rejects.toMatchObject({ problem: 'DriveUnreadable' });
    const blank = path.join(scratch, 'blank.img');
    await run('truncate', ['-s', '1M', blank]);
    await expect(reader.open({ driveId: 'BLANK', imagePath: blank }, 'k')).rejects.toMatchObject({ problem: 'DriveUnreadable' });
  });
});
