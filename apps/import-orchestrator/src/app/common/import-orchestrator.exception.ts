/** Why the orchestrator API refused a request; each code maps to one HTTP status. */
export enum ImportOrchestratorErrorCode {
  VALIDATION = 'VALIDATION',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  WRONG_STATE = 'WRONG_STATE',
  SOURCE_NOT_ALLOWED = 'SOURCE_NOT_ALLOWED',
  SOURCE_NOT_FOUND = 'SOURCE_NOT_FOUND',
}

export class ImportOrchestratorException extends Error {
  constructor(
    readonly code: ImportOrchestratorErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ImportOrchestratorException';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export function httpStatusOf(code: ImportOrchestratorErrorCode): number {
  switch (code) {
    case ImportOrchestratorErrorCode.VALIDATION:
      return 400;
    case ImportOrchestratorErrorCode.SOURCE_NOT_ALLOWED:
      return 403;
    case ImportOrchestratorErrorCode.JOB_NOT_FOUND:
    case ImportOrchestratorErrorCode.SOURCE_NOT_FOUND:
      return 404;
    case ImportOrchestratorErrorCode.WRONG_STATE:
      return 409;
    default:
      return assertUnreachable(code);
  }
}
