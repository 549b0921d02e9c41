import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const StagingIngestProgress = defineMessage(
  'staging.ingest.progress.v1',
  z.object({
    jobId: uuid,
    files: z.number().int().nonnegative(),
    bytesDone: byteCount,
    bytesTotal: byteCount.optional(),
    bytesPerSecond: z.number().nonnegative(),
    secondsLeft: z.number().nonnegative().optional(),
  }),
  'Ingest progress of a job: files and bytes done, rate and time left.',
);
export type StagingIngestProgressPayload = PayloadOf<typeof StagingIngestProgress>;
