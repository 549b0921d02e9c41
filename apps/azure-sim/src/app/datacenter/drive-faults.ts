import { z } from 'zod';

/**
 * Faults a test can inject for one drive (by serial). Each makes the datacenter meet the condition the
 * real service meets, and the outcome (states, copyStatus, logs) follows from the normal code path:
 * - neverReceived: the drive is missing from the package;
 * - damaged: reading the drive fails (as a drive with bad sectors or a broken controller would);
 * - wrongBitLockerKey: the key from the job does not unlock the volume;
 * - corruptBlockOfBlob: bytes of the first block of this blob (BlobPath from the manifest) read back
 *   altered, so its MD5 no longer matches the manifest.
 */
export const DriveFaults = z.object({
  neverReceived: z.boolean().default(false),
  damaged: z.boolean().default(false),
  wrongBitLockerKey: z.boolean().default(false),
  corruptBlockOfBlob: z.string().min(1).optional(),
});
export type DriveFaults = z.infer<typeof DriveFaults>;

/** A drive image registered with the datacenter, with the faults to inject when it is processed. */
export const DriveRegistration = z.object({
  driveId: z.string().min(1),
  imagePath: z.string().min(1),
  faults: DriveFaults,
});
export type DriveRegistration = z.infer<typeof DriveRegistration>;
