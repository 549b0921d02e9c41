import { createHash } from 'node:crypto';

import { PARTITION_ALIGNMENT } from './partition-table';

/**
 * driveHeaderHash: Microsoft does not publish how WAImportExport computes it, so Seedship defines it as
 * the Base16 (upper-case) MD5 of the drive's first 1 MiB (the partition table area) followed by the
 * first sector of the data partition (the BitLocker volume header). Both are written once, readable
 * without the key, and change when the drive is repartitioned or re-encrypted. See ADR 0005.
 */
export function driveHeaderHash(firstMebibyte: Buffer, volumeHeaderSector: Buffer): string {
  return createHash('md5').update(firstMebibyte.subarray(0, PARTITION_ALIGNMENT)).update(volumeHeaderSector).digest('hex').toUpperCase();
}
