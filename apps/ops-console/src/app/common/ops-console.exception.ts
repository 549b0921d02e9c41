/** Why the console refused a request; each code maps to one HTTP status. */
export enum OpsConsoleErrorCode {
  VALIDATION = 'VALIDATION',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  WRONG_STATE = 'WRONG_STATE',
  CONCURRENT_UPDATE = 'CONCURRENT_UPDATE',
  SECRET_UNREADABLE = 'SECRET_UNREADABLE',
}

export class OpsConsoleException extends Error {
  constructor(
    readonly code: OpsConsoleErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OpsConsoleException';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export function httpStatusOf(code: OpsConsoleErrorCode): number {
  switch (code) {
    case OpsConsoleErrorCode.VALIDATION:
      return 400;
    case OpsConsoleErrorCode.UNAUTHENTICATED:
      return 401;
    case OpsConsoleErrorCode.FORBIDDEN:
      return 403;
    case OpsConsoleErrorCode.NOT_FOUND:
      return 404;
    case OpsConsoleErrorCode.WRONG_STATE:
    case OpsConsoleErrorCode.CONCURRENT_UPDATE:
      return 409;
    case OpsConsoleErrorCode.SECRET_UNREADABLE:
      return 500;
    default:
      return assertUnreachable(code);
  }
}
