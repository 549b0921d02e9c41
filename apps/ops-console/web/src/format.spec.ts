import { describe, expect, it } from 'vitest';

import { formatBytes, formatDuration, percentOf } from './format';

describe('formatting', () => {
  it('formats bytes in decimal units, exactly beyond 2^53', () => {
    expect(formatBytes('999')).toBe('999 B');
    expect(formatBytes('1400000000000')).toBe('1.4 TB');
    expect(formatBytes('8500000000000000000')).toBe('8.5 EB');
    expect(formatBytes(1_500_000n)).toBe('1.5 MB');
  });

  it('gives whole percents within 0-100', () => {
    expect(percentOf('400', '1000')).toBe(40);
    expect(percentOf('5', '0')).toBe(0);
    expect(percentOf('1200', '1000')).toBe(100);
  });

  it('formats durations for people', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(2000)).toBe('33 min');
    expect(formatDuration(7500)).toBe('2 h 5 min');
  });
});
