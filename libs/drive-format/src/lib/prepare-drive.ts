import { createHash } from 'node:crypto';
import { type FileHandle, mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { BitLockerVolumeWriter, type PreparedVolume, type WritableEncryption, VolumeEncryptor, XtsWorkerPool, planVolumeLayout, prepareVolume } from '@seedship/bitlocker';
import { RawDevice, checkDriveWritable, openDriveTarget } from '@seedship/block-devices';
import { type RecoveryPassword } from '@seedship/domain';

import { type DriveCapacity, blobFootprint, driveCapacity } from './capacity';
import { DriveFormatError, DriveFormatErrorCode } from './drive-format-error';
import { driveHeaderHash } from './drive-header-hash';
import {
  DEFAULT_BLOCK_BYTES,
  type ImportCredential,
  type ImportDisposition,
  MANIFEST_FILE,
  type ManifestBlob,
  blockRanges,
  blockSizeFor,
  renderManifest,
} from './manifest/drive-manifest';
import { SMALL_FILE_BYTES, type AllocatedFile, type ScratchVolume, buildScratchVolume } from './ntfs/ntfs-scratch';
import { type DataRun } from './ntfs/ntfs-structures';
import { type PartitionStyle, buildPartitionTable, planPartition } from './partition-table';
import { blobFilePath } from './plan-drives';
import { type DriveProgress, ProgressMeter } from './progress';
import { type VerificationReport, verifyDrive } from './verify-drive';

/** One staged blob to put on the drive (from StagedObject / StagedBlob: path on the staging disk, size, MD5). */
export interface DriveBlob {
  /** Blob name inside the container. */
  readonly blobName: string;
  /** The file in the staging area holding the blob's bytes. */
  readonly sourcePath: string;
  readonly size: number;
  /** Base64 MD5 of the whole blob, as staging recorded it (Content-MD5). */
  readonly md5: string;
}

export interface PrepareDriveOptions {
  /** The drive: a whole block device (`/dev/sdb`) or an image file. */
  readonly device: string;
  /** Needed for devices without a serial number (loop devices, images); must match the serial otherwise. */
  readonly driveId?: string;
  /** The storage container the blobs import into. */
  readonly container: string;
  readonly blobs: readonly DriveBlob[];
  /** The import credential written into the manifest (the drive is encrypted). */
  readonly credential: ImportCredential;
  /** Default: MBR up to 2 TiB (512-byte sectors), GPT beyond. */
  readonly partitionStyle?: PartitionStyle;
  readonly encryption?: WritableEncryption;
  /** Default: a fresh random one. */
  readonly recoveryPassword?: RecoveryPassword;
  readonly importDisposition?: ImportDisposition;
  /** Preferred block size for the manifest's MD5s; default 4 MiB. */
  readonly blockBytes?: number;
  /** An operator confirmed the drive may be wiped although it is not blank. */
  readonly wipeConfirmed?: boolean;
  /** Where the sparse scratch image goes (only NTFS metadata is written to it); default the temp directory. */
  readonly scratchDirectory?: string;
  /** Encryption threads; default one per core. */
  readonly threads?: number;
  /** Read everything back and check it (default true). */
  readonly verify?: boolean;
  /** Sector size of an image file; block devices report their own. */
  readonly imageSectorSize?: number;
  /** Stops the work between chunks (agent shutdown, drive pulled); a drive stopped mid-fill must be prepared again. */
  readonly signal?: AbortSignal;
}

/** What the import job's drive list needs, and what was done. */
export interface PreparedDrive {
  readonly driveId: string;
  /** The 48-digit BitLocker recovery password: a secret (its toJSON hides the digits). */
  readonly recoveryPassword: RecoveryPassword;
  readonly manifestFile: string;
  /** Base16 MD5 of the manifest file. */
  readonly manifestHash: string;
  readonly driveHeaderHash: string;
  /** Every byte written to the device: data, NTFS metadata, BitLocker metadata, partition table. */
  readonly bytesWritten: number;
  /** Bytes of blob data on the drive. */
  readonly blobBytes: number;
  readonly blobs: readonly { blobName: string; filePath: string; size: number }[];
  readonly capacity: DriveCapacity;
  /** Present unless `verify: false`. */
  readonly verification: VerificationReport | undefined;
}

const CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 4;

/**
 * Prepares one drive end to end: partition table, NTFS, blob files, drive manifest, BitLocker, and a
 * read-back verification. Everything that can be checked is checked before the first byte is written
 * to the drive (inputs, staged files, drive rules, room); then blob data goes from staging through the
 * encryptor onto the drive in one pass, hashed on the way. See ADR 0005 and docs/drive-format.md.
 */
export async function prepareDrive(options: PrepareDriveOptions, onProgress: (progress: DriveProgress) => void = () => undefined): Promise<PreparedDrive> {
  const meter = new ProgressMeter(onProgress);
  options.signal?.throwIfAborted();
  checkInput(options);
  const target = await openDriveTarget(options.device, {
    ...(options.driveId !== undefined ? { driveId: options.driveId } : {}),
    ...(options.imageSectorSize !== undefined ? { imageSectorSize: options.imageSectorSize } : {}),
  });
  const writable = await checkDriveWritable(target, { wipeConfirmed: options.wipeConfirmed ?? false });
  if (writable.problems.length > 0) {
    throw new DriveFormatError(DriveFormatErrorCode.DriveNotWritable, `Drive ${target.driveId} was not touched: ${writable.problems.join('; ')}.`, writable.problems);
  }
  const sectorSize = target.logicalSectorSize;
  const capacity = driveCapacity({ diskBytes: target.sizeBytes, sectorSize, ...(options.partitionStyle ? { partitionStyle: options.partitionStyle } : {}) });
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const disposition = options.importDisposition ?? 'overwrite';
  const entries = options.blobs.map((blob, index) => ({
    blob,
    filePath: blobFilePath(index),
    blobPath: `${options.container}/${blob.blobName}`,
    blockSize: blockSizeFor(blob.size, blockBytes),
  }));
  const needed = entries.reduce((sum, entry) => sum + blobFootprint({ blobPath: entry.blobPath, filePath: entry.filePath, size: entry.blob.size }, capacity, blockBytes), 0);
  if (needed > capacity.usableBytes) {
    throw new DriveFormatError(
      DriveFormatErrorCode.DriveTooSmall,
      `Drive ${target.driveId} was not touched: its ${capacity.usableBytes} usable bytes cannot hold the ${needed} bytes the ${entries.length} blobs take; plan ${needed - capacity.usableBytes} more bytes onto another drive.`,
    );
  }
  await checkSources(options.blobs);
  meter.phase('allocating', 0);

  const scratchDir = await mkdtemp(path.join(options.scratchDirectory ?? os.tmpdir(), 'seedship-scratch-'));
  const pool = options.threads === 0 ? undefined : new XtsWorkerPool(options.threads);
  try {
    const small = new Map<string, Buffer>();
    for (const entry of entries) {
      if (entry.blob.size <= SMALL_FILE_BYTES) small.set(entry.filePath, await readSmallSource(entry.blob));
    }
    const placeholder: ManifestBlob[] = entries.map((entry) => ({
      blobPath: entry.blobPath,
      filePath: entry.filePath,
      length: entry.blob.size,
      importDisposition: disposition,
      blocks: blockRanges(entry.blob.size, entry.blockSize),
    }));
    const plannedManifest = renderManifest({ driveId: target.driveId, credential: options.credential, blobs: placeholder });
    const layout = planVolumeLayout({ volumeBytes: capacity.partitionBytes, sectorSize });
    // Everything up to here only reads; the scratch image is ours. A plan that does not fit fails here
    // too. The key stretching of prepareVolume (about a second) runs meanwhile.
    const [scratch, prepared] = await Promise.all([
      buildScratchVolume({
        imagePath: path.join(scratchDir, 'ntfs-metadata.img'),
        volumeBytes: capacity.ntfsBytes,
        sectorSize,
        clusterSize: capacity.clusterSize,
        partitionStartSector: capacity.partitionOffset / sectorSize,
        label: target.driveId.slice(0, 32),
        files: [
          ...entries.map((entry) => ({ path: entry.filePath, size: entry.blob.size, ...(small.has(entry.filePath) ? { content: small.get(entry.filePath) } : {}) })),
          { path: MANIFEST_FILE, size: plannedManifest.length },
        ],
      }),
      prepareVolume({
        layout,
        encryption: options.encryption ?? 'XTS-AES-128',
        ...(options.recoveryPassword ? { recoveryPassword: options.recoveryPassword } : {}),
        partitionStartSector: capacity.partitionOffset / sectorSize,
        sectorsPerCluster: capacity.clusterSize / sectorSize,
        description: `SEEDSHIP ${target.driveId}`,
      }),
    ]);

    options.signal?.throwIfAborted();
    const dataBytes = entries.reduce((sum, entry) => sum + (small.has(entry.filePath) ? 0 : entry.blob.size), 0);
    const metadataBytes = scratch.metadataExtents.reduce((sum, extent) => sum + extent.length, 0);
    meter.phase('writing', dataBytes + metadataBytes + plannedManifest.length);
    const device = await RawDevice.open(target.path, { sectorSize, writable: true });
    let bytesWritten = 0;
    try {
      const sink = new EncryptingSink(device, new VolumeEncryptor(layout, prepared.fvek, pool), capacity.partitionOffset);
      const filesByPath = new Map(scratch.files.map((file) => [file.path, file]));
      const blobs: ManifestBlob[] = [];
      for (const entry of entries) {
        const allocated = filesByPath.get(entry.filePath);
        if (!allocated) throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `${entry.filePath} is missing from the scratch volume.`);
        const hashes = small.has(entry.filePath)
          ? blockHashes(small.get(entry.filePath) ?? Buffer.alloc(0), entry.blockSize)
          : await streamBlob(entry.blob, allocated, entry.blockSize, scratch.clusterSize, sink, meter, options.signal);
        blobs.push({
          blobPath: entry.blobPath,
          filePath: entry.filePath,
          length: entry.blob.size,
          importDisposition: disposition,
          blocks: blockRanges(entry.blob.size, entry.blockSize).map((block, index) => ({ ...block, hash: hashes[index] ?? '' })),
        });
      }
      await copyMetadata(path.join(scratchDir, 'ntfs-metadata.img'), scratch, sink, meter);
      const manifest = renderManifest({ driveId: target.driveId, credential: options.credential, blobs });
      if (manifest.length !== plannedManifest.length) {
        throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `The manifest came out ${manifest.length} bytes long, not the ${plannedManifest.length} allocated.`);
      }
      const manifestFile = filesByPath.get(MANIFEST_FILE);
      if (!manifestFile) throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, 'The manifest is missing from the scratch volume.');
      await writeFileData(manifestFile.runs, 0, padToCluster(manifest, scratch.clusterSize), scratch.clusterSize, sink);
      meter.advance(manifest.length);
      await sink.drain();
      bytesWritten += sink.bytesWritten;
      options.signal?.throwIfAborted();
      await device.sync();

      meter.phase('finishing', 0);
      // BitLocker's header and metadata make the volume recognisable; they go after the data.
      const writer = await BitLockerVolumeWriter.open(target.path, prepared, { volumeOffset: capacity.partitionOffset, threads: 0 });
      try {
        await writer.finish();
      } finally {
        await writer.close();
      }
      bytesWritten += bitLockerMetadataBytes(prepared);
      // The partition table goes last: a drive interrupted before this point is still seen as blank.
      bytesWritten += await writePartitionTable(device, capacity);
      await device.sync();
      const header = driveHeaderHash(await device.read(0, 1024 * 1024), await device.read(capacity.partitionOffset, sectorSize));
      const manifestHash = createHash('md5').update(manifest).digest('hex').toUpperCase();
      await device.close();

      let verification: VerificationReport | undefined;
      if (options.verify ?? true) {
        verification = await verifyDrive(
          {
            device: target.path,
            recoveryPassword: prepared.recoveryPassword.toString(),
            driveId: target.driveId,
            manifestHash,
            driveHeaderHash: header,
            sectorSize,
            expectedBlobs: entries.map((entry) => ({ blobPath: entry.blobPath, size: entry.blob.size, md5: entry.blob.md5 })),
          },
          (progress) => onProgress(progress),
        );
        if (!verification.ok) {
          throw new DriveFormatError(
            DriveFormatErrorCode.VerificationFailed,
            `Drive ${target.driveId} failed read-back verification: ${verification.problems.slice(0, 5).join('; ')}${verification.problems.length > 5 ? ` (and ${verification.problems.length - 5} more)` : ''}.`,
            verification.problems,
          );
        }
      }
      meter.phase('done', 0);
      return {
        driveId: target.driveId,
        recoveryPassword: prepared.recoveryPassword,
        manifestFile: MANIFEST_FILE,
        manifestHash,
        driveHeaderHash: header,
        bytesWritten,
        blobBytes: entries.reduce((sum, entry) => sum + entry.blob.size, 0),
        blobs: entries.map((entry) => ({ blobName: entry.blob.blobName, filePath: entry.filePath, size: entry.blob.size })),
        capacity,
        verification,
      };
    } catch (error) {
      await device.close().catch(() => undefined);
      throw error;
    }
  } finally {
    await pool?.close();
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** Plaintext in, ciphertext onto the device: a few chunks in flight so reading, hashing, encrypting and writing overlap. */
class EncryptingSink {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | undefined;
  bytesWritten = 0;

  constructor(
    private readonly device: RawDevice,
    private readonly encryptor: VolumeEncryptor,
    private readonly volumeOffset: number,
  ) {}

  async submit(offsetInVolume: number, plaintext: Buffer): Promise<void> {
    this.rethrow();
    while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    this.rethrow();
    const task = this.encryptor
      .encryptAsync(offsetInVolume, plaintext)
      .then(async (writes) => {
        for (const write of writes) {
          await this.device.write(this.volumeOffset + write.offset, write.data);
          this.bytesWritten += write.data.length;
        }
      })
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  /** The first failed write fails the drive: nothing after it may be reported as written. */
  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * Streams one blob from staging into its clusters and returns the Base16 MD5 of every block. The
 * whole-blob MD5 is not computed here (that would be a second MD5 pass over every byte): the
 * verification pass reads the blob back from the drive and checks it against staging's MD5.
 */
async function streamBlob(
  blob: DriveBlob,
  file: AllocatedFile,
  blockSize: number,
  clusterSize: number,
  sink: EncryptingSink,
  meter: ProgressMeter,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const source = await open(blob.sourcePath, 'r');
  try {
    const hashes: string[] = [];
    // Whole blocks per chunk where blocks are small, so each block is hashed in one call; chunks stay
    // 8 MiB for larger blocks (blobs beyond 195 GiB), whose hash then runs across chunks.
    const chunkBytes = blockSize <= CHUNK_BYTES ? Math.floor(CHUNK_BYTES / blockSize) * blockSize : CHUNK_BYTES;
    let block = createHash('md5');
    let inBlock = 0;
    let position = 0;
    let next: Promise<Buffer> | undefined = readChunk(source, 0, Math.min(chunkBytes, blob.size), blob);
    while (next) {
      signal?.throwIfAborted();
      const data: Buffer = await next;
      const following: number = position + data.length;
      next = following < blob.size ? readChunk(source, following, Math.min(chunkBytes, blob.size - following), blob) : undefined;
      const writing = writeFileData(file.runs, position, padToCluster(data, clusterSize), clusterSize, sink);
      for (let at = 0; at < data.length; ) {
        const take = Math.min(blockSize - inBlock, data.length - at);
        block.update(data.subarray(at, at + take));
        inBlock += take;
        at += take;
        if (inBlock === blockSize) {
          hashes.push(block.digest('hex').toUpperCase());
          block = createHash('md5');
          inBlock = 0;
        }
      }
      await writing;
      meter.advance(data.length);
      position = following;
    }
    if (inBlock > 0) hashes.push(block.digest('hex').toUpperCase());
    return hashes;
  } finally {
    await source.close();
  }
}

async function readChunk(source: FileHandle, position: number, length: number, blob: DriveBlob): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await source.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new DriveFormatError(DriveFormatErrorCode.SourceMismatch, `The staged file ${blob.sourcePath} ended at byte ${position + done}; staging recorded ${blob.size} bytes.`);
    }
    done += bytesRead;
  }
  return buffer;
}

