/** Thrown from a probe when waiting longer cannot help (a job FAILED, a drive was rejected): ends the wait at once. */
export class PollAbort extends Error {}

/**
 * Polls `probe` until it returns a value, or the deadline passes (then the last failure is reported with
 * what was awaited). A PollAbort from the probe ends the wait at once.
 */
export async function pollUntil<T>(probe: () => Promise<T>, options: { timeoutMs: number; intervalMs?: number; description: string }): Promise<T> {
  const started = Date.now();
  const intervalMs = options.intervalMs ?? 500;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (error instanceof PollAbort) throw error;
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`Timed out after ${Math.round(elapsed / 1000)} s waiting for ${options.description}: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, options.timeoutMs - elapsed)));
  }
}
