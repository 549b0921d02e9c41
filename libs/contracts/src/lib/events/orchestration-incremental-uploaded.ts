import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const OrchestrationIncrementalUploaded = defineMessage(
  'orchestration.incremental.uploaded.v1',
  z.object({
    jobId: uuid,
    snapshotId: uuid,
    manifestId: z.string().min(1),
    objectsUploaded: z.number().int().nonnegative(),
    packsUploaded: z.number().int().nonnegative(),
    objectsAlreadyPresent: z.number().int().nonnegative(),
    bytesUploaded: byteCount,
  }),
  'An incremental snapshot of a seeded job is in the storage account (only its new objects were uploaded) and verified.',
);
export type OrchestrationIncrementalUploadedPayload = PayloadOf<typeof OrchestrationIncrementalUploaded>;
