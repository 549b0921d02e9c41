import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

import { DriveFormatError, DriveFormatErrorCode } from '../drive-format-error';

import { type NtfsFile, NtfsReader } from './ntfs-reader';
import { AttributeType, type DataRun, applyFixups, parseAttributes, removeFixups, setInitializedSize } from './ntfs-structures';

const run = promisify(execFile);

/** Files up to this size are written into the scratch image by ntfs-3g (they may end up resident in the MFT). */
export const SMALL_FILE_BYTES = 64 * 1024;

export interface ScratchFile {
  /** Drive-relative path, `\`-separated. */
  readonly path: string;
  readonly size: number;
  /** Content of a small file, written into the scratch image now; large files are only allocated. */
  readonly content?: Buffer;
}

export interface AllocatedFile {
  readonly path: string;
  readonly size: number;
  /** Where the file's clusters are, for streaming its data straight to the drive. Empty for small files. */
  readonly runs: readonly DataRun[];
}

export interface ByteExtent {
  readonly offset: number;
  readonly length: number;
}

export interface ScratchVolume {
  readonly clusterSize: number;
  readonly volumeBytes: number;
  readonly files: readonly AllocatedFile[];
  /** Everything of the scratch image the drive needs besides the streamed file data: NTFS metadata, small files. */
  readonly metadataExtents: readonly ByteExtent[];
  readonly freeBytes: number;
}

export interface ScratchOptions {
  /** Sparse file to build the NTFS volume in; only metadata is ever written to it. */
  readonly imagePath: string;
  readonly volumeBytes: number;
  readonly sectorSize: number;
  readonly clusterSize: number;
  /** Partition start in sectors, written into the NTFS boot sector. */
  readonly partitionStartSector: number;
  readonly label: string;
  readonly files: readonly ScratchFile[];
}

/**
 * Builds the NTFS metadata of a drive on a sparse scratch image: mkntfs, then ntfs-3g creates every
 * directory and file with its final size and real (non-sparse) clusters, without writing file data.
 *
 * ntfs-3g grows a file with real clusters only on NTFS 1.x volumes; on 3.x it makes a sparse hole,
 * which has no clusters to stream data into. So the scratch volume says 1.2 while ntfs-3g allocates,
 * and 3.1 again after (the version is two bytes in $Volume, mirrored in $MFTMirr). Each large file's
 * valid data length is then set to its size, since its clusters will hold data written outside ntfs-3g.
 * See ADR 0005.
 */
export async function buildScratchVolume(options: ScratchOptions): Promise<ScratchVolume> {
  const { imagePath, volumeBytes, sectorSize, clusterSize } = options;
  await writeFile(imagePath, '');
  await truncate(imagePath, volumeBytes);
  await tool('mkntfs', [
    '--fast', '--force', '--quiet',
    '-s', String(sectorSize), '-c', String(clusterSize),
    '-p', String(options.partitionStartSector), '-H', '255', '-S', '63',
    '--label', options.label,
    imagePath, String(volumeBytes / sectorSize),
  ]);
  await patchVolumeVersion(imagePath, 1, 2);
  await withNtfs3gMount(imagePath, async (mountDir) => {
    const directories = new Set<string>();
    for (const file of options.files) {
      const parts = file.path.split('\\').filter(Boolean);
      for (let depth = 1; depth < parts.length; depth++) directories.add(parts.slice(0, depth).join('/'));
    }
    for (const directory of [...directories].sort()) await mkdir(path.join(mountDir, directory), { recursive: true });
    for (const file of options.files) {
      const target = path.join(mountDir, ...file.path.split('\\').filter(Boolean));
      try {
        if (file.content !== undefined) await writeFile(target, file.content);
        else {
          await writeFile(target, '');
          await truncate(target, file.size);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new DriveFormatError(DriveFormatErrorCode.DriveTooSmall, `The NTFS volume has no room left for ${file.path} (${file.size} bytes): the plan does not fit on this drive.`);
        }
        throw error;
      }
    }
  });
  await patchVolumeVersion(imagePath, 3, 1);
  return describeScratch(imagePath, options.files);
}

