import { type DriveView } from '../api/api-schemas';

export interface BayInstruction {
  kind: 'INSERT_BLANK' | 'PULL_AND_SHIP' | 'PULL' | 'CONFIRM_WIPE' | 'LEAVE' | 'IDLE';
  text: string;
}

function percent(done: string, total: string): number {
  const planned = BigInt(total);
  return planned === 0n ? 0 : Number((BigInt(done) * 100n) / planned);
}

function gib(bytes: string): string {
  return `${(Number(BigInt(bytes) / 1024n / 1024n) / 1024).toFixed(1)} GiB`;
}

/** What the technician at the bay should do next. */
export function instructionFor(
  drive: DriveView | null,
  nextInsert: { importJobName: string; bytesNeedingDrives: string } | null,
): BayInstruction {
  if (!drive) {
    return nextInsert
      ? { kind: 'INSERT_BLANK', text: `Insert a blank SATA drive: job ${nextInsert.importJobName} still needs ${gib(nextInsert.bytesNeedingDrives)}.` }
      : { kind: 'IDLE', text: 'Empty; no job needs drive space.' };
  }
  const job = drive.importJobName ? ` of job ${drive.importJobName}` : '';
  switch (drive.state) {
    case 'READY':
      return { kind: 'PULL_AND_SHIP', text: `Pull ${drive.serialNumber} and pack it with the delivery${job}.` };
    case 'FAILED':
    case 'REJECTED':
      return { kind: 'PULL', text: `Pull ${drive.serialNumber}: ${drive.stateReason ?? drive.state.toLowerCase()}.` };
    case 'NEEDS_WIPE_CONFIRMATION':
      return { kind: 'CONFIRM_WIPE', text: `${drive.serialNumber} has data on it: an operator must release it for wiping, or pull it.` };
    case 'CLAIMED':
    case 'WRITING':
    case 'VERIFYING':
      return {
        kind: 'LEAVE',
        text: `Leave ${drive.serialNumber} in: ${drive.state.toLowerCase()}${job}, ${percent(drive.bytesWritten, drive.bytesPlanned)}% written.`,
      };
    case 'DETECTED':
    case 'AVAILABLE':
    case 'SHIPPED':
    case 'REMOVED':
      return { kind: 'LEAVE', text: `Leave ${drive.serialNumber} in: waiting to be claimed by a job.` };
  }
}
