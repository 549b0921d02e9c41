export interface EventuallyOptions {
  /** Give up after this long; the last failure is rethrown with the elapsed time. */
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

/**
 * Polls `probe` until it returns without throwing (and, if it returns a value, that value is not
 * `false`), or the deadline passes. Tests wait with this, never with fixed sleeps.
 */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  let lastError: unknown = new Error('the condition was never checked');
  for (;;) {
    try {
      const value = await probe();
      if (value !== false) return value;
      lastError = new Error('the condition returned false');
    } catch (error) {
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      const what = options.description ? ` waiting for ${options.description}` : '';
      const error = new Error(`Timed out after ${elapsed} ms${what}: ${detail}`);
      if (lastError instanceof Error && lastError.stack) error.stack += `\nLast failure: ${lastError.stack}`;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}
