import { DEFAULT_SIZE_MIB, DemoUsageError, parseDemoOptions } from './options';

describe('parseDemoOptions', () => {
  it('defaults to a generated sample of the default size, the Data Box provider, cleaning up', () => {
    expect(parseDemoOptions([])).toEqual({ source: undefined, sizeMiB: DEFAULT_SIZE_MIB, keep: false, provider: 'DATABOX_CUSTOMER_DISK', help: false });
  });

  it('reads every option, in either form, and resolves a relative source against the working directory', () => {
    expect(parseDemoOptions(['--source', 'data', '--size-mib=64', '--keep', '--provider', 'import_export'], '/home/me')).toEqual({
      source: '/home/me/data',
      sizeMiB: 64,
      keep: true,
      provider: 'IMPORT_EXPORT',
      help: false,
    });
  });

  it('refuses what it cannot use, saying what to write instead', () => {
    expect(() => parseDemoOptions(['--size-mib', '8'])).toThrow(/--size-mib must be a whole number of MiB from 40/);
    expect(() => parseDemoOptions(['--size-mib', 'big'])).toThrow(DemoUsageError);
    expect(() => parseDemoOptions(['--provider', 'aws'])).toThrow('--provider must be IMPORT_EXPORT or DATABOX_CUSTOMER_DISK, not "AWS".');
    expect(() => parseDemoOptions(['--source'])).toThrow('--source needs a value.');
    expect(() => parseDemoOptions(['--fast'])).toThrow('Unknown option "--fast".');
  });
});
