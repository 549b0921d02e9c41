import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { BOOT_REGION_BYTES, type VolumeLayout, reservedRegionAt } from './layout';
import { xtsEncryptSectors } from './xts';
import { type XtsWorkerPool } from './xts-worker-pool';

/** One write to the device: `data` (ciphertext) at byte `offset` of the volume. */
export interface PhysicalWrite {
  offset: number;
  data: Buffer;
}

/**
 * Encrypts plaintext written anywhere in the volume into the writes the device needs, so a drive can
 * be filled in one pass with no plaintext copy: the first 8 KiB (the NTFS $Boot area) go encrypted
 * to the boot-sector copy with the copy's own tweaks (and, for sectors 1..N-1, in place as well, as
 * Windows leaves them); everything else is encrypted in place with tweak = its sector number.
 * Writes into a reserved region are refused: the filesystem must never use them.
 */
export class VolumeEncryptor {
  constructor(
    readonly layout: VolumeLayout,
    private readonly fvek: Buffer,
    private readonly pool?: XtsWorkerPool,
  ) {}

  /** Throws unless [offset, offset + length) is whole sectors, inside the volume and clear of reserved regions. */
  check(offset: number, length: number): void {
    const { sectorSize, volumeBytes } = this.layout;
    if (offset % sectorSize !== 0 || length % sectorSize !== 0 || offset < 0 || offset + length > volumeBytes) {
      throw new BitLockerError(
        BitLockerErrorCode.InvalidArgument,
        `A write must be whole ${sectorSize}-byte sectors inside the ${volumeBytes}-byte volume (got ${length} bytes at ${offset}).`,
      );
    }
    const reserved = reservedRegionAt(this.layout, offset, length);
    if (reserved) {
      throw new BitLockerError(
        BitLockerErrorCode.ReservedRegionWrite,
        `A write of ${length} bytes at ${offset} overlaps the ${reserved.kind} region (${reserved.length} bytes at ${reserved.offset}), which the filesystem must not use.`,
      );
    }
  }

  /** Encrypts on the calling thread. */
  encrypt(offset: number, plaintext: Buffer): PhysicalWrite[] {
    this.check(offset, plaintext.length);
    return this.map(offset, plaintext, (data, sector) => xtsEncryptSectors(this.fvek, data, sector, this.layout.sectorSize));
  }

  /** Encrypts on the worker pool if there is one (the fast path for bulk data). */
  async encryptAsync(offset: number, plaintext: Buffer): Promise<PhysicalWrite[]> {
    this.check(offset, plaintext.length);
    const pool = this.pool;
    if (!pool) return this.encrypt(offset, plaintext);
    const pending = this.map(offset, plaintext, (data, sector) => pool.encrypt(this.fvek, data, sector, this.layout.sectorSize));
    return Promise.all(pending.map(async (write) => ({ offset: write.offset, data: await write.data })));
  }

  private map<T>(offset: number, plaintext: Buffer, encrypt: (data: Buffer, firstSector: number) => T): { offset: number; data: T }[] {
    const { sectorSize, bootSectorCopyOffset } = this.layout;
    const writes: { offset: number; data: T }[] = [];
    let rest = plaintext;
    let position = offset;
    if (position < BOOT_REGION_BYTES && rest.length > 0) {
      const n = Math.min(rest.length, BOOT_REGION_BYTES - position);
      const head = rest.subarray(0, n);
      const copyAt = bootSectorCopyOffset + position;
      writes.push({ offset: copyAt, data: encrypt(head, copyAt / sectorSize) });
      // Sector 0 on disk is the FVE header; sectors 1..N-1 get ciphertext under their own tweak.
      const inPlaceFrom = Math.max(position, sectorSize);
      if (inPlaceFrom < position + n) {
        writes.push({ offset: inPlaceFrom, data: encrypt(head.subarray(inPlaceFrom - position), inPlaceFrom / sectorSize) });
      }
      rest = rest.subarray(n);
      position += n;
    }
    if (rest.length > 0) writes.push({ offset: position, data: encrypt(rest, position / sectorSize) });
    return writes;
  }
}
