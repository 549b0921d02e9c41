import { statfs } from 'node:fs/promises';

import { StagingIngestErrorCode, StagingIngestException } from '../common/staging-ingest.exception';

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

export async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return Number(stats.bavail) * Number(stats.bsize);
}

export interface SpaceCheck {
  readonly stagingLocation: string;
  readonly freeBytes: number;
  readonly reserveBytes: number;
  /** What other unfinished ingests on the same location may still write. */
  readonly otherIngestsBytes: number;
  readonly worstCaseBytes: number;
  readonly dataBytes: number;
  readonly metadataBytes: number;
  readonly files: number;
}

/**
 * Refuses, with every number behind the decision, when the worst case of an ingest does not fit in
 * what the staging location has free after the reserve and after what other unfinished ingests there
 * may still write.
 */
export function assertSpaceFor(check: SpaceCheck): void {
  const usable = check.freeBytes - check.reserveBytes - check.otherIngestsBytes;
  if (check.worstCaseBytes <= usable) return;
  const shortBy = check.worstCaseBytes - usable;
  throw new StagingIngestException(
    StagingIngestErrorCode.INSUFFICIENT_STAGING_SPACE,
    `Staging location ${check.stagingLocation} has ${formatBytes(check.freeBytes)} free; ` +
      `${formatBytes(check.reserveBytes)} of it is kept in reserve (STAGING_RESERVE_BYTES)` +
      (check.otherIngestsBytes > 0 ? ` and other unfinished ingests there may still write ${formatBytes(check.otherIngestsBytes)}` : '') +
      `, which leaves ${formatBytes(Math.max(0, usable))}. ` +
      `The worst case for this ingest is ${formatBytes(check.worstCaseBytes)} ` +
      `(${formatBytes(check.dataBytes)} of data for ${check.files} files if nothing compresses or repeats, plus ${formatBytes(check.metadataBytes)} of packs' trailers, index, journal and manifest). ` +
      `Free at least ${formatBytes(shortBy)} there, or create the job with another staging location. Nothing was changed.`,
    { ...check, usableBytes: usable, shortByBytes: shortBy },
  );
}
