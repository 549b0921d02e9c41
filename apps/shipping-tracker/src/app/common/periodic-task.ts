import { type Logger } from '@seedship/logging';

/**
 * Runs `work` now and then every `intervalMs`, never two runs at once; a failed run is logged and the
 * next one tries again. `stop()` waits for a run in progress, so shutdown never cuts a transaction.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.work()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error, task: this.name }, 'Periodic task failed; it runs again at the next interval'))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