/** Writes file bytes starting at `fileOffset` (cluster-aligned) to wherever the file's runs put them. */
async function writeFileData(runs: readonly DataRun[], fileOffset: number, data: Buffer, clusterSize: number, sink: EncryptingSink): Promise<void> {
  let at = 0;
  while (at < data.length) {
    const vcn = Math.floor((fileOffset + at) / clusterSize);
    const run = runs.find((candidate) => vcn >= candidate.vcn && vcn < candidate.vcn + candidate.clusters);
    if (run?.lcn === undefined) throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `File cluster ${vcn} has no place on the volume.`);
    const runEnd = (run.vcn + run.clusters) * clusterSize - fileOffset;
    const take = Math.min(data.length - at, runEnd - at);
    const volumeOffset = run.lcn * clusterSize + (fileOffset + at - run.vcn * clusterSize);
    await sink.submit(volumeOffset, data.subarray(at, at + take));
    at += take;
  }
}

/** NTFS metadata (and small files) from the scratch image, copied through the encryptor. */
async function copyMetadata(imagePath: string, scratch: ScratchVolume, sink: EncryptingSink, meter: ProgressMeter): Promise<void> {
  const image = await open(imagePath, 'r');
  try {
    for (const extent of scratch.metadataExtents) {
      for (let done = 0; done < extent.length; done += CHUNK_BYTES) {
        const length = Math.min(CHUNK_BYTES, extent.length - done);
        const buffer = Buffer.alloc(length);
        await image.read(buffer, 0, length, extent.offset + done);
        await sink.submit(extent.offset + done, buffer);
        meter.advance(length);
      }
    }
  } finally {
    await image.close();
  }
}

