import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

import { BitLockerError, BitLockerVolume } from '@seedship/bitlocker';
import { dropCachedPages } from '@seedship/block-devices';

import { driveHeaderHash as computeDriveHeaderHash } from './drive-header-hash';
import { DriveFormatError } from './drive-format-error';
import { MANIFEST_FILE, type DriveManifest, parseManifest } from './manifest/drive-manifest';
import { type NtfsFile, NtfsReader } from './ntfs/ntfs-reader';
import { type VolumeRead } from './ntfs/ntfs-structures';
import { parsePartitionTable, PARTITION_ALIGNMENT } from './partition-table';
import { type DriveProgress, ProgressMeter } from './progress';

export interface VerifyDriveOptions {
  readonly device: string;
  /** The recovery password as the job's drive list carries it. */
  readonly recoveryPassword: string;
  /** When given, the manifest must name this drive. */
  readonly driveId?: string;
  readonly manifestFile?: string;
  /** When given, the manifest's MD5 must match (as the datacenter checks). */
  readonly manifestHash?: string;
  readonly driveHeaderHash?: string;
  /** Default 512; a 4Kn drive's partition table is in 4096-byte sectors. */
  readonly sectorSize?: number;
  /** When given, exactly these blobs must be on the drive, with these sizes and whole-blob MD5s (Base64). */
  readonly expectedBlobs?: readonly { blobPath: string; size: number; md5: string }[];
}

export interface VerificationReport {
  readonly ok: boolean;
  /** One line per thing that is wrong; empty when ok. */
  readonly problems: readonly string[];
  readonly driveId: string | undefined;
  readonly manifestHash: string | undefined;
  readonly driveHeaderHash: string | undefined;
  readonly blobsChecked: number;
  readonly blocksChecked: number;
  readonly bytesChecked: number;
}

/**
 * Reads a prepared drive back the way the datacenter will, from the medium (the device's cached pages
 * are dropped first): finds the partition, unlocks BitLocker with
 * the recovery password (all three metadata copies must pass their CRC-32 and SHA-256 checks), finds
 * the manifest in NTFS, checks its MD5, and then checks every blob file's size and every block's MD5
 * against the manifest (and every blob's MD5 against staging's, when given).
 */
