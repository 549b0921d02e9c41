import { type DriveCapacity, blobFootprint } from './capacity';
import { DriveFormatError, DriveFormatErrorCode } from './drive-format-error';
import { DEFAULT_BLOCK_BYTES } from './manifest/drive-manifest';

export interface PlannedBlob {
  /** Blob name inside the container. */
  readonly blobName: string;
  readonly size: number;
}

export interface DriveForPlan {
  readonly driveId: string;
  readonly capacity: DriveCapacity;
}

export interface DriveAssignment {
  readonly driveId: string;
  /** Blob names, in the order they are written. */
  readonly blobNames: readonly string[];
  readonly blobBytes: number;
  /** Bytes they take on the drive with clusters, MFT records and manifest lines. */
  readonly footprintBytes: number;
  readonly freeBytes: number;
}

export interface DrivePlan {
  readonly drives: readonly DriveAssignment[];
  /** Blobs no given drive has room for, largest first. */
  readonly unassigned: readonly PlannedBlob[];
  /** The bytes of `unassigned`: what still needs another drive. */
  readonly bytesNeedingAnotherDrive: number;
  /** Blobs that fit on none of the given drives even when empty (they need a larger drive). */
  readonly tooLargeForAnyDrive: readonly string[];
}

/**
 * Spreads blobs over drives: first fit, largest blob first, drives in the order given. A blob is never
 * split: Azure imports a blob from one drive, and staged blobs are pack files of tens of MiB.
 */
export function planDrives(input: { container: string; blobs: readonly PlannedBlob[]; drives: readonly DriveForPlan[]; blockBytes?: number }): DrivePlan {
  const names = new Set<string>();
  const problems: string[] = [];
  for (const blob of input.blobs) {
    if (names.has(blob.blobName)) problems.push(`blob ${blob.blobName} is listed twice`);
    names.add(blob.blobName);
    if (!Number.isSafeInteger(blob.size) || blob.size < 0) problems.push(`blob ${blob.blobName} has size ${blob.size}, not a whole number of bytes`);
  }
  const driveIds = new Set(input.drives.map((drive) => drive.driveId));
  if (driveIds.size !== input.drives.length) problems.push('a drive is listed twice');
  if (problems.length > 0) throw new DriveFormatError(DriveFormatErrorCode.InvalidInput, `The drive plan cannot be made: ${problems.join('; ')}.`, problems);

  const free = input.drives.map((drive) => drive.capacity.usableBytes);
  const assigned = input.drives.map(() => ({ names: [] as string[], blobBytes: 0, footprint: 0 }));
  const unassigned: PlannedBlob[] = [];
  const tooLarge: string[] = [];
  const ordered = [...input.blobs].sort((a, b) => b.size - a.size || (a.blobName < b.blobName ? -1 : 1));
  for (const [index, blob] of ordered.entries()) {
    // The file name on the drive is not known yet; a placeholder of the same length stands in.
    const footprintOn = (capacity: DriveCapacity): number =>
      blobFootprint({ blobPath: `${input.container}/${blob.blobName}`, filePath: blobFilePath(index), size: blob.size }, capacity, input.blockBytes ?? DEFAULT_BLOCK_BYTES);
    const at = input.drives.findIndex((drive, d) => footprintOn(drive.capacity) <= (free[d] ?? 0));
    if (at < 0) {
      unassigned.push(blob);
      if (!input.drives.some((drive) => footprintOn(drive.capacity) <= drive.capacity.usableBytes)) tooLarge.push(blob.blobName);
      continue;
    }
    const drive = input.drives[at];
    const slot = assigned[at];
    if (!drive || !slot) continue;
    const footprint = footprintOn(drive.capacity);
    free[at] = (free[at] ?? 0) - footprint;
    slot.names.push(blob.blobName);
    slot.blobBytes += blob.size;
    slot.footprint += footprint;
  }
  return {
    drives: input.drives.map((drive, d) => ({
      driveId: drive.driveId,
      blobNames: assigned[d]?.names ?? [],
      blobBytes: assigned[d]?.blobBytes ?? 0,
      footprintBytes: assigned[d]?.footprint ?? 0,
      freeBytes: free[d] ?? 0,
    })),
    unassigned,
    bytesNeedingAnotherDrive: unassigned.reduce((sum, blob) => sum + blob.size, 0),
    tooLargeForAnyDrive: tooLarge,
  };
}

/**
 * Where blob number `index` (0-based) of a drive lives: `\Blobs\000001.bin`. File names on the drive
 * do not derive from blob names (which may hold characters and lengths Windows paths do not allow);
 * the manifest maps one to the other.
 */
export function blobFilePath(index: number): string {
  return `\\Blobs\\${String(index + 1).padStart(6, '0')}.bin`;
}
