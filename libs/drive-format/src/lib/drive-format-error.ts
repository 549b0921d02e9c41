/** Every way planning, preparing or verifying a drive can fail, by code. */
export enum DriveFormatErrorCode {
  InvalidInput = 'DRIVE_FORMAT_INVALID_INPUT',
  DriveNotWritable = 'DRIVE_FORMAT_DRIVE_NOT_WRITABLE',
  DriveTooSmall = 'DRIVE_FORMAT_DRIVE_TOO_SMALL',
  BlobTooLarge = 'DRIVE_FORMAT_BLOB_TOO_LARGE',
  SourceMismatch = 'DRIVE_FORMAT_SOURCE_MISMATCH',
  ToolFailed = 'DRIVE_FORMAT_TOOL_FAILED',
  UnsupportedNtfs = 'DRIVE_FORMAT_UNSUPPORTED_NTFS',
  VerificationFailed = 'DRIVE_FORMAT_VERIFICATION_FAILED',
}

export class DriveFormatError extends Error {
  constructor(
    readonly code: DriveFormatErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'DriveFormatError';
  }
}
