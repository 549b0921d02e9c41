import { z } from 'zod';

import { byteCount, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

/** The drive states of prisma/schema.prisma (DriveState), as they travel on the wire. */
export const DRIVE_STATES = [
  'DETECTED',
  'REJECTED',
  'NEEDS_WIPE_CONFIRMATION',
  'AVAILABLE',
  'CLAIMED',
  'WRITING',
  'VERIFYING',
  'READY',
  'FAILED',
  'REMOVED',
  'SHIPPED',
] as const;

export const DiskPrepDriveProgress = defineMessage(
  'diskprep.drive.progress.v1',
  z.object({
    driveId: uuid,
    /** The job that claimed the drive; absent while it is unclaimed. */
    jobId: uuid.optional(),
    serialNumber: z.string().min(1),
    nodeName: z.string().min(1),
    /** The bay's stable slot name on its node, when the drive sits in a known bay. */
    baySlot: z.string().min(1).optional(),
    state: z.enum(DRIVE_STATES),
    bytesWritten: byteCount,
    bytesPlanned: byteCount,
    /** Bytes read back and checked so far, while verifying. */
    bytesVerified: byteCount.optional(),
    bytesPerSecond: z.number().nonnegative(),
    secondsLeft: z.number().nonnegative().optional(),
  }),
  'Progress of one drive on a copy node: state, bytes written of planned, rate and time left.',
);
export type DiskPrepDriveProgressPayload = PayloadOf<typeof DiskPrepDriveProgress>;
