import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('removes BitLocker keys at any depth and keeps everything else', () => {
    const raw = {
      status: 'DataCopy',
      details: {
        importDiskDetailsCollection: { 'WD-1': { manifestFile: '\\DriveManifest.xml', bitLockerKey: '111111-222222' } },
        jobStages: [{ stageName: 'DataCopy', stageTime: new Date('2026-12-01T00:00:00Z') }],
      },
      missing: undefined,
    };
    expect(redactSecrets(raw)).toEqual({
      status: 'DataCopy',
      details: {
        importDiskDetailsCollection: { 'WD-1': { manifestFile: '\\DriveManifest.xml', bitLockerKey: '[redacted]' } },
        jobStages: [{ stageName: 'DataCopy', stageTime: '2026-12-01T00:00:00.000Z' }],
      },
    });
    expect(JSON.stringify(redactSecrets(raw))).not.toContain('111111');
  });
});
