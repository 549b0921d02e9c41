const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? String(Math.round(value)) : value.toFixed(1)} ${UNITS[unit] ?? 'B'}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export interface ProgressSample {
  readonly done: number;
  readonly total: number;
  /** Bytes per second as the API reports it; 0 or less when unknown. */
  readonly bytesPerSecond: number;
}

/** One progress line: `label [#####.....]  42%  12.0 MiB / 30.0 MiB  5.1 MiB/s  ETA 4s`. */
export function renderProgressBar(label: string, sample: ProgressSample, width = 30): string {
  const fraction = sample.total > 0 ? Math.min(1, Math.max(0, sample.done / sample.total)) : 0;
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = sample.bytesPerSecond > 0 ? `${formatBytes(sample.bytesPerSecond)}/s` : '-';
  const remaining = sample.total - sample.done;
  const eta = sample.bytesPerSecond > 0 && remaining > 0 ? `ETA ${formatDuration((remaining / sample.bytesPerSecond) * 1000)}` : remaining <= 0 ? 'done' : 'ETA -';
  return `${label} [${bar}] ${percent}  ${formatBytes(sample.done)} / ${formatBytes(sample.total)}  ${rate}  ${eta}`;
}

export interface StepResult {
  readonly step: string;
  readonly ms: number;
  readonly ok: boolean;
  readonly detail: string;
}

/** The closing table: each step, its time and its result, then the verdict lines. */
export function renderSummary(steps: readonly StepResult[], verdicts: readonly [string, string][]): string {
  const rows = steps.map((step) => [step.step, formatDuration(step.ms), step.ok ? 'ok' : 'FAILED', step.detail]);
  const header = ['step', 'time', 'result', 'detail'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const out = [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line), ''];
  for (const [name, value] of verdicts) out.push(`${name}: ${value}`);
  return out.join('\n');
}
