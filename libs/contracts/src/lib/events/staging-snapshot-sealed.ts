import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const StagingSnapshotSealed = defineMessage(
  'staging.snapshot.sealed.v1',
  z.object({
    jobId: uuid,
    snapshotId: uuid,
    kind: z.enum(['FULL', 'INCREMENTAL']),
    stagedBlobCount: z.number().int().nonnegative(),
    stagedBytes: byteCount,
  }),
  'A staging snapshot is sealed: its staged blobs, sizes and MD5s are in Postgres.',
);
export type StagingSnapshotSealedPayload = PayloadOf<typeof StagingSnapshotSealed>;
