import { type DriveView } from '../api/api-schemas';

export interface BayInstruction {
  kind: 'INSERT_BLANK' | 'PULL_AND_SHIP' | 'PULL' | 'CONFIRM_WIPE' | 'LEAVE' | 'IDLE';
  text: string;
}

function percent(done: string, total: string): number {
  const planned = BigInt(total);
  return planned === 0n ? 0 : Number((BigInt(done) * 100n) / planned);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Decimal units, as the web UI and drive labels count (1 TB = 10^12 bytes). */
export function decimalBytes(bytes: string): string {
  let milli = BigInt(bytes) * 1000n;
  let unit = 0;
  while (milli >= 1_000_000n && unit < UNITS.length - 1) {
    milli /= 1000n;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${(Number(milli) / 1000).toFixed(1)} ${UNITS[unit] ?? ''}`;
}

/** What the technician at the bay should do next. */
export function instructionFor(
  drive: DriveView | null,
  nextInsert: { importJobName: string; bytesNeedingDrives: string } | null,
  nodeSilent = false,
): BayInstruction {
  if (!drive) {
    // A drive inserted where no agent answers would sit there unclaimed.
    if (nodeSilent) return { kind: 'IDLE', text: 'Empty; the node is silent, so bring its agent back before inserting drives.' };
    return nextInsert
      ? { kind: 'INSERT_BLANK', text: `Insert a blank SATA drive: job ${nextInsert.importJobName} still needs ${decimalBytes(nextInsert.bytesNeedingDrives)}.` }
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
