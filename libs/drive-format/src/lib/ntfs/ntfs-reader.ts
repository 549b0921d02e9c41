import { DriveFormatError, DriveFormatErrorCode } from '../drive-format-error';

import { AttributeType, type DataRun, type NtfsAttribute, type NtfsGeometry, type VolumeRead, parseAttributes, parseBootSector, removeFixups } from './ntfs-structures';

/** A file (or directory) as its MFT record describes it. */
export interface NtfsFile {
  readonly recordNumber: number;
  /** Drive-relative, `\`-separated, from the root: `\Blobs\B000001.dat`. */
  readonly path: string;
  readonly directory: boolean;
  readonly dataSize: number;
  readonly initializedSize: number;
  /** Clusters of the unnamed $DATA stream when it is non-resident. */
  readonly runs: readonly DataRun[];
  /** The data itself when it is resident in the record. */
  readonly residentData: Buffer | undefined;
  /** The record has an $ATTRIBUTE_LIST (attributes in extension records), which this reader does not follow. */
  readonly hasAttributeList: boolean;
}

const ROOT_RECORD = 5;
const FIRST_USER_RECORD = 16;
const READ_BATCH = 1024 * 1024;

/**
 * Just enough NTFS to find files and read their data: boot sector, $MFT, $FILE_NAME, unnamed $DATA.
 * Used to read back drives (over the BitLocker reader) and to find what ntfs-3g allocated on the scratch
 * image. Paths are found by walking MFT records, not the directory indexes; the tests check the indexes
 * with ntfsls/ntfscat.
 */
export class NtfsReader {
  private constructor(
    private readonly read: VolumeRead,
    readonly geometry: NtfsGeometry,
    private readonly mftRuns: readonly DataRun[],
    readonly mftBytes: number,
  ) {}

  static async open(read: VolumeRead): Promise<NtfsReader> {
    const geometry = parseBootSector(await read(0, 512));
    const first = await read(geometry.mftLcn * geometry.clusterSize, geometry.mftRecordSize);
    if (first.toString('latin1', 0, 4) !== 'FILE' || !removeFixups(first)) {
      throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The first $MFT record is damaged.');
    }
    const attributes = parseAttributes(first);
    if (attributes.some((attribute) => attribute.type === AttributeType.AttributeList)) {
      throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The $MFT has an attribute list (it is very fragmented); this reader does not follow one.');
    }
    const data = attributes.find((attribute) => attribute.type === AttributeType.Data && attribute.name === '');
    if (!data?.nonResident) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The $MFT has no non-resident $DATA.');
    return new NtfsReader(read, geometry, data.runs, data.dataSize);
  }

  get recordCount(): number {
    return Math.floor(this.mftBytes / this.geometry.mftRecordSize);
  }

