import { PollAbort, pollUntil } from './poll';

describe('pollUntil', () => {
  it('returns the first value the probe gives', async () => {
    let calls = 0;
    const value = await pollUntil(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error('not yet')) : Promise.resolve('ready');
      },
      { timeoutMs: 5_000, intervalMs: 1, description: 'the probe' },
    );
    expect([value, calls]).toEqual(['ready', 3]);
  });

  it('stops at once on PollAbort, and names what it waited for at the deadline', async () => {
    let calls = 0;
    await expect(
      pollUntil(
        () => {
          calls += 1;
          return Promise.reject(new PollAbort('the job FAILED'));
        },
        { timeoutMs: 5_000, intervalMs: 1, description: 'x' },
      ),
    ).rejects.toThrow('the job FAILED');
    expect(calls).toBe(1);
    await expect(pollUntil(() => Promise.reject(new Error('still DRAFT')), { timeoutMs: 20, intervalMs: 5, description: 'the job to be STAGED' })).rejects.toThrow(
      /Timed out after \d+ s waiting for the job to be STAGED: still DRAFT/,
    );
  });
});
