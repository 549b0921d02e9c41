/** The error codes the simulator answers with, as the ARM providers spell them. */
export enum ArmErrorCode {
  InvalidApiVersionParameter = 'InvalidApiVersionParameter',
  MissingApiVersionParameter = 'MissingApiVersionParameter',
  InvalidRequestContent = 'InvalidRequestContent',
  InvalidResourceName = 'InvalidResourceName',
  ResourceNotFound = 'ResourceNotFound',
  LocationNotFound = 'LocationNotFound',
  NoRegisteredProviderFound = 'NoRegisteredProviderFound',
  Conflict = 'Conflict',
  InvalidJobState = 'InvalidJobState',
  PropertyNotUpdatable = 'PropertyNotUpdatable',
  DuplicateTrackingNumber = 'DuplicateTrackingNumber',
  AuthenticationFailed = 'AuthenticationFailed',
  InternalServerError = 'InternalServerError',
}

export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/** The ARM error body: `{ error: { code, message, target, details } }`. */
export interface ArmErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly target?: string;
    readonly details?: readonly ArmErrorDetail[];
  };
}

/** A refusal of the simulated resource provider; the filter turns it into an ARM error response. */
export class ArmException extends Error {
  constructor(
    readonly code: ArmErrorCode,
    message: string,
    readonly target?: string,
    readonly details: readonly ArmErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ArmException';
  }

  get status(): number {
    return statusOf(this.code);
  }

  toBody(): ArmErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target === undefined ? {} : { target: this.target }),
        // Detail entries carry code and message only: Microsoft.DataBox's Details definition has no target.
        ...(this.details.length === 0 ? {} : { details: this.details.map(({ code, message }) => ({ code, message })) }),
      },
    };
  }
}

function statusOf(code: ArmErrorCode): number {
  switch (code) {
    case ArmErrorCode.InvalidApiVersionParameter:
    case ArmErrorCode.MissingApiVersionParameter:
    case ArmErrorCode.InvalidRequestContent:
    case ArmErrorCode.InvalidResourceName:
    case ArmErrorCode.PropertyNotUpdatable:
    case ArmErrorCode.NoRegisteredProviderFound:
    case ArmErrorCode.LocationNotFound:
      return 400;
    case ArmErrorCode.AuthenticationFailed:
      return 401;
    case ArmErrorCode.ResourceNotFound:
      return 404;
    case ArmErrorCode.Conflict:
    case ArmErrorCode.InvalidJobState:
    case ArmErrorCode.DuplicateTrackingNumber:
      return 409;
    case ArmErrorCode.InternalServerError:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled ARM error code ${String(value)}`);
}
