import { RequestBudget, nextPollInterval } from './request-budget';

describe('RequestBudget', () => {
  it('allows perMinute requests, then refills at that rate', () => {
    let now = 0;
    const budget = new RequestBudget(3, () => now);
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([true, true, true, false]);
    now = 20_000;
    expect([budget.tryTake(), budget.tryTake()]).toEqual([true, false]);
    now = 600_000;
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([true, true, true, false]);
  });
});

describe('nextPollInterval', () => {
  it('starts at the minimum, doubles while nothing changes up to the ceiling, and resets on a change', () => {
    let interval = nextPollInterval(0, false, 1000, 5000);
    const seen = [interval];
    for (let i = 0; i < 4; i += 1) seen.push((interval = nextPollInterval(interval, false, 1000, 5000)));
    expect(seen).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(nextPollInterval(5000, true, 1000, 5000)).toBe(1000);
  });
});
