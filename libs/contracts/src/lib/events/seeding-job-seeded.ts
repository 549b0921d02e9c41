import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const SeedingJobSeeded = defineMessage(
  'seeding.job.seeded.v1',
  z.object({
    jobId: uuid,
    verifiedBlobCount: z.number().int().nonnegative(),
    verifiedBytes: byteCount,
  }),
  'Every staged blob of a job was verified in the storage account (length and MD5).',
);
export type SeedingJobSeededPayload = PayloadOf<typeof SeedingJobSeeded>;