export async function verifyDrive(options: VerifyDriveOptions, onProgress: (progress: DriveProgress) => void = () => undefined): Promise<VerificationReport> {
  const problems: string[] = [];
  const meter = new ProgressMeter(onProgress);
  let blobsChecked = 0;
  let blocksChecked = 0;
  let bytesChecked = 0;
  const sectorSize = options.sectorSize ?? 512;
  const report = (extra: Partial<VerificationReport> = {}): VerificationReport => ({
    ok: problems.length === 0,
    problems,
    driveId: undefined,
    manifestHash: undefined,
    driveHeaderHash: undefined,
    blobsChecked,
    blocksChecked,
    bytesChecked,
    ...extra,
  });

  // Read the medium, not what the page cache still holds from writing.
  await dropCachedPages(options.device);
  const head = Buffer.alloc(PARTITION_ALIGNMENT + sectorSize);
  const raw = await open(options.device, 'r');
  try {
    await raw.read(head, 0, PARTITION_ALIGNMENT, 0);
    const partition = parsePartitionTable(head, sectorSize);
    if (!partition) {
      problems.push('the drive has no MBR or GPT partition table');
      return report();
    }
    await raw.read(head, PARTITION_ALIGNMENT, sectorSize, partition.partitionOffset);
    const headerHash = computeDriveHeaderHash(head.subarray(0, PARTITION_ALIGNMENT), head.subarray(PARTITION_ALIGNMENT));
    if (options.driveHeaderHash !== undefined && options.driveHeaderHash.toUpperCase() !== headerHash) {
      problems.push(`driveHeaderHash is ${headerHash}, not ${options.driveHeaderHash.toUpperCase()}`);
    }

    let volume: BitLockerVolume;
    try {
      volume = await BitLockerVolume.open(options.device, { volumeOffset: partition.partitionOffset });
    } catch (error) {
      problems.push(`the partition is not a readable BitLocker volume: ${describe(error)}`);
      return report({ driveHeaderHash: headerHash });
    }
    try {
      try {
        await volume.unlock({ recoveryPassword: options.recoveryPassword });
      } catch (error) {
        problems.push(`the recovery password does not unlock the volume: ${describe(error)}`);
        return report({ driveHeaderHash: headerHash });
      }
      if (!volume.allCopiesValid) {
        problems.push(`not every BitLocker metadata copy is intact: ${volume.copyStatus.map((s) => `${s.offset}: crc ${s.crc}, hash ${s.hash}`).join('; ')}`);
      }
      const read = alignedRead((offset, length) => volume.read(offset, length), volume.sectorSize, volume.volumeBytes);
      const ntfs = await NtfsReader.open(read);
      const files = await ntfs.listFiles();
      const manifestPath = options.manifestFile ?? MANIFEST_FILE;
      const manifestFile = lookup(files, manifestPath);
      if (!manifestFile) {
        problems.push(`the manifest ${manifestPath} is not on the drive`);
        return report({ driveHeaderHash: headerHash });
      }
      const manifestBytes = await ntfs.readFileRange(manifestFile, 0, manifestFile.dataSize);
      const manifestHash = createHash('md5').update(manifestBytes).digest('hex').toUpperCase();
      if (options.manifestHash !== undefined && options.manifestHash.toUpperCase() !== manifestHash) {
        problems.push(`the manifest's MD5 is ${manifestHash}, not ${options.manifestHash.toUpperCase()}`);
      }
      let manifest: DriveManifest;
      try {
        manifest = parseManifest(manifestBytes.toString('utf8'));
      } catch (error) {
        problems.push(describe(error));
        return report({ driveHeaderHash: headerHash, manifestHash });
      }
      if (options.driveId !== undefined && manifest.driveId !== options.driveId) problems.push(`the manifest names drive ${manifest.driveId}, not ${options.driveId}`);
      checkExpected(manifest, options.expectedBlobs, problems);
      const expectedMd5 = new Map((options.expectedBlobs ?? []).map((blob) => [blob.blobPath, blob.md5]));
      meter.phase('verifying', manifest.blobs.reduce((sum, blob) => sum + blob.length, 0));
      for (const blob of manifest.blobs) {
        const file = lookup(files, blob.filePath);
        if (!file) {
          problems.push(`${blob.blobPath}: its file ${blob.filePath} is not on the drive`);
          continue;
        }
        if (file.dataSize !== blob.length) problems.push(`${blob.blobPath}: ${blob.filePath} has ${file.dataSize} bytes; the manifest says ${blob.length}`);
        const whole = createHash('md5');
        let covered = 0;
        for (const block of blob.blocks) {
          const bytes = await ntfs.readFileRange(file, block.offset, block.length);
          const hash = createHash('md5').update(bytes).digest('hex').toUpperCase();
          if (bytes.length !== block.length || hash !== block.hash) {
            problems.push(`${blob.blobPath}: block at offset ${block.offset} (${block.length} bytes) of ${blob.filePath} has MD5 ${hash}; the manifest says ${block.hash}`);
          }
          if (block.offset !== covered) problems.push(`${blob.blobPath}: the manifest's blocks leave a gap at ${covered}`);
          covered = block.offset + block.length;
          whole.update(bytes);
          blocksChecked++;
          bytesChecked += bytes.length;
          meter.advance(bytes.length);
        }
        if (covered !== blob.length) problems.push(`${blob.blobPath}: the manifest's blocks cover ${covered} of ${blob.length} bytes`);
        const md5 = whole.digest('base64');
        const staged = expectedMd5.get(blob.blobPath);
        if (staged !== undefined && staged !== md5) problems.push(`${blob.blobPath}: the blob on the drive has MD5 ${md5}; staging recorded ${staged}`);
        blobsChecked++;
      }
      return report({ driveId: manifest.driveId, manifestHash, driveHeaderHash: headerHash });
    } catch (error) {
      if (error instanceof DriveFormatError || error instanceof BitLockerError) {
        problems.push(describe(error));
        return report({ driveHeaderHash: headerHash });
      }
      throw error;
    } finally {
      await volume.close();
    }
  } finally {
    await raw.close();
  }
}

function checkExpected(manifest: DriveManifest, expected: VerifyDriveOptions['expectedBlobs'], problems: string[]): void {
  if (!expected) return;
  const onDrive = new Map(manifest.blobs.map((blob) => [blob.blobPath, blob]));
  for (const blob of expected) {
    const found = onDrive.get(blob.blobPath);
    if (!found) problems.push(`${blob.blobPath} is planned for this drive but not in its manifest`);
    else if (found.length !== blob.size) problems.push(`${blob.blobPath}: the manifest says ${found.length} bytes; staging recorded ${blob.size}`);
  }
  const planned = new Set(expected.map((blob) => blob.blobPath));
  for (const blob of manifest.blobs) if (!planned.has(blob.blobPath)) problems.push(`${blob.blobPath} is in the manifest but was not planned for this drive`);
}

/** NTFS paths are case-insensitive. */
function lookup(files: Map<string, NtfsFile>, filePath: string): NtfsFile | undefined {
  const wanted = `\\${filePath.replace(/\//g, '\\').replace(/^\\+/, '')}`;
  const exact = files.get(wanted);
  if (exact) return exact;
  const lower = wanted.toLowerCase();
  for (const [candidate, file] of files) if (candidate.toLowerCase() === lower) return file;
  return undefined;
}

/** The BitLocker reader reads whole sectors; NTFS file tails are not. */
function alignedRead(read: VolumeRead, sectorSize: number, volumeBytes: number): VolumeRead {
  return async (offset, length) => {
    const start = Math.floor(offset / sectorSize) * sectorSize;
    const end = Math.min(volumeBytes, Math.ceil((offset + length) / sectorSize) * sectorSize);
    const bytes = await read(start, end - start);
    return bytes.subarray(offset - start, offset - start + length);
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
