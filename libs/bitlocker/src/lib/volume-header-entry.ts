import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { EntryType, ValueType, makeDatum, type Datum } from './datum';

/** The Windows 8+ extended info inside the volume-header (0x000F) entry. */
export interface ExtendedInfo {
  flags: number;
  sectorSize: number;
  windowsBuild: number;
  spareRegionOffset: number;
  spareRegionSize: number;
}

export interface VolumeHeaderEntry {
  bootSectorCopyOffset: number;
  bootSectorCopySize: number;
  extendedInfo: ExtendedInfo | undefined;
}

const EXTENDED_INFO_SIZE = 0x4c;

/** The flags word Windows writes: 0xA in the 512-byte samples, 0xB in the 4096-byte sample. */
export function extendedInfoFlags(sectorSize: number): number {
  return sectorSize === 4096 ? 0xb : 0xa;
}

export function buildVolumeHeaderEntry(entry: { bootSectorCopyOffset: number; bootSectorCopySize: number; extendedInfo: ExtendedInfo }): Datum {
  const value = Buffer.alloc(16 + EXTENDED_INFO_SIZE);
  value.writeBigUInt64LE(BigInt(entry.bootSectorCopyOffset), 0);
  value.writeBigUInt64LE(BigInt(entry.bootSectorCopySize), 8);
  const info = entry.extendedInfo;
  const o = 16;
  value.writeUInt16LE(5, o);
  value.writeUInt16LE(EXTENDED_INFO_SIZE, o + 2);
  value.writeBigUInt64LE(BigInt(info.flags), o + 8);
  // u64 0 at +16, u32 0 at +24
  value.writeUInt32LE(info.sectorSize, o + 28);
  value.writeUInt32LE(info.sectorSize, o + 32);
  value.writeUInt32LE(10, o + 36);
  value.writeUInt32LE(info.windowsBuild, o + 44);
  value.writeUInt32LE(2, o + 48);
  value.writeUInt32LE(0x02010110, o + 56);
  value.writeBigUInt64LE(BigInt(info.spareRegionOffset), o + 60);
  value.writeUInt32LE(info.spareRegionSize, o + 68);
  return makeDatum(EntryType.VolumeHeaderBlock, ValueType.OffsetAndSize, value);
}

export function parseVolumeHeaderEntry(datum: Datum): VolumeHeaderEntry {
  if (datum.valueType !== ValueType.OffsetAndSize || datum.value.length < 16) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, 'The volume-header entry (0x000F) is not an offset-and-size entry.');
  }
  const v = datum.value;
  const hasInfo = v.length >= 16 + EXTENDED_INFO_SIZE && v.readUInt16LE(18) >= EXTENDED_INFO_SIZE;
  return {
    bootSectorCopyOffset: Number(v.readBigUInt64LE(0)),
    bootSectorCopySize: Number(v.readBigUInt64LE(8)),
    extendedInfo: hasInfo
      ? {
          flags: Number(v.readBigUInt64LE(24)),
          sectorSize: v.readUInt32LE(44),
          windowsBuild: v.readUInt32LE(60),
          spareRegionOffset: Number(v.readBigUInt64LE(76)),
          spareRegionSize: v.readUInt32LE(84),
        }
      : undefined,
  };
}
