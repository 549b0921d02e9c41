import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WINDOWS_BITLOCKER_ARCHIVE } from '@seedship/testing';


/** The Windows-made volumes (cryptsetup's test images), kept in libs/testing/fixtures, with their passwords. */
export const WINDOWS_ARCHIVE = WINDOWS_BITLOCKER_ARCHIVE;
const ARCHIVE_SHA256 = '68bf5669f777668112d497234ebe2166b5feaf0e33b206b095b917f82937bd30';

export interface WindowsImage {
  name: string;
  path: string;
  cipher: string;
  guid: string;
  password: string;
  recoveryPassword: string;
  /** SHA-256 of the whole decrypted volume as cryptsetup presents it ('' where not given). */
  sha256: string;
}

export function requireTool(command: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`This test needs \`${command}\`; install it with: apt-get install -y ${debianPackage} (tools/ci/test-all.sh does this).`);
  }
}

/**
 * Extracts the archive once per machine into a temporary folder named by its hash (extraction goes
 * to a private folder first and is renamed into place, so parallel test files never see half of it).
 * The images are never copied into the project.
 */
export function windowsImages(): Map<string, WindowsImage> {
  if (!existsSync(WINDOWS_ARCHIVE)) throw new Error(`The Windows test volumes are missing: ${WINDOWS_ARCHIVE}`);
  const target = join(tmpdir(), `seedship-bitlk-images-${ARCHIVE_SHA256.slice(0, 16)}`);
  if (!existsSync(join(target, 'images.conf'))) {
    requireTool('xz', 'xz-utils');
    const actual = createHash('sha256').update(readFileSync(WINDOWS_ARCHIVE)).digest('hex');
    if (actual !== ARCHIVE_SHA256) throw new Error(`${WINDOWS_ARCHIVE} has sha256 ${actual}, expected ${ARCHIVE_SHA256}.`);
    const scratch = mkdtempSync(join(tmpdir(), 'seedship-bitlk-extract-'));
    execFileSync('tar', ['xJf', WINDOWS_ARCHIVE, '-C', scratch]);
    try {
      renameSync(join(scratch, 'bitlk-images'), target);
    } catch (error) {
      if (!existsSync(join(target, 'images.conf'))) throw error;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  const images = new Map<string, WindowsImage>();
  let current: Record<string, string> | undefined;
  const flush = (): void => {
    const name = current?.['name'];
    if (!current || !name) return;
    images.set(name, {
      name,
      path: join(target, `${name}.img`),
      cipher: current['CIPHER'] ?? '',
      guid: current['GUID'] ?? '',
      password: current['PW'] ?? '',
      recoveryPassword: current['RP'] ?? '',
      sha256: current['SHA256SUM'] ?? '',
    });
  };
  for (const line of readFileSync(join(target, 'images.conf'), 'utf8').split('\n')) {
    const section = /^\[(.+)\]$/.exec(line.trim());
    if (section) {
      flush();
      current = { name: section[1] ?? '' };
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  flush();
  return images;
}