async function writePartitionTable(device: RawDevice, capacity: DriveCapacity): Promise<number> {
  const layout = planPartition(capacity.diskBytes, capacity.sectorSize, capacity.partitionStyle);
  const { head, tail } = buildPartitionTable(layout);
  await device.write(0, head);
  // Whatever lies after the partition (an old backup GPT) is cleared, so no tool sees a stale table.
  const afterPartition = layout.partitionOffset + layout.partitionBytes;
  const trailing = Math.floor((capacity.diskBytes - afterPartition) / capacity.sectorSize) * capacity.sectorSize;
  if (trailing > 0) await device.write(afterPartition, Buffer.alloc(trailing));
  if (tail) await device.write(tail.offset, tail.data);
  return head.length + trailing;
}

function bitLockerMetadataBytes(prepared: PreparedVolume): number {
  return prepared.headerSector.length + 3 * prepared.metadataRegion.length + 64 * 1024;
}

function padToCluster(data: Buffer, clusterSize: number): Buffer {
  const rest = data.length % clusterSize;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(clusterSize - rest)]);
}

function blockHashes(content: Buffer, blockSize: number): string[] {
  const hashes: string[] = [];
  for (let offset = 0; offset < content.length; offset += blockSize) {
    hashes.push(createHash('md5').update(content.subarray(offset, offset + blockSize)).digest('hex').toUpperCase());
  }
  return hashes;
}

