import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value that passes', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls;
    }, { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('treats false as not yet', async () => {
    let calls = 0;
    await expect(eventually(() => ++calls >= 2, { intervalMs: 1 })).resolves.toBe(true);
  });

  it('fails after the deadline with the last reason and what it waited for', async () => {
    await expect(
      eventually(() => {
        throw new Error('still 3 rows');
      }, { timeoutMs: 30, intervalMs: 5, description: 'the consumer' }),
    ).rejects.toThrow(/Timed out after \d+ ms waiting for the consumer: still 3 rows/);
  });
});
