import { renderFields, renderTable } from './table';

describe('renderTable', () => {
  it('aligns columns to their widest cell and leaves no trailing spaces', () => {
    const text = renderTable(['JOB', 'CARRIER', 'DEADLINE'], [['seed-1', 'UPS', '2026-12-15'], ['a-much-longer-job', 'FedEx', '']]);
    expect(text.split('\n')).toEqual([
      'JOB                CARRIER  DEADLINE',
      '-----------------  -------  ----------',
      'seed-1             UPS      2026-12-15',
      'a-much-longer-job  FedEx',
      '',
    ]);
  });

  it('prints only the header when there are no rows', () => {
    expect(renderTable(['A'], [])).toBe('A\n-\n');
  });
});

describe('renderFields', () => {
  it('aligns the values after the longest label', () => {
    expect(renderFields([['Carrier', 'UPS'], ['Tracking number', '1Z5R89390357567127']])).toBe('  Carrier:          UPS\n  Tracking number:  1Z5R89390357567127\n');
  });
});
