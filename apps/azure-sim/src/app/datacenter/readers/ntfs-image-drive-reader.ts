import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { DriveReadError, type DriveImage, type DriveReader, type OpenedDrive } from '../drive-reader';

import { locateVolume } from './volume-locator';

/**
 * Unlocks a BitLocker volume into a plain NTFS volume file. Implemented on libs/bitlocker once its
 * reader lands; until then the reader refuses encrypted drives with a clear message.
 */
export interface BitLockerUnlocker {
  /** Writes the decrypted volume to `target`; throws DriveReadError('BitLockerKeyInvalid') for a wrong key. */
  unlock(imagePath: string, volumeOffset: number, volumeLength: number, recoveryPassword: string, target: string): Promise<void>;
}

export interface NtfsImageDriveReaderOptions {
  /** Tests only: accept a drive whose volume is plain NTFS (the real service requires BitLocker). */
  readonly acceptUnencrypted: boolean;
  readonly unlocker?: BitLockerUnlocker;
}

/**
 * Reads drive images with the ntfs-3g tools: finds the volume (bare, MBR or GPT), unlocks it, and reads
 * files with `ntfscat`. Each file is extracted once to a private temp directory and read from there.
 */
export class NtfsImageDriveReader implements DriveReader {
  constructor(private readonly options: NtfsImageDriveReaderOptions) {}

  async open(image: DriveImage, bitLockerKey: string): Promise<OpenedDrive> {
    let size: number;
    try {
      size = (await stat(image.imagePath)).size;
    } catch {
      throw new DriveReadError('DriveUnreadable', `Drive ${image.driveId} could not be read: its image ${image.imagePath} is not there.`);
    }
    const handle = await open(image.imagePath, 'r');
    const volume = await locateVolume(handle, size).finally(() => handle.close());
    if (!volume) {
      throw new DriveReadError('DriveUnreadable', `Drive ${image.driveId} holds no NTFS or BitLocker volume the datacenter can read.`);
    }
    const workDir = await mkdtemp(path.join(os.tmpdir(), `azure-sim-drive-${image.driveId}-`));
    try {
      let volumeFile = image.imagePath;
      if (volume.kind === 'bitlocker') {
        if (!this.options.unlocker) {
          throw new DriveReadError(
            'DriveUnreadable',
            `Drive ${image.driveId} is BitLocker-encrypted, and this simulator has no BitLocker reader plugged in yet.`,
          );
        }
        volumeFile = path.join(workDir, 'volume.img');
        await this.options.unlocker.unlock(image.imagePath, volume.offset, volume.length, bitLockerKey, volumeFile);
      } else {
        if (!this.options.acceptUnencrypted) {
          throw new DriveReadError('DriveUnreadable', `Drive ${image.driveId} is not BitLocker-encrypted; the service imports only BitLocker drives.`);
        }
        if (volume.offset !== 0) {
          volumeFile = path.join(workDir, 'volume.img');
          await pipeline(
            createReadStream(image.imagePath, { start: volume.offset, end: volume.offset + volume.length - 1 }),
            createWriteStream(volumeFile),
          );
        }
      }
      return new NtfsVolume(volumeFile, workDir);
    } catch (error) {
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
  }
}

class NtfsVolume implements OpenedDrive {
  private readonly extracted = new Map<string, Promise<string | undefined>>();
  private counter = 0;

  constructor(
    private readonly volumeFile: string,
    private readonly workDir: string,
  ) {}

  async fileSize(pathOnDrive: string): Promise<number | undefined> {
    const file = await this.extract(pathOnDrive);
    return file === undefined ? undefined : (await stat(file)).size;
  }

  async readFile(pathOnDrive: string): Promise<Buffer | undefined> {
    const file = await this.extract(pathOnDrive);
    if (file === undefined) return undefined;
    const handle = await open(file, 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readRange(pathOnDrive: string, offset: number, length: number): Promise<Buffer> {
    const file = await this.extract(pathOnDrive);
    if (file === undefined) throw new DriveReadError('DriveUnreadable', `${pathOnDrive} is not on the drive.`);
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.extracted.values()]);
    await rm(this.workDir, { recursive: true, force: true });
  }

  private extract(pathOnDrive: string): Promise<string | undefined> {
    const ntfsPath = `/${pathOnDrive.replace(/\\/g, '/').replace(/^\/+/, '')}`;
    const known = this.extracted.get(ntfsPath);
    if (known) return known;
    this.counter += 1;
    const target = path.join(this.workDir, `file-${this.counter}`);
    const extraction = ntfscat(this.volumeFile, ntfsPath, target);
    this.extracted.set(ntfsPath, extraction);
    return extraction;
  }
}

/** Copies one file out of an NTFS volume image; undefined when the file does not exist. */
async function ntfscat(volumeFile: string, ntfsPath: string, target: string): Promise<string | undefined> {
  const output = createWriteStream(target);
  await new Promise<void>((resolve, reject) => {
    output.once('open', () => resolve());
    output.once('error', reject);
  });
  const child = spawn('ntfscat', ['--force', volumeFile, ntfsPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const copied = pipeline(child.stdout, output);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  await copied;
  if (exitCode === 0) return target;
  if (/not find|No such file|doesn't exist|Couldn't find/i.test(stderr)) return undefined;
  throw new DriveReadError('DriveUnreadable', `Reading ${ntfsPath} from the NTFS volume failed: ${stderr.trim() || `ntfscat exited with ${String(exitCode)}`}`);
}
