import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';

/** Entry types of FVE metadata entries ("datums"). */
export const EntryType = {
  Property: 0x0000,
  Vmk: 0x0002,
  Fvek: 0x0003,
  Validation: 0x0004,
  StartupKey: 0x0006,
  Description: 0x0007,
  FvekBackup: 0x000b,
  VolumeHeaderBlock: 0x000f,
  /** Inside a recovery-password VMK: the 16-byte recovery key, wrapped with the VMK (lets Windows show it). */
  RecoveryKeyCopy: 0x0012,
  /** Inside a recovery-password VMK: the stretched key, wrapped with the VMK. */
  StretchedKeyCopy: 0x0013,
} as const;

/** Value types: how an entry's bytes are laid out. */
export const ValueType = {
  Erased: 0x0000,
  Key: 0x0001,
  Unicode: 0x0002,
  StretchKey: 0x0003,
  UseKey: 0x0004,
  AesCcm: 0x0005,
  Tpm: 0x0006,
  Validation: 0x0007,
  Vmk: 0x0008,
  External: 0x0009,
  OffsetAndSize: 0x000f,
  RecoveryTime: 0x0015,
} as const;

/** Bytes (with the 8-byte header) before nested entries start, for the value types that nest. */
const NESTING_HEADER_SIZE: ReadonlyMap<number, number> = new Map([
  [ValueType.StretchKey, 28],
  [ValueType.UseKey, 12],
  [ValueType.Vmk, 36],
  [ValueType.External, 32],
]);

export const DATUM_HEADER_SIZE = 8;

export interface Datum {
  entryType: number;
  valueType: number;
  /** 1 for stored entries, 0 for KEY entries wrapped inside AES-CCM. */
  version: number;
  /** The value's own bytes: all of it for leaf types, the fixed part before the nested entries otherwise. */
  value: Buffer;
  nested: Datum[];
}

/** Parses consecutive entries from `bytes` until its end or a zero size (padding). */
export function parseDatums(bytes: Buffer, where = 'metadata'): Datum[] {
  const datums: Datum[] = [];
  let offset = 0;
  while (offset + DATUM_HEADER_SIZE <= bytes.length) {
    const size = bytes.readUInt16LE(offset);
    if (size === 0) break;
    if (size < DATUM_HEADER_SIZE || offset + size > bytes.length) {
      throw new BitLockerError(
        BitLockerErrorCode.MalformedMetadata,
        `The ${where} has an entry at +${offset} of size ${size} that does not fit in its ${bytes.length} bytes.`,
      );
    }
    datums.push(parseOne(bytes.subarray(offset, offset + size), `${where} entry at +${offset}`));
    offset += size;
  }
  return datums;
}

function parseOne(bytes: Buffer, where: string): Datum {
  const entryType = bytes.readUInt16LE(2);
  const valueType = bytes.readUInt16LE(4);
  const version = bytes.readUInt16LE(6);
  const nestingHeader = NESTING_HEADER_SIZE.get(valueType);
  if (nestingHeader === undefined) {
    return { entryType, valueType, version, value: Buffer.from(bytes.subarray(DATUM_HEADER_SIZE)), nested: [] };
  }
  if (bytes.length < nestingHeader) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The ${where} is shorter than its fixed header.`);
  }
  return {
    entryType,
    valueType,
    version,
    value: Buffer.from(bytes.subarray(DATUM_HEADER_SIZE, nestingHeader)),
    nested: parseDatums(bytes.subarray(nestingHeader), where),
  };
}

export function encodeDatum(datum: Datum): Buffer {
  const nested = datum.nested.map(encodeDatum);
  const size = DATUM_HEADER_SIZE + datum.value.length + nested.reduce((sum, part) => sum + part.length, 0);
  if (size > 0xffff) throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `An entry of ${size} bytes is too large.`);
  const header = Buffer.alloc(DATUM_HEADER_SIZE);
  header.writeUInt16LE(size, 0);
  header.writeUInt16LE(datum.entryType, 2);
  header.writeUInt16LE(datum.valueType, 4);
  header.writeUInt16LE(datum.version, 6);
  return Buffer.concat([header, datum.value, ...nested]);
}

export function makeDatum(entryType: number, valueType: number, value: Buffer, nested: Datum[] = [], version = 1): Datum {
  return { entryType, valueType, version, value, nested };
}

/** A KEY entry: u16 method, u16 0, key bytes. Wrapped inside AES-CCM it has version 0. */
export function keyDatum(method: number, key: Buffer, version = 0): Datum {
  const value = Buffer.alloc(4 + key.length);
  value.writeUInt16LE(method, 0);
  key.copy(value, 4);
  return makeDatum(EntryType.Property, ValueType.Key, value, [], version);
}

export function parseKeyDatum(bytes: Buffer, where: string): { method: number; key: Buffer } {
  const [datum] = parseDatums(bytes, where);
  if (!datum || datum.valueType !== ValueType.Key || datum.value.length < 4) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The ${where} does not hold a KEY entry.`);
  }
  return { method: datum.value.readUInt16LE(0), key: Buffer.from(datum.value.subarray(4)) };
}
