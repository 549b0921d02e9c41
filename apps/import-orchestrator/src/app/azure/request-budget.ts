/**
 * A token bucket for Azure status requests: ARM throttles reads per subscription, so the whole fleet
 * (the one leader polls every job) spends at most `perMinute` requests a minute, with bursts up to that.
 */
export class RequestBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.refilledAt = now();
  }

  /** Takes one request from the budget; false when it is spent for now. */
  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.refilledAt) * this.perMinute) / 60_000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The next wait between two polls of a job: short after a change, doubling while nothing changes. */
export function nextPollInterval(previousMs: number, changed: boolean, minMs: number, maxMs: number): number {
  if (changed || previousMs <= 0) return minMs;
  return Math.min(maxMs, Math.max(minMs, previousMs * 2));
}
