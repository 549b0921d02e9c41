import { describe, expect, it } from 'vitest';

import { applyProgressToOverview } from './live-state';
import { type Drive, type Overview } from './types';

const drive: Drive = {
  id: 'd1',
  serialNumber: 'WD-1',
  model: null,
  sizeBytes: '1000',
  state: 'WRITING',
  stateReason: null,
  jobId: 'j1',
  importJobName: 'seed-a',
  nodeName: 'copy-1',
  baySlot: 'ata-1',
  bayLabel: null,
  bytesPlanned: '1000',
  bytesWritten: '400',
  verifiedAt: null,
  wipeReleasedBy: null,
  hasRecoveryPassword: true,
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const overview = {
  bytes: { staged: '0', onDrives: '1400', inTransit: '0', imported: '0', verified: '0' },
  drivesByState: { WRITING: 1, READY: 1, VERIFYING: 0 },
  activeDrives: [drive],
} as unknown as Overview;
const progress = { driveId: 'd1', serialNumber: 'WD-1', nodeName: 'copy-1', bytesPlanned: '1000', bytesPerSecond: 10 };

describe('live overview', () => {
  it('moves the drive and the fleet total by the bytes written since the last figure', () => {
    const { overview: next, known } = applyProgressToOverview(overview, { ...progress, state: 'WRITING', bytesWritten: '650' });
    expect(known).toBe(true);
    expect(next.bytes.onDrives).toBe('1650');
    expect(next.activeDrives[0]?.bytesWritten).toBe('650');
  });

  it('drops a drive that is no longer active and recounts states', () => {
    const { overview: next } = applyProgressToOverview(overview, { ...progress, state: 'READY', bytesWritten: '1000' });
    expect(next.activeDrives).toEqual([]);
    expect(next.drivesByState.READY).toBe(2);
    expect(next.drivesByState.WRITING).toBe(0);
    expect(next.bytes.onDrives).toBe('2000');
  });

  it('reports a drive it does not know, so the page reloads', () => {
    expect(applyProgressToOverview(overview, { ...progress, driveId: 'other', state: 'WRITING', bytesWritten: '1' }).known).toBe(false);
  });
});