async function readSmallSource(blob: DriveBlob): Promise<Buffer> {
  const handle = await open(blob.sourcePath, 'r');
  let content: Buffer;
  try {
    content = await readChunk(handle, 0, blob.size, blob);
  } finally {
    await handle.close();
  }
  const md5 = createHash('md5').update(content).digest('base64');
  if (md5 !== blob.md5) {
    throw new DriveFormatError(
      DriveFormatErrorCode.SourceMismatch,
      `The staged file ${blob.sourcePath} for blob ${blob.blobName} has MD5 ${md5}, but staging recorded ${blob.md5}; the drive was not touched.`,
    );
  }
  return content;
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

function checkInput(options: PrepareDriveOptions): void {
  const problems: string[] = [];
  if (!CONTAINER_NAME.test(options.container)) {
    problems.push(`container '${options.container}' is not a valid Azure container name (3-63 lower-case letters, digits and single hyphens)`);
  }
  if (options.blobs.length === 0) problems.push('there are no blobs to put on the drive');
  const names = new Set<string>();
  for (const blob of options.blobs) {
    if (names.has(blob.blobName)) problems.push(`blob ${blob.blobName} is listed twice`);
    names.add(blob.blobName);
    if (!blob.blobName || blob.blobName.length > 1024) problems.push(`blob name '${blob.blobName.slice(0, 40)}' must have 1 to 1,024 characters`);
    if (!Number.isSafeInteger(blob.size) || blob.size < 0) problems.push(`blob ${blob.blobName} has size ${blob.size}, not a whole number of bytes`);
    if (!MD5_BASE64.test(blob.md5)) problems.push(`blob ${blob.blobName} has md5 '${blob.md5}', not a Base64 MD5`);
  }
  const credential = 'storageAccountKey' in options.credential ? options.credential.storageAccountKey : options.credential.containerSas;
  if (!credential) problems.push('the import credential (storage account key or container SAS) is empty');
  if (options.blockBytes !== undefined && (!Number.isSafeInteger(options.blockBytes) || options.blockBytes <= 0 || options.blockBytes % (1024 * 1024) !== 0 || options.blockBytes > 100 * 1024 * 1024)) {
    problems.push(`block size ${options.blockBytes} must be a whole number of MiB up to 100 MiB`);
  }
  if (problems.length > 0) throw new DriveFormatError(DriveFormatErrorCode.InvalidInput, `The drive was not touched: ${problems.join('; ')}.`, problems);
}

async function checkSources(blobs: readonly DriveBlob[]): Promise<void> {
  const problems: string[] = [];
  for (const blob of blobs) {
    try {
      const info = await stat(blob.sourcePath);
      if (!info.isFile()) problems.push(`${blob.sourcePath} (blob ${blob.blobName}) is not a file`);
      else if (info.size !== blob.size) problems.push(`${blob.sourcePath} (blob ${blob.blobName}) has ${info.size} bytes; staging recorded ${blob.size}`);
    } catch {
      problems.push(`${blob.sourcePath} (blob ${blob.blobName}) does not exist`);
    }
  }
  if (problems.length > 0) {
    throw new DriveFormatError(DriveFormatErrorCode.SourceMismatch, `The drive was not touched: the staged files do not match staging's records: ${problems.join('; ')}.`, problems);
  }
}
