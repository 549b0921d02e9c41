export type DrivePhase = 'allocating' | 'writing' | 'finishing' | 'verifying' | 'done';

/** Long work shows progress: bytes done, rate, time left. */
export interface DriveProgress {
  readonly phase: DrivePhase;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly bytesPerSecond: number;
  /** Undefined until a rate is known. */
  readonly secondsLeft: number | undefined;
}

const REPORT_EVERY_MS = 250;

/** Turns byte counts into throttled progress reports per phase. */
export class ProgressMeter {
  private current: DrivePhase = 'allocating';
  private total = 0;
  private done = 0;
  private started = Date.now();
  private lastReport = 0;

  constructor(private readonly onProgress: (progress: DriveProgress) => void) {}

  phase(phase: DrivePhase, bytesTotal: number): void {
    this.current = phase;
    this.total = bytesTotal;
    this.done = 0;
    this.started = Date.now();
    this.report(true);
  }

  advance(bytes: number): void {
    this.done += bytes;
    this.report(this.done >= this.total);
  }

  private report(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    this.onProgress({
      phase: this.current,
      bytesDone: this.done,
      bytesTotal: this.total,
      bytesPerSecond: rate,
      secondsLeft: rate > 0 ? Math.max(0, (this.total - this.done) / rate) : undefined,
    });
  }
}
