import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const OrchestrationJobDrivesPlanned = defineMessage(
  'orchestration.job.drives-planned.v1',
  z.object({
    jobId: uuid,
    provider: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']),
    /** Staged bytes not yet on a prepared drive: what the disk-prep agents claim drives for. */
    bytesNeedingDrives: byteCount,
    blobCount: z.number().int().nonnegative(),
  }),
  'A staged job waits for drives: how many bytes (and blobs) still need a drive.',
);
export type OrchestrationJobDrivesPlannedPayload = PayloadOf<typeof OrchestrationJobDrivesPlanned>;
