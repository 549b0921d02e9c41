import { type DriveView } from '../api/api-schemas';
import { decimalBytes, instructionFor } from './bay-instructions';

const drive: DriveView = {
  id: 'd',
  serialNumber: 'WD-1',
  model: null,
  transport: 'sata',
  sizeBytes: '1000000000000',
  state: 'WRITING',
  stateReason: null,
  jobId: 'j',
  importJobName: 'seed-a',
  nodeId: 'n',
  nodeName: 'copy-1',
  bayId: 'b',
  baySlot: 'ata-1',
  bayLabel: 'Bay 1',
  bytesPlanned: '1000000000000',
  bytesWritten: '250000000000',
  verifiedAt: null,
  wipeReleasedBy: null,
  wipeReleasedAt: null,
  hasRecoveryPassword: true,
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const waiting = { importJobName: 'seed-b', bytesNeedingDrives: '2000000000000' };

describe('what to do at a bay', () => {
  it('asks for a blank drive where a job needs space, unless the node is silent', () => {
    expect(instructionFor(null, waiting)).toEqual({ kind: 'INSERT_BLANK', text: 'Insert a blank SATA drive: job seed-b still needs 2.0 TB.' });
    expect(instructionFor(null, waiting, true).kind).toBe('IDLE');
    expect(instructionFor(null, null).text).toBe('Empty; no job needs drive space.');
  });

  it('says what to do with the drive in it', () => {
    expect(instructionFor(drive, null).text).toBe('Leave WD-1 in: writing of job seed-a, 25% written.');
    expect(instructionFor({ ...drive, state: 'READY' }, null)).toEqual({ kind: 'PULL_AND_SHIP', text: 'Pull WD-1 and pack it with the delivery of job seed-a.' });
    expect(instructionFor({ ...drive, state: 'REJECTED', stateReason: 'larger than 10 TB' }, null).text).toBe('Pull WD-1: larger than 10 TB.');
    expect(instructionFor({ ...drive, state: 'NEEDS_WIPE_CONFIRMATION' }, null).kind).toBe('CONFIRM_WIPE');
  });

  it('prints bytes in decimal units', () => {
    expect([decimalBytes('999'), decimalBytes('1862645149696'), decimalBytes('1500000')]).toEqual(['999 B', '1.9 TB', '1.5 MB']);
  });
});
