import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { METADATA_REGION_SIZE } from './metadata-block';

/** Sectors 0..N-1 of the volume (8 KiB, the NTFS $Boot area) are relocated to the boot-sector copy. */
export const BOOT_REGION_BYTES = 8192;
/** The Windows 8+ spare region (offset in the extended info); zeros in every sample. */
export const SPARE_REGION_BYTES = 0x10000;
export const SUPPORTED_SECTOR_SIZES: readonly number[] = [512, 4096];
/** Below this a volume cannot hold NTFS and the reserved regions sensibly. */
export const MIN_VOLUME_BYTES = 8 * 1024 * 1024;
const TAIL_ALIGNMENT = 0x10000;

export type ReservedRegionKind = 'metadata' | 'boot-sector-copy' | 'spare';

export interface ReservedRegion {
  kind: ReservedRegionKind;
  offset: number;
  length: number;
}

export interface VolumeLayout {
  volumeBytes: number;
  sectorSize: number;
  /** 8192 / sectorSize. */
  bootSectorCount: number;
  metadataOffsets: readonly [number, number, number];
  bootSectorCopyOffset: number;
  spareRegionOffset: number;
  /** Every region the filesystem must not use, sorted by offset. */
  reservedRegions: readonly ReservedRegion[];
  /**
   * Bytes from the start of the volume the filesystem may span without touching a reserved region
   * (the NTFS size to give mkntfs when the regions sit at the end of the volume).
   */
  filesystemBytes: number;
}

export interface VolumeLayoutOptions {
  volumeBytes: number;
  sectorSize: number;
  /**
   * Where the regions go. Omitted: all at the end of the volume, outside the filesystem (see
   * docs/adr for why). Given: explicit offsets, e.g. of FVE2.* files reserved inside NTFS.
   */
  placement?: {
    metadataOffsets: readonly [number, number, number];
    bootSectorCopyOffset: number;
    spareRegionOffset: number;
  };
}

/**
 * Plans where a BitLocker volume of this size keeps its metadata, its boot-sector copy and its spare
 * region. Pure arithmetic: the drive fill calls it before writing anything, to size NTFS.
 * Default order mirrors Windows: metadata 1, boot-sector copy, spare region, then metadata 2 and 3.
 */
export function planVolumeLayout(options: VolumeLayoutOptions): VolumeLayout {
  const { volumeBytes, sectorSize } = options;
  if (!SUPPORTED_SECTOR_SIZES.includes(sectorSize)) {
    throw new BitLockerError(BitLockerErrorCode.InvalidLayout, `Sectors of ${sectorSize} bytes are not supported; use 512 or 4096 (the drive's logical sector size).`);
  }
  if (!Number.isSafeInteger(volumeBytes) || volumeBytes % sectorSize !== 0 || volumeBytes < MIN_VOLUME_BYTES) {
    throw new BitLockerError(
      BitLockerErrorCode.InvalidLayout,
      `A volume of ${volumeBytes} bytes is not usable: it must be a whole number of ${sectorSize}-byte sectors and at least ${MIN_VOLUME_BYTES} bytes.`,
    );
  }
  let placement = options.placement;
  if (!placement) {
    const tailBytes = 3 * METADATA_REGION_SIZE + BOOT_REGION_BYTES + SPARE_REGION_BYTES;
    const start = Math.floor((volumeBytes - tailBytes) / TAIL_ALIGNMENT) * TAIL_ALIGNMENT;
    const copy = start + METADATA_REGION_SIZE;
    const spare = copy + BOOT_REGION_BYTES;
    const second = spare + SPARE_REGION_BYTES;
    placement = { metadataOffsets: [start, second, second + METADATA_REGION_SIZE], bootSectorCopyOffset: copy, spareRegionOffset: spare };
  }
  const reservedRegions: ReservedRegion[] = [
    ...placement.metadataOffsets.map((offset) => ({ kind: 'metadata' as const, offset, length: METADATA_REGION_SIZE })),
    { kind: 'boot-sector-copy' as const, offset: placement.bootSectorCopyOffset, length: BOOT_REGION_BYTES },
    { kind: 'spare' as const, offset: placement.spareRegionOffset, length: SPARE_REGION_BYTES },
  ].sort((a, b) => a.offset - b.offset);
  let previousEnd = BOOT_REGION_BYTES;
  for (const region of reservedRegions) {
    if (region.offset % sectorSize !== 0 || region.offset < previousEnd || region.offset + region.length > volumeBytes) {
      throw new BitLockerError(
        BitLockerErrorCode.InvalidLayout,
        `The ${region.kind} region at ${region.offset} must be sector-aligned, lie after the first 8 KiB, fit in the volume and not overlap another region.`,
      );
    }
    previousEnd = region.offset + region.length;
  }
  return {
    volumeBytes,
    sectorSize,
    bootSectorCount: BOOT_REGION_BYTES / sectorSize,
    metadataOffsets: placement.metadataOffsets,
    bootSectorCopyOffset: placement.bootSectorCopyOffset,
    spareRegionOffset: placement.spareRegionOffset,
    reservedRegions,
    filesystemBytes: reservedRegions[0]?.offset ?? volumeBytes,
  };
}

/** The reserved region overlapping [offset, offset + length), if any. */
export function reservedRegionAt(layout: Pick<VolumeLayout, 'reservedRegions'>, offset: number, length: number): ReservedRegion | undefined {
  return layout.reservedRegions.find((region) => offset < region.offset + region.length && region.offset < offset + length);
}
