const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/**
 * A decimal byte count (the console sends strings: fleet totals pass 2^53) in decimal units with two
 * decimals, as drive vendors and Azure count: "1.40 TB". Exact, in bigint; rounds down.
 */
export function formatBytes(decimal: string): string {
  const value = BigInt(decimal);
  let unit = 0;
  while (unit < UNITS.length - 1 && value >= 1000n ** BigInt(unit + 1)) unit += 1;
  if (unit === 0) return `${value} B`;
  const hundredths = (value * 100n) / 1000n ** BigInt(unit);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')} ${UNITS[unit]}`;
}

/** Share of `done` in `total` with one decimal, rounded down so 100.0% means all of it; "-" when nothing is planned. */
export function formatPercent(done: string, total: string): string {
  const whole = BigInt(total);
  if (whole === 0n) return '-';
  const tenths = (BigInt(done) * 1000n) / whole;
  return `${tenths / 10n}.${tenths % 10n}%`;
}

/** "400.00 GB / 1.00 TB (40.0%)": how far a drive (or a job's drives) got. */
export function formatProgress(written: string, planned: string): string {
  if (BigInt(planned) === 0n) return BigInt(written) === 0n ? '-' : formatBytes(written);
  return `${formatBytes(written)} / ${formatBytes(planned)} (${formatPercent(written, planned)})`;
}

/** An ISO timestamp to the minute, in UTC: "2026-12-01 07:32Z". */
export function formatTime(iso: string | null): string {
  if (iso === null) return '-';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** "in 2 days", "today", "3 days late". */
export function formatDaysLeft(days: number): string {
  if (days === 0) return 'due today';
  if (days > 0) return `${days} day${days === 1 ? '' : 's'} left`;
  return `${-days} day${days === -1 ? '' : 's'} late`;
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}