/** Sets valid data lengths, checks every large file got real clusters, and lists the metadata to copy. */
async function describeScratch(imagePath: string, planned: readonly ScratchFile[]): Promise<ScratchVolume> {
  const handle = await open(imagePath, 'r+');
  try {
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      return buffer;
    };
    const reader = await NtfsReader.open(read);
    const { clusterSize, totalSectors, bytesPerSector } = reader.geometry;
    const onVolume = await reader.listFiles();
    const files: AllocatedFile[] = [];
    const streamed: DataRun[] = [];
    for (const file of planned) {
      const found = onVolume.get(file.path);
      if (!found || found.dataSize !== file.size) {
        throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `ntfs-3g did not create ${file.path} with ${file.size} bytes on the scratch volume.`);
      }
      if (file.content !== undefined) {
        files.push({ path: file.path, size: file.size, runs: [] });
        continue;
      }
      checkAllocated(found, clusterSize);
      await setValidDataLength(handle, reader, found);
      files.push({ path: file.path, size: file.size, runs: found.runs });
      streamed.push(...found.runs);
    }
    const bitmapRecord = await reader.record(6);
    const bitmapData = bitmapRecord ? parseAttributes(bitmapRecord).find((attribute) => attribute.type === AttributeType.Data) : undefined;
    if (!bitmapData?.nonResident && !bitmapData?.value) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The scratch volume has no readable $Bitmap.');
    const clusters = Math.floor((totalSectors * bytesPerSector) / clusterSize);
    const bitmapFileView: NtfsFile = {
      recordNumber: 6, path: '\\$Bitmap', directory: false, dataSize: bitmapData.dataSize, initializedSize: bitmapData.initializedSize,
      runs: bitmapData.runs, residentData: bitmapData.nonResident ? undefined : bitmapData.value, hasAttributeList: false,
    };
    const allocated: ByteExtent[] = [];
    let usedClusters = 0;
    const chunk = 1024 * 1024;
    for (let byte = 0; byte * 8 < clusters; byte += chunk) {
      const bits = await reader.readFileRange(bitmapFileView, byte, chunk);
      for (let i = 0; i < bits.length && (byte + i) * 8 < clusters; i++) {
        const value = bits[i] ?? 0;
        if (value === 0) continue;
        for (let bit = 0; bit < 8; bit++) {
          if ((value & (1 << bit)) === 0) continue;
          const lcn = (byte + i) * 8 + bit;
          if (lcn >= clusters) break;
          usedClusters++;
          const last = allocated[allocated.length - 1];
          if (last && last.offset + last.length === lcn * clusterSize) allocated[allocated.length - 1] = { offset: last.offset, length: last.length + clusterSize };
          else allocated.push({ offset: lcn * clusterSize, length: clusterSize });
        }
      }
    }
    const metadataExtents = subtractRuns(allocated, streamed, clusterSize);
    // The backup boot sector is the sector after the ones NTFS counts; it belongs to no cluster.
    metadataExtents.push({ offset: totalSectors * bytesPerSector, length: bytesPerSector });
    return { clusterSize, volumeBytes: (totalSectors + 1) * bytesPerSector, files, metadataExtents, freeBytes: (clusters - usedClusters) * clusterSize };
  } finally {
    await handle.close();
  }
}

function checkAllocated(file: NtfsFile, clusterSize: number): void {
  if (file.hasAttributeList) {
    throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, `${file.path} is so fragmented that its runs spill into extension records; use a blank drive.`);
  }
  const clusters = file.runs.reduce((sum, r) => sum + r.clusters, 0);
  if (file.runs.some((r) => r.lcn === undefined) || clusters < Math.ceil(file.dataSize / clusterSize)) {
    throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `ntfs-3g left ${file.path} sparse on the scratch volume; its data would have nowhere to go.`);
  }
}

