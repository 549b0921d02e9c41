import { type ProgressSample, renderProgressBar } from './format';

/**
 * A progress bar on stderr: redrawn in place on a terminal; in a log (CI, a test) one line per quarter,
 * so the output stays short.
 */
export class ProgressBar {
  private lastQuarter = -1;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(sample: ProgressSample): void {
    const line = renderProgressBar(this.label, sample);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const quarter = sample.total > 0 ? Math.floor((Math.min(sample.done, sample.total) / sample.total) * 4) : 0;
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.out.write(`${line}\n`);
    }
  }

  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
