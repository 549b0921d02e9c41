import { type BlockDeviceIdentity, type DeviceUsage } from '@seedship/block-devices';

/** Azure Import/Export takes SATA II/III HDDs and 2.5" SATA SSDs of up to 10 TB. */
export const MAX_DRIVE_BYTES = 10 * 1000 ** 4;
/** Smaller than this holds no blob with partition, BitLocker and NTFS overhead. */
export const MIN_DRIVE_BYTES = 32 * 1024 * 1024;

export interface DriveRuleInput {
  readonly identity: BlockDeviceIdentity;
  readonly usage: DeviceUsage;
  /** Loop devices stand in for SATA drives (tests and demo only, and only from the configured directory). */
  readonly loopAllowed: boolean;
}

/**
 * The drive rules an inserted disk must pass before the agent may claim it. Returns every broken rule
 * as a sentence for the drive row and the technician; empty means the drive may be used.
 */
export function driveRuleViolations({ identity, usage, loopAllowed }: DriveRuleInput): string[] {
  const problems: string[] = [];
  if (identity.transport === 'loop') {
    if (!loopAllowed) problems.push('a loop device is not a drive (loop devices are allowed only in tests)');
  } else if (identity.transport !== 'sata') {
    problems.push(`attached over ${identity.transport}, but Azure takes only SATA drives (HDD or 2.5" SSD); use a SATA bay`);
  }
  if (identity.sizeBytes > MAX_DRIVE_BYTES) {
    problems.push(`${formatTerabytes(identity.sizeBytes)} is larger than the 10 TB Azure accepts per drive`);
  }
  if (identity.sizeBytes < MIN_DRIVE_BYTES) problems.push(`${identity.sizeBytes} bytes is too small to hold any data`);
  if (identity.readOnly) problems.push('the drive is read-only (write-protected)');
  if (usage.systemDisk) problems.push('it holds the running system');
  if (usage.mountPoints.length > 0) problems.push(`it is mounted at ${usage.mountPoints.join(', ')}; unmount it or use another drive`);
  if (usage.swap) problems.push('it is in use as swap');
  if (usage.holders.length > 0) problems.push(`it is in use by ${usage.holders.join(', ')}`);
  return problems;
}

function formatTerabytes(bytes: number): string {
  return `${(bytes / 1000 ** 4).toFixed(2)} TB`;
}
