/** What went wrong in the staging repository, as a code callers can switch on. */
export enum StagingRepoErrorCode {
  /** The directory or container holds no staging repository, or one of another format. */
  NOT_A_REPOSITORY = 'NOT_A_REPOSITORY',
  /** A repository already exists where a new one was to be created. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** Bytes read back do not match their hash or length: the copy is damaged. */
  INTEGRITY = 'INTEGRITY',
  /** A snapshot, index or pack the repository refers to is missing. */
  MISSING_OBJECT = 'MISSING_OBJECT',
  /** A name cannot be an Azure blob name. */
  INVALID_BLOB_NAME = 'INVALID_BLOB_NAME',
  /** The caller used the API in a way it does not allow (e.g. adding to a sealed snapshot). */
  INVALID_USE = 'INVALID_USE',
}

export class StagingRepoError extends Error {
  constructor(
    readonly code: StagingRepoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StagingRepoError';
  }
}
