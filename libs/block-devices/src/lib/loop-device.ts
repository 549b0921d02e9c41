import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { BlockDeviceError, BlockDeviceErrorCode } from './block-device-error';

const run = promisify(execFile);

/** A loop device over a sparse image file; `detach()` releases the device and deletes the image. */
export interface LoopDevice {
  /** `/dev/loopN`. */
  readonly path: string;
  readonly name: string;
  readonly imagePath: string;
  readonly sizeBytes: number;
  readonly sectorSize: number;
  detach(): Promise<void>;
}

export interface LoopDeviceOptions {
  readonly sizeBytes: number;
  /** Logical sector size the loop device presents (512 or 4096); default 512. */
  readonly sectorSize?: number;
  /** Where the sparse image goes; default a new directory under the system temp directory. */
  readonly directory?: string;
  /**
   * The loop driver writes to its image with O_DIRECT, so data reaches the disk below as on a real
   * drive instead of staying in the host's page cache (benchmarks); default off.
   */
  readonly directIo?: boolean;
}

// Loop devices outlive the process unless detached: whatever a test leaves is detached at exit.
const live = new Map<string, { imageDir: string | undefined; imagePath: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [device, { imageDir, imagePath }] of live) {
      try {
        execFileSync('losetup', ['--detach', device], { stdio: 'ignore' });
      } catch {
        // already gone
      }
      try {
        execFileSync('rm', ['-rf', imageDir ?? imagePath], { stdio: 'ignore' });
      } catch {
        // nothing left to remove
      }
    }
  });
}

/** Makes a sparse image of `sizeBytes` and attaches it as a loop device (needs root). */
export async function createLoopDevice(options: LoopDeviceOptions): Promise<LoopDevice> {
  const sectorSize = options.sectorSize ?? 512;
  if (!Number.isSafeInteger(options.sizeBytes) || options.sizeBytes <= 0 || options.sizeBytes % sectorSize !== 0) {
    throw new BlockDeviceError(BlockDeviceErrorCode.InvalidArgument, `A loop device needs a size that is a positive multiple of ${sectorSize} bytes, not ${options.sizeBytes}.`);
  }
  const imageDir = options.directory ? undefined : await mkdtemp(path.join(os.tmpdir(), 'seedship-loop-'));
  const imagePath = path.join(options.directory ?? imageDir ?? os.tmpdir(), `drive-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.img`);
  const handle = await open(imagePath, 'w');
  await handle.truncate(options.sizeBytes);
  await handle.close();
  let device: string;
  try {
    const { stdout } = await run('losetup', ['--find', '--show', '--sector-size', String(sectorSize), ...(options.directIo ? ['--direct-io=on'] : []), imagePath]);
    device = stdout.trim();
  } catch (error) {
    await rm(imageDir ?? imagePath, { recursive: true, force: true });
    throw new BlockDeviceError(
      BlockDeviceErrorCode.LoopDeviceFailed,
      `losetup could not attach ${imagePath}: ${error instanceof Error ? error.message : String(error)} (loop devices need root and /dev/loop-control).`,
    );
  }
  installExitHook();
  live.set(device, { imageDir, imagePath });
  let detached = false;
  return {
    path: device,
    name: path.basename(device),
    imagePath,
    sizeBytes: options.sizeBytes,
    sectorSize,
    detach: async () => {
      if (detached) return;
      detached = true;
      await detachWithRetry(device);
      live.delete(device);
      await rm(imageDir ?? imagePath, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a fresh loop device and always detaches it, also when `fn` throws. */
export async function withLoopDevice<T>(options: LoopDeviceOptions, fn: (device: LoopDevice) => Promise<T>): Promise<T> {
  const device = await createLoopDevice(options);
  try {
    return await fn(device);
  } finally {
    await device.detach();
  }
}

async function detachWithRetry(device: string): Promise<void> {
  // A just-closed fd or a FUSE unmount can keep the device busy for a moment.
  for (let attempt = 0; ; attempt += 1) {
    try {
      await run('losetup', ['--detach', device]);
      return;
    } catch (error) {
      if (attempt >= 20) {
        throw new BlockDeviceError(BlockDeviceErrorCode.LoopDeviceFailed, `losetup could not detach ${device}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
  }
}
