import { DiskPrepDriveProgress } from './events/diskprep-drive-progress';
import { DiskPrepDriveWipeReleased } from './events/diskprep-drive-wipe-released';
import { DiskPrepJobDrivesReady } from './events/diskprep-job-drives-ready';
import { OrchestrationIncrementalUploaded } from './events/orchestration-incremental-uploaded';
import { OrchestrationJobAzureStatus } from './events/orchestration-job-azure-status';
import { OrchestrationJobDrivesPlanned } from './events/orchestration-job-drives-planned';
import { OrchestrationJobShipTo } from './events/orchestration-job-ship-to';
import { SeedingJobSeeded } from './events/seeding-job-seeded';
import { SeedingJobStateChanged } from './events/seeding-job-state-changed';
import { ShippingCarrierStatusChanged } from './events/shipping-carrier-status-changed';
import { ShippingDeadlineOverdue, ShippingDeadlineReminder } from './events/shipping-deadline';
import { ShippingPackageUpdated } from './events/shipping-package-updated';
import { StagingIngestProgress } from './events/staging-progress';
import { StagingSnapshotSealed } from './events/staging-snapshot-sealed';
import { type MessageContract } from './message-contract';

/** Every message Seedship's services exchange. A subject appears here exactly once. */
export const MESSAGE_CATALOG: readonly MessageContract[] = [
  DiskPrepDriveProgress,
  DiskPrepDriveWipeReleased,
  DiskPrepJobDrivesReady,
  OrchestrationIncrementalUploaded,
  OrchestrationJobAzureStatus,
  OrchestrationJobDrivesPlanned,
  OrchestrationJobShipTo,
  SeedingJobSeeded,
  SeedingJobStateChanged,
  ShippingCarrierStatusChanged,
  ShippingDeadlineOverdue,
  ShippingDeadlineReminder,
  ShippingPackageUpdated,
  StagingIngestProgress,
  StagingSnapshotSealed,
];

/**
 * JetStream streams. Events of every context go to one durable stream (Postgres holds the truth; the
 * stream is the delivery log). Dead letters have their own stream so they outlive the events' retention.
 */
export const STREAMS = {
  events: { name: 'SEEDSHIP_EVENTS', subjects: ['staging.>', 'diskprep.>', 'orchestration.>', 'shipping.>', 'seeding.>'] },
  deadLetters: { name: 'SEEDSHIP_DEAD_LETTERS', subjects: ['deadletter.>'] },
} as const;

/** Where a message goes when a consumer gives up on it: `deadletter.<durable>.<original subject>`. */
export function deadLetterSubject(durable: string, subject: string): string {
  return `deadletter.${durable}.${subject}`;
}
