const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Decimal units, as drive vendors and Azure count: 1 TB = 10^12 bytes. Exact for any size (BigInt). */
export function formatBytes(bytes: string | bigint): string {
  let value = typeof bytes === 'bigint' ? bytes : BigInt(bytes);
  if (value < 1000n) return `${value} B`;
  let unit = 0;
  // Keep three decimals of precision while dividing, then round to one.
  let milli = value * 1000n;
  while (milli >= 1_000_000n && unit < UNITS.length - 1) {
    milli /= 1000n;
    unit += 1;
  }
  value = milli;
  return `${(Number(value) / 1000).toFixed(1)} ${UNITS[unit]}`;
}

/** Whole percent of done over total, 0 when there is no total; never above 100. */
export function percentOf(done: string, total: string): number {
  const whole = BigInt(total);
  if (whole <= 0n) return 0;
  const value = Number((BigInt(done) * 100n) / whole);
  return Math.min(100, Math.max(0, value));
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(BigInt(Math.round(bytesPerSecond)))}/s`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const hours = Math.floor(seconds / 3600);
  return `${hours} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function humanState(state: string): string {
  return state.toLowerCase().replace(/_/g, ' ');
}
