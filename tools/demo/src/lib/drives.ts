import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { driveCapacity } from '@seedship/drive-format';

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** The smallest drive the disk-prep agent accepts (its drive rules' MIN_DRIVE_BYTES, 32 MiB). */
export const MIN_DRIVE_MIB = 32;

export interface SimulatedDrive {
  /** The serial the disk-prep agent gives a loop device: its image file's name without the extension. */
  readonly serial: string;
  readonly imagePath: string;
  readonly sizeBytes: number;
  /** /dev/loopN while attached ("inserted"), undefined once detached ("pulled"). */
  device: string | undefined;
}

/**
 * Chooses drives for `stagedBytes` so the job spans drives: each holds well under all of it (about
 * 60%), none is smaller than the largest blob needs, and there are enough of them with room to spare.
 */
export function planSimulatedDrives(stagedBytes: number, largestBlobBytes: number): { sizeBytes: number; count: number; usableBytes: number } {
  const wanted = Math.max(stagedBytes * 0.6, largestBlobBytes * 1.5);
  let sizeMiB = MIN_DRIVE_MIB;
  const usable = (mib: number): number => driveCapacity({ diskBytes: mib * MiB, sectorSize: 512 }).usableBytes;
  while (usable(sizeMiB) < wanted) sizeMiB += 1;
  const usableBytes = usable(sizeMiB);
  if (usableBytes >= stagedBytes) {
    throw new Error(
      `${stagedBytes} staged bytes fit on the smallest drive (${MIN_DRIVE_MIB} MiB holds ${usableBytes}); the job would not span two drives. Use a larger data set (--size-mib 48 or more).`,
    );
  }
  // Blobs are whole on one drive, so a drive may end with some room unused; one more drive than the bytes need.
  const count = Math.max(2, Math.ceil(stagedBytes / (usableBytes * 0.85)));
  return { sizeBytes: sizeMiB * MiB, count, usableBytes };
}

/**
 * "Inserts" a blank drive: a sparse image file in the bay directory attached as a loop device (as root).
 * The image is whole before it is attached, so the agent never sees a partial drive.
 */
export async function insertSimulatedDrive(bayDir: string, serial: string, sizeBytes: number): Promise<SimulatedDrive> {
  const imagePath = join(bayDir, `${serial}.img`);
  const handle = await open(imagePath, 'wx');
  await handle.truncate(sizeBytes);
  await handle.close();
  try {
    const { stdout } = await run('losetup', ['--find', '--show', imagePath]);
    return { serial, imagePath, sizeBytes, device: stdout.trim() };
  } catch (error) {
    await rm(imagePath, { force: true });
    throw new Error(`losetup could not attach ${imagePath} (loop devices need root and /dev/loop-control): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** "Pulls" the drive: detaches the loop device (flushing it), keeping the image to ship. */
export async function pullSimulatedDrive(drive: SimulatedDrive): Promise<void> {
  if (!drive.device) return;
  await run('losetup', ['--detach', drive.device]);
  drive.device = undefined;
}

export async function removeSimulatedDrive(drive: SimulatedDrive): Promise<void> {
  await pullSimulatedDrive(drive).catch(() => undefined);
  await rm(drive.imagePath, { force: true });
}
