import { z } from 'zod';

import { actor, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const DiskPrepDriveWipeReleased = defineMessage(
  'diskprep.drive.wipe-released.v1',
  z.object({
    driveId: uuid,
    serialNumber: z.string().min(1),
    /** The copy node whose agent holds the drive. */
    nodeName: z.string().min(1).optional(),
    /** The job the operator released it for, if any; the agent may still claim it for another. */
    jobId: uuid.optional(),
    /** The operator who confirmed that the data on the drive may be destroyed. */
    actor,
  }),
  'An operator confirmed that a non-blank drive may be wiped; its agent may now claim and format it.',
);
export type DiskPrepDriveWipeReleasedPayload = PayloadOf<typeof DiskPrepDriveWipeReleased>;
