/** Why the shipping API refused a request; each code maps to one HTTP status. */
export enum ShippingErrorCode {
  VALIDATION = 'VALIDATION',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  WRONG_STATE = 'WRONG_STATE',
  DATACENTER_UNKNOWN = 'DATACENTER_UNKNOWN',
  INVALID_SHIPPING_DETAILS = 'INVALID_SHIPPING_DETAILS',
  TRACKING_NUMBER_TAKEN = 'TRACKING_NUMBER_TAKEN',
  CONCURRENT_UPDATE = 'CONCURRENT_UPDATE',
}

/** One field that broke a rule: which, why (a code a script can test), and what to do (for people). */
export interface FieldProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export class ShippingException extends Error {
  constructor(
    readonly code: ShippingErrorCode,
    message: string,
    /** Machine-readable facts behind the message (the problems, the other job holding a tracking number). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ShippingException';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

export function httpStatusOf(code: ShippingErrorCode): number {
  switch (code) {
    case ShippingErrorCode.VALIDATION:
      return 400;
    case ShippingErrorCode.JOB_NOT_FOUND:
      return 404;
    case ShippingErrorCode.WRONG_STATE:
    case ShippingErrorCode.DATACENTER_UNKNOWN:
    case ShippingErrorCode.TRACKING_NUMBER_TAKEN:
    case ShippingErrorCode.CONCURRENT_UPDATE:
      return 409;
    case ShippingErrorCode.INVALID_SHIPPING_DETAILS:
      return 422;
    default:
      return assertUnreachable(code);
  }
}
