import { DriveFormatError, DriveFormatErrorCode } from '../drive-format-error';

/** Reads `length` bytes at `offset` of an NTFS volume (a plain image, or a decrypted BitLocker volume). */
export type VolumeRead = (offset: number, length: number) => Promise<Buffer>;

export interface NtfsGeometry {
  readonly bytesPerSector: number;
  readonly clusterSize: number;
  /** Sectors NTFS says it spans (the backup boot sector is the one after them). */
  readonly totalSectors: number;
  readonly mftLcn: number;
  readonly mftMirrLcn: number;
  readonly mftRecordSize: number;
}

/** A run of clusters: `lcn` undefined for a sparse (unallocated) run. */
export interface DataRun {
  readonly vcn: number;
  readonly lcn: number | undefined;
  readonly clusters: number;
}

export interface NtfsAttribute {
  readonly type: number;
  /** Byte offset of the attribute inside its MFT record. */
  readonly offset: number;
  readonly name: string;
  readonly nonResident: boolean;
  readonly flags: number;
  /** Resident attributes: the value. */
  readonly value: Buffer | undefined;
  readonly dataSize: number;
  readonly allocatedSize: number;
  readonly initializedSize: number;
  readonly runs: readonly DataRun[];
}

export const AttributeType = {
  StandardInformation: 0x10,
  AttributeList: 0x20,
  FileName: 0x30,
  VolumeInformation: 0x70,
  Data: 0x80,
} as const;

/** Update sequence arrays protect every 512-byte stride of a record, whatever the sector size. */
const FIXUP_STRIDE = 512;

export function parseBootSector(sector: Buffer): NtfsGeometry {
  if (sector.toString('latin1', 3, 11) !== 'NTFS    ') {
    throw new DriveFormatError(DriveFormatErrorCode.UnsupportedNtfs, 'The volume does not start with an NTFS boot sector.');
  }
  const bytesPerSector = sector.readUInt16LE(11);
  const sectorsPerCluster = sector.readUInt8(13);
  const clusterSize = bytesPerSector * sectorsPerCluster;
  const sizeOf = (raw: number): number => (raw >= 0 ? raw * clusterSize : 2 ** -raw);
  return {
    bytesPerSector,
    clusterSize,
    totalSectors: Number(sector.readBigUInt64LE(0x28)),
    mftLcn: Number(sector.readBigUInt64LE(0x30)),
    mftMirrLcn: Number(sector.readBigUInt64LE(0x38)),
    mftRecordSize: sizeOf(sector.readInt8(0x40)),
  };
}

/** Undoes the update sequence: checks each stride's last two bytes and puts the saved bytes back. False when torn. */
export function removeFixups(record: Buffer): boolean {
  const usaOffset = record.readUInt16LE(4);
  const usaCount = record.readUInt16LE(6);
  const usn = record.readUInt16LE(usaOffset);
  for (let i = 1; i < usaCount; i++) {
    const end = i * FIXUP_STRIDE - 2;
    if (end + 2 > record.length) return false;
    if (record.readUInt16LE(end) !== usn) return false;
    record.writeUInt16LE(record.readUInt16LE(usaOffset + 2 * i), end);
  }
  return true;
}

/** Puts the update sequence back before a record is written: saves each stride's last two bytes, writes the USN there. */
export function applyFixups(record: Buffer): void {
  const usaOffset = record.readUInt16LE(4);
  const usaCount = record.readUInt16LE(6);
  const usn = record.readUInt16LE(usaOffset);
  for (let i = 1; i < usaCount; i++) {
    const end = i * FIXUP_STRIDE - 2;
    record.writeUInt16LE(record.readUInt16LE(end), usaOffset + 2 * i);
    record.writeUInt16LE(usn, end);
  }
}

export function decodeRuns(mappingPairs: Buffer): DataRun[] {
  const runs: DataRun[] = [];
  let at = 0;
  let vcn = 0;
  let lcn = 0;
  while (at < mappingPairs.length) {
    const header = mappingPairs[at] ?? 0;
    if (header === 0) break;
    const lengthBytes = header & 0x0f;
    const offsetBytes = header >> 4;
    const clusters = readUnsigned(mappingPairs, at + 1, lengthBytes);
    let runLcn: number | undefined;
    if (offsetBytes > 0) {
      lcn += readSigned(mappingPairs, at + 1 + lengthBytes, offsetBytes);
      runLcn = lcn;
    }
    runs.push({ vcn, lcn: runLcn, clusters });
    vcn += clusters;
    at += 1 + lengthBytes + offsetBytes;
  }
  return runs;
}

/** Attributes of a record whose fixups were removed. */
export function parseAttributes(record: Buffer): NtfsAttribute[] {
  const attributes: NtfsAttribute[] = [];
  let at = record.readUInt16LE(0x14);
  while (at + 8 <= record.length) {
    const type = record.readUInt32LE(at);
    if (type === 0xffffffff) break;
    const length = record.readUInt32LE(at + 4);
    if (length < 16 || at + length > record.length) break;
    const nonResident = record[at + 8] === 1;
    const nameLength = record[at + 9] ?? 0;
    const nameOffset = record.readUInt16LE(at + 10);
    const flags = record.readUInt16LE(at + 12);
    const name = record.toString('utf16le', at + nameOffset, at + nameOffset + nameLength * 2);
    if (nonResident) {
      const mappingPairsOffset = record.readUInt16LE(at + 32);
      attributes.push({
        type,
        offset: at,
        name,
        nonResident,
        flags,
        value: undefined,
        allocatedSize: Number(record.readBigUInt64LE(at + 40)),
        dataSize: Number(record.readBigUInt64LE(at + 48)),
        initializedSize: Number(record.readBigUInt64LE(at + 56)),
        runs: decodeRuns(record.subarray(at + mappingPairsOffset, at + length)),
      });
    } else {
      const valueLength = record.readUInt32LE(at + 16);
      const valueOffset = record.readUInt16LE(at + 20);
      const value = record.subarray(at + valueOffset, at + valueOffset + valueLength);
      attributes.push({ type, offset: at, name, nonResident, flags, value, allocatedSize: valueLength, dataSize: valueLength, initializedSize: valueLength, runs: [] });
    }
    at += length;
  }
  return attributes;
}

/** Sets a non-resident attribute's initialized size (valid data length) in a record whose fixups were removed. */
export function setInitializedSize(record: Buffer, attribute: NtfsAttribute, bytes: number): void {
  record.writeBigUInt64LE(BigInt(bytes), attribute.offset + 56);
}

function readUnsigned(buffer: Buffer, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + (buffer[at + i] ?? 0);
  return value;
}

function readSigned(buffer: Buffer, at: number, bytes: number): number {
  const unsigned = readUnsigned(buffer, at, bytes);
  const negative = ((buffer[at + bytes - 1] ?? 0) & 0x80) !== 0;
  return negative ? unsigned - 2 ** (8 * bytes) : unsigned;
}
