import { execFile } from 'node:child_process';
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';

import { BlockDeviceError, BlockDeviceErrorCode } from './block-device-error';

const run = promisify(execFile);

export interface RawDeviceOptions {
  /** Every offset and length must be a multiple of this (the drive's logical sector size). */
  readonly sectorSize: number;
  /** Default false: open for reading only. */
  readonly writable?: boolean;
}

/**
 * Positioned, sector-aligned reads and writes on a block device or a drive image, with fsync.
 *
 * Alignment is checked, not left to the kernel: a misaligned write to a 4Kn drive would otherwise be a
 * read-modify-write that hides bugs. The page cache is used (no O_DIRECT: Node cannot promise the
 * memory alignment O_DIRECT needs); `sync()` is what makes the data durable.
 */
export class RawDevice {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly sizeBytes: number,
    readonly sectorSize: number,
  ) {}

  static async open(path: string, options: RawDeviceOptions): Promise<RawDevice> {
    if (![512, 4096].includes(options.sectorSize)) {
      throw new BlockDeviceError(BlockDeviceErrorCode.InvalidArgument, `A sector size of ${options.sectorSize} is not supported; drives have 512 or 4096.`);
    }
    let handle: FileHandle;
    try {
      handle = await open(path, options.writable ? 'r+' : 'r');
    } catch (error) {
      throw new BlockDeviceError(BlockDeviceErrorCode.NotFound, `${path} cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      const info = await handle.stat();
      const size = info.isBlockDevice() ? await blockDeviceSize(handle) : info.size;
      return new RawDevice(path, handle, size, options.sectorSize);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    this.check(offset, length);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new BlockDeviceError(BlockDeviceErrorCode.ShortIo, `${this.path} ended at byte ${offset + done} while reading ${length} bytes at ${offset}.`);
      done += bytesRead;
    }
    return buffer;
  }

  async write(offset: number, data: Buffer): Promise<void> {
    this.check(offset, data.length);
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done, offset + done);
      if (bytesWritten === 0) throw new BlockDeviceError(BlockDeviceErrorCode.ShortIo, `${this.path} accepted no bytes at ${offset + done}.`);
      done += bytesWritten;
    }
  }

  /** fsync: everything written so far is on the medium when this resolves. */
  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private check(offset: number, length: number): void {
    if (offset % this.sectorSize !== 0 || length % this.sectorSize !== 0 || offset < 0 || length < 0) {
      throw new BlockDeviceError(
        BlockDeviceErrorCode.Unaligned,
        `I/O on ${this.path} must be whole ${this.sectorSize}-byte sectors (got ${length} bytes at ${offset}).`,
      );
    }
    if (offset + length > this.sizeBytes) {
      throw new BlockDeviceError(BlockDeviceErrorCode.OutOfRange, `${length} bytes at ${offset} run past the end of ${this.path} (${this.sizeBytes} bytes).`);
    }
  }
}

/** Size of a block device, from sysfs by its device number (stat reports 0 for devices). */
async function blockDeviceSize(handle: FileHandle): Promise<number> {
  const { rdev } = await handle.stat();
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  const sectors = await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
  return Number(sectors.trim()) * 512;
}

/**
 * Flushes a block device's buffers and drops its cached pages (BLKFLSBUF, via `blockdev --flushbufs`), so
 * that the next read comes from the medium: a read-back that hits the page cache proves nothing about
 * the drive. Image files are left alone (their cache belongs to the filesystem holding them).
 */
export async function dropCachedPages(devicePath: string): Promise<void> {
  if (!(await stat(devicePath)).isBlockDevice()) return;
  try {
    await run('blockdev', ['--flushbufs', devicePath]);
  } catch (error) {
    throw new BlockDeviceError(BlockDeviceErrorCode.ShortIo, `blockdev could not flush ${devicePath}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
