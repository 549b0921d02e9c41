import { z } from 'zod';

import { actor, jobState, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const SeedingJobStateChanged = defineMessage(
  'seeding.job.state-changed.v1',
  z.object({
    jobId: uuid,
    from: jobState,
    to: jobState,
    actor,
    /** Present when the job failed: why, in words an operator can act on. */
    reason: z.string().min(1).optional(),
  }),
  'A seeding job moved from one state to another.',
);
export type SeedingJobStateChangedPayload = PayloadOf<typeof SeedingJobStateChanged>;
