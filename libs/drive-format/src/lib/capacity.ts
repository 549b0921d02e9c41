import { planVolumeLayout } from '@seedship/bitlocker';

import { DriveFormatError, DriveFormatErrorCode } from './drive-format-error';
import { DEFAULT_BLOCK_BYTES, MIN_MANIFEST_BYTES, blockRanges, blockSizeFor, manifestBlobEntryBytes } from './manifest/drive-manifest';
import { type PartitionStyle, choosePartitionStyle, planPartition } from './partition-table';

/** NTFS cluster size on every drive (what Windows uses for volumes up to 16 TB). */
export const CLUSTER_BYTES = 4096;
const MIB = 1024 * 1024;

/** What a drive of a given size holds once partitioned, BitLocker's regions set aside and NTFS made. */
export interface DriveCapacity {
  readonly diskBytes: number;
  readonly sectorSize: number;
  readonly partitionStyle: PartitionStyle;
  readonly partitionOffset: number;
  readonly partitionBytes: number;
  /** Bytes NTFS spans: the partition less BitLocker's regions at its end. */
  readonly ntfsBytes: number;
  readonly clusterSize: number;
  readonly mftRecordBytes: number;
  /** Bytes left for blob files and the manifest after NTFS's own metadata (an upper bound kept on the safe side). */
  readonly usableBytes: number;
}

export function driveCapacity(options: { diskBytes: number; sectorSize: number; partitionStyle?: PartitionStyle }): DriveCapacity {
  const { diskBytes, sectorSize } = options;
  const partitionStyle = options.partitionStyle ?? choosePartitionStyle(diskBytes, sectorSize);
  const partition = planPartition(diskBytes, sectorSize, partitionStyle);
  if (partition.partitionBytes < 16 * MIB) {
    throw new DriveFormatError(DriveFormatErrorCode.DriveTooSmall, `A drive of ${diskBytes} bytes is too small to prepare; it needs at least 18 MiB.`);
  }
  const layout = planVolumeLayout({ volumeBytes: partition.partitionBytes, sectorSize });
  const ntfsBytes = layout.filesystemBytes;
  return {
    diskBytes,
    sectorSize,
    partitionStyle,
    partitionOffset: partition.partitionOffset,
    partitionBytes: partition.partitionBytes,
    ntfsBytes,
    clusterSize: CLUSTER_BYTES,
    mftRecordBytes: Math.max(1024, sectorSize),
    usableBytes: Math.max(0, ntfsBytes - ntfsOverheadBytes(ntfsBytes) - MIN_MANIFEST_BYTES - CLUSTER_BYTES),
  };
}

/**
 * NTFS's own use of a fresh volume made by mkntfs, rounded up: $LogFile (2 MiB to 64 MiB, about
 * 1/256 of the volume), $Bitmap (one bit per cluster), and 4 MiB for the MFT, $UpCase, $Secure and
 * the rest, plus 0.05% of the volume as slack for MFT and index growth. Measured against mkntfs
 * 2022.10.3 from 16 MiB to 1 TiB (capacity.integration-spec.ts keeps it on the safe side).
 */
export function ntfsOverheadBytes(ntfsBytes: number): number {
  const logFile = Math.min(64 * MIB, Math.max(2 * MIB, Math.ceil(ntfsBytes / 256)));
  const bitmap = Math.ceil(ntfsBytes / CLUSTER_BYTES / 8 / CLUSTER_BYTES) * CLUSTER_BYTES;
  return logFile + bitmap + 4 * MIB + Math.ceil(ntfsBytes * 0.0005);
}

/** Bytes one blob takes on a drive: its clusters, its MFT record and index entry, and its lines in the manifest. */
export function blobFootprint(blob: { blobPath: string; filePath: string; size: number }, capacity: Pick<DriveCapacity, 'clusterSize' | 'mftRecordBytes'>, blockBytes = DEFAULT_BLOCK_BYTES): number {
  const clusters = Math.ceil(blob.size / capacity.clusterSize) * capacity.clusterSize;
  const manifest = manifestBlobEntryBytes({
    blobPath: blob.blobPath,
    filePath: blob.filePath,
    length: blob.size,
    importDisposition: 'no-overwrite',
    blocks: blockRanges(blob.size, blockSizeFor(blob.size, blockBytes)),
  });
  return clusters + 2 * capacity.mftRecordBytes + manifest;
}
