import { formatBytes, formatDaysLeft, formatPercent, formatProgress, formatTime } from './format';

describe('figures for people', () => {
  it('formats byte counts in decimal units, exactly, even past 2^53', () => {
    expect(formatBytes('0')).toBe('0 B');
    expect(formatBytes('999')).toBe('999 B');
    expect(formatBytes('1000')).toBe('1.00 kB');
    expect(formatBytes('1400000000000')).toBe('1.40 TB');
    expect(formatBytes('8499999999999')).toBe('8.49 TB');
    expect(formatBytes('123456789012345678901')).toBe('123.45 EB');
  });

  it('gives progress rounded down, so 100% means every byte', () => {
    expect(formatPercent('400000000000', '1000000000000')).toBe('40.0%');
    expect(formatPercent('999999', '1000000')).toBe('99.9%');
    expect(formatPercent('5', '0')).toBe('-');
    expect(formatProgress('400000000000', '1000000000000')).toBe('400.00 GB / 1.00 TB (40.0%)');
    expect(formatProgress('0', '0')).toBe('-');
  });

  it('shows times to the minute in UTC and deadlines as days', () => {
    expect(formatTime('2026-12-01T07:32:59.999Z')).toBe('2026-12-01 07:32Z');
    expect(formatTime(null)).toBe('-');
    expect([formatDaysLeft(2), formatDaysLeft(1), formatDaysLeft(0), formatDaysLeft(-3)]).toEqual(['2 days left', '1 day left', 'due today', '3 days late']);
  });
});