async function setValidDataLength(handle: Awaited<ReturnType<typeof open>>, reader: NtfsReader, file: NtfsFile): Promise<void> {
  const offset = reader.recordOffset(file.recordNumber);
  const size = reader.geometry.mftRecordSize;
  const record = Buffer.alloc(size);
  await handle.read(record, 0, size, offset);
  if (!removeFixups(record)) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, `The MFT record of ${file.path} is torn.`);
  const data = parseAttributes(record).find((attribute) => attribute.type === AttributeType.Data && attribute.name === '');
  if (!data?.nonResident) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, `${file.path} has no non-resident data.`);
  setInitializedSize(record, data, file.dataSize);
  applyFixups(record);
  await handle.write(record, 0, size, offset);
}

/** Writes the NTFS version into $Volume's $VOLUME_INFORMATION, in $MFT and in $MFTMirr. */
async function patchVolumeVersion(imagePath: string, major: number, minor: number): Promise<void> {
  const handle = await open(imagePath, 'r+');
  try {
    const read = async (offset: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      return buffer;
    };
    const reader = await NtfsReader.open(read);
    const { mftRecordSize, mftMirrLcn, clusterSize } = reader.geometry;
    for (const offset of [reader.recordOffset(3), mftMirrLcn * clusterSize + 3 * mftRecordSize]) {
      const record = await read(offset, mftRecordSize);
      if (!removeFixups(record)) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The $Volume record is torn.');
      const info = parseAttributes(record).find((attribute) => attribute.type === AttributeType.VolumeInformation);
      if (!info?.value) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, '$Volume has no $VOLUME_INFORMATION.');
      const valueAt = info.offset + record.readUInt16LE(info.offset + 20);
      record[valueAt + 8] = major;
      record[valueAt + 9] = minor;
      applyFixups(record);
      await handle.write(record, 0, mftRecordSize, offset);
    }
  } finally {
    await handle.close();
  }
}

/** Clusters of `extents` not covered by `runs`. */
function subtractRuns(extents: readonly ByteExtent[], runs: readonly DataRun[], clusterSize: number): ByteExtent[] {
  const holes = runs
    .filter((r) => r.lcn !== undefined)
    .map((r) => ({ start: (r.lcn ?? 0) * clusterSize, end: ((r.lcn ?? 0) + r.clusters) * clusterSize }))
    .sort((a, b) => a.start - b.start);
  const out: ByteExtent[] = [];
  let h = 0;
  for (const extent of extents) {
    let start = extent.offset;
    const end = extent.offset + extent.length;
    while (h < holes.length && (holes[h]?.end ?? 0) <= start) h++;
    let k = h;
    while (start < end) {
      const hole = holes[k];
      if (!hole || hole.start >= end) {
        out.push({ offset: start, length: end - start });
        break;
      }
      if (hole.start > start) out.push({ offset: start, length: hole.start - start });
      start = Math.max(start, hole.end);
      k++;
    }
  }
  return out;
}

/** Mounts the image with ntfs-3g in the foreground, so that after unmounting we can wait until it has written everything. */
async function withNtfs3gMount(imagePath: string, fn: (mountDir: string) => Promise<void>): Promise<void> {
  const mountDir = await mkdtemp(`${path.dirname(imagePath)}/mnt-`);
  const child = spawn('ntfs-3g', ['-o', 'no_detach', imagePath, mountDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let failure: Error | undefined;
  try {
    // ntfs-3g has mounted when the kernel lists the mount point.
    for (let waited = 0; !(await isMounted(mountDir)); waited += 20) {
      if (exitCode !== undefined || waited > 30_000) {
        throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `ntfs-3g could not mount the scratch volume: ${stderr.trim() || `exit code ${String(exitCode)}`}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await fn(mountDir);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (await isMounted(mountDir)) await tool('umount', [mountDir]);
  else if (exitCode === undefined) child.kill();
  const code = await exited;
  await rm(mountDir, { recursive: true, force: true });
  if (failure !== undefined) throw failure;
  // Only after ntfs-3g has exited is everything it wrote in the image.
  if (code !== 0 && code !== null) throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `ntfs-3g exited with ${code}: ${stderr.trim()}`);
}

async function isMounted(mountDir: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => line.split(' ')[4] === mountDir);
}

async function tool(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error instanceof Error ? error.message : String(error));
    throw new DriveFormatError(DriveFormatErrorCode.ToolFailed, `${command} failed: ${detail}`);
  }
}
