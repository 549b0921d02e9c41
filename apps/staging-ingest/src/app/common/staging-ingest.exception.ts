/** Why the ingest API refused a request; each code maps to one HTTP status. */
export enum StagingIngestErrorCode {
  VALIDATION = 'VALIDATION',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  JOB_NAME_TAKEN = 'JOB_NAME_TAKEN',
  WRONG_STATE = 'WRONG_STATE',
  SOURCE_NOT_ALLOWED = 'SOURCE_NOT_ALLOWED',
  SOURCE_NOT_FOUND = 'SOURCE_NOT_FOUND',
  INSUFFICIENT_STAGING_SPACE = 'INSUFFICIENT_STAGING_SPACE',
  LENGTH_REQUIRED = 'LENGTH_REQUIRED',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
}

export class StagingIngestException extends Error {
  constructor(
    readonly code: StagingIngestErrorCode,
    message: string,
    /** Machine-readable facts behind the message (e.g. the byte counts of a space check). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'StagingIngestException';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export function httpStatusOf(code: StagingIngestErrorCode): number {
  switch (code) {
    case StagingIngestErrorCode.VALIDATION:
      return 400;
    case StagingIngestErrorCode.SOURCE_NOT_ALLOWED:
      return 403;
    case StagingIngestErrorCode.JOB_NOT_FOUND:
    case StagingIngestErrorCode.SOURCE_NOT_FOUND:
      return 404;
    case StagingIngestErrorCode.JOB_NAME_TAKEN:
    case StagingIngestErrorCode.WRONG_STATE:
      return 409;
    case StagingIngestErrorCode.LENGTH_REQUIRED:
      return 411;
    case StagingIngestErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case StagingIngestErrorCode.INSUFFICIENT_STAGING_SPACE:
      return 507;
    default:
      return assertUnreachable(code);
  }
}