  /** Byte offset of MFT record `n` in the volume. */
  recordOffset(n: number): number {
    const byteInMft = n * this.geometry.mftRecordSize;
    const vcn = Math.floor(byteInMft / this.geometry.clusterSize);
    const run = this.mftRuns.find((candidate) => vcn >= candidate.vcn && vcn < candidate.vcn + candidate.clusters);
    if (run?.lcn === undefined) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, `MFT record ${n} lies in no allocated $MFT run.`);
    return run.lcn * this.geometry.clusterSize + (byteInMft - run.vcn * this.geometry.clusterSize);
  }

  /** One record, fixups removed; undefined when it is not in use or torn. */
  async record(n: number): Promise<Buffer | undefined> {
    const record = await this.read(this.recordOffset(n), this.geometry.mftRecordSize);
    return usable(record) ? record : undefined;
  }

  /** Every file and directory in use, by path. */
  async listFiles(): Promise<Map<string, NtfsFile>> {
    const entries = new Map<number, { name: string; parent: number; directory: boolean; data: NtfsAttribute | undefined; hasAttributeList: boolean }>();
    const size = this.geometry.mftRecordSize;
    const perBatch = Math.max(1, Math.floor(READ_BATCH / size));
    for (let first = 0; first < this.recordCount; first += perBatch) {
      const count = Math.min(perBatch, this.recordCount - first);
      const batch = await this.readRecords(first, count);
      for (let i = 0; i < count; i++) {
        const n = first + i;
        const record = Buffer.from(batch.subarray(i * size, (i + 1) * size));
        if (!usable(record) || record.readBigUInt64LE(0x20) !== 0n) continue;
        const attributes = parseAttributes(record);
        const names = attributes.filter((attribute) => attribute.type === AttributeType.FileName && attribute.value);
        // Prefer the Win32/POSIX name over the DOS 8.3 one (namespace 2).
        const fileName = names.find((attribute) => attribute.value?.[65] !== 2) ?? names[0];
        if (!fileName?.value) continue;
        const value = fileName.value;
        const parent = Number(value.readBigUInt64LE(0) & 0xffffffffffffn);
        const name = value.toString('utf16le', 66, 66 + (value[64] ?? 0) * 2);
        entries.set(n, {
          name,
          parent,
          directory: (record.readUInt16LE(22) & 0x02) !== 0,
          data: attributes.find((attribute) => attribute.type === AttributeType.Data && attribute.name === ''),
          hasAttributeList: attributes.some((attribute) => attribute.type === AttributeType.AttributeList),
        });
      }
    }
    const files = new Map<string, NtfsFile>();
    for (const [n, entry] of entries) {
      if (n < FIRST_USER_RECORD && n !== ROOT_RECORD) continue;
      const parts: string[] = [];
      let cursor: number | undefined = n;
      for (let depth = 0; cursor !== undefined && cursor !== ROOT_RECORD && depth < 256; depth++) {
        const node: (typeof entry) | undefined = entries.get(cursor);
        if (!node) break;
        parts.unshift(node.name);
        cursor = node.parent;
      }
      if (cursor !== ROOT_RECORD && n !== ROOT_RECORD) continue;
      files.set(n === ROOT_RECORD ? '\\' : `\\${parts.join('\\')}`, {
        recordNumber: n,
        path: n === ROOT_RECORD ? '\\' : `\\${parts.join('\\')}`,
        directory: entry.directory,
        dataSize: entry.data?.dataSize ?? 0,
        initializedSize: entry.data?.initializedSize ?? 0,
        runs: entry.data?.runs ?? [],
        residentData: entry.data && !entry.data.nonResident ? entry.data.value : undefined,
        hasAttributeList: entry.hasAttributeList,
      });
    }
    return files;
  }

  /** Reads [offset, offset + length) of a file's data; zeros past the initialized size, as NTFS presents them. */
  async readFileRange(file: NtfsFile, offset: number, length: number): Promise<Buffer> {
    const end = Math.min(file.dataSize, offset + length);
    if (offset >= end) return Buffer.alloc(0);
    if (file.residentData) return Buffer.from(file.residentData.subarray(offset, end));
    const out = Buffer.alloc(end - offset);
    const cluster = this.geometry.clusterSize;
    const validEnd = Math.min(end, file.initializedSize);
    let position = offset;
    while (position < validEnd) {
      const vcn = Math.floor(position / cluster);
      const run = file.runs.find((candidate) => vcn >= candidate.vcn && vcn < candidate.vcn + candidate.clusters);
      if (!run) throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, `${file.path}: byte ${position} lies in no data run.`);
      const runEnd = Math.min(validEnd, (run.vcn + run.clusters) * cluster);
      if (run.lcn !== undefined) {
        const bytes = await this.read(run.lcn * cluster + (position - run.vcn * cluster), runEnd - position);
        bytes.copy(out, position - offset);
      }
      position = runEnd;
    }
    return out;
  }

  /** Reads whole records [first, first + count), batched into one read per contiguous $MFT run. */
  private async readRecords(first: number, count: number): Promise<Buffer> {
    const size = this.geometry.mftRecordSize;
    const out = Buffer.alloc(count * size);
    let n = first;
    while (n < first + count) {
      const offset = this.recordOffset(n);
      let contiguous = 1;
      while (n + contiguous < first + count && this.recordOffset(n + contiguous) === offset + contiguous * size) contiguous++;
      (await this.read(offset, contiguous * size)).copy(out, (n - first) * size);
      n += contiguous;
    }
    return out;
  }
}

function usable(record: Buffer): boolean {
  return record.toString('latin1', 0, 4) === 'FILE' && (record.readUInt16LE(22) & 0x01) !== 0 && removeFixups(record);
}
