import { formatBytes, formatDuration, renderProgressBar, renderSummary } from './format';

describe('demo output', () => {
  it('formats sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024 + 512 * 1024)).toBe('3.5 MiB');
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3 * 3600_000 + 60_000)).toBe('3h01m');
  });

  it('draws a progress bar with bytes, rate and the time left', () => {
    expect(renderProgressBar('staging', { done: 10 * 1024 * 1024, total: 40 * 1024 * 1024, bytesPerSecond: 5 * 1024 * 1024 }, 8)).toBe(
      'staging [##......]  25%  10.0 MiB / 40.0 MiB  5.0 MiB/s  ETA 6s',
    );
    expect(renderProgressBar('x', { done: 5, total: 5, bytesPerSecond: 0 }, 4)).toBe('x [####] 100%  5 B / 5 B  -  done');
    expect(renderProgressBar('x', { done: 0, total: 0, bytesPerSecond: 0 }, 4)).toContain('[....]   0%');
  });

  it('ends with a table of every step and the verdicts', () => {
    const table = renderSummary(
      [
        { step: 'create job', ms: 1200, ok: true, detail: 'job 1' },
        { step: 'restore and compare', ms: 61_000, ok: false, detail: 'differs' },
      ],
      [['restore matched', 'no']],
    );
    expect(table.split('\n')).toEqual([
      'step                 time   result  detail',
      '-------------------  -----  ------  -------',
      'create job           1s     ok      job 1',
      'restore and compare  1m01s  FAILED  differs',
      '',
      'restore matched: no',
    ]);
  });
});
