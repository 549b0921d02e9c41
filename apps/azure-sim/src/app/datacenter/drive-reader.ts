/** A drive image the datacenter "received": a raw disk image file and the drive's serial number. */
export interface DriveImage {
  readonly driveId: string;
  readonly imagePath: string;
}

/** Why a drive could not be read at all; each maps to a drive problem the APIs report. */
export type DriveReadProblem = 'DriveUnreadable' | 'BitLockerKeyInvalid';

export class DriveReadError extends Error {
  constructor(
    readonly problem: DriveReadProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DriveReadError';
  }
}

/** The NTFS file system of an unlocked drive, read-only. Paths are drive-relative, `\` or `/` separated. */
export interface OpenedDrive {
  /** Size of a file in bytes, or undefined when the file does not exist. */
  fileSize(pathOnDrive: string): Promise<number | undefined>;
  /** A whole (small) file, or undefined when it does not exist. */
  readFile(pathOnDrive: string): Promise<Buffer | undefined>;
  /** Bytes [offset, offset + length) of a file; shorter only at the end of the file. */
  readRange(pathOnDrive: string, offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Opens a received drive: finds the volume, unlocks BitLocker with the key from the job's drive list,
 * and exposes the NTFS file system. Throws DriveReadError when the drive is unreadable or the key does
 * not unlock it.
 */
export interface DriveReader {
  open(image: DriveImage, bitLockerKey: string): Promise<OpenedDrive>;
}

/** Nest injection token for the DriveReader in use. */
export const DRIVE_READER = Symbol('DRIVE_READER');
