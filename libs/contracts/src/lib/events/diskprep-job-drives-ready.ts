import { z } from 'zod';

import { uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const DiskPrepJobDrivesReady = defineMessage(
  'diskprep.job.drives-ready.v1',
  z.object({
    jobId: uuid,
    driveIds: z.array(uuid).min(1),
  }),
  'Every staged blob of a job is on a drive that was read back and verified.',
);
export type DiskPrepJobDrivesReadyPayload = PayloadOf<typeof DiskPrepJobDrivesReady>;
