import { ArmErrorCode, ArmException } from './arm.exception';

/** Refuses a request whose api-version query parameter is missing or not the one this provider serves. */
export function requireApiVersion(given: unknown, served: readonly string[], provider: string): void {
  if (given === undefined || given === '') {
    throw new ArmException(
      ArmErrorCode.MissingApiVersionParameter,
      `The api-version query parameter (?api-version=) is required for all requests. ${provider} supports ${served.join(', ')}.`,
    );
  }
  if (typeof given !== 'string' || !served.includes(given)) {
    throw new ArmException(
      ArmErrorCode.InvalidApiVersionParameter,
      `The api-version '${JSON.stringify(given)}' is invalid. The supported versions for ${provider} are '${served.join(', ')}'.`,
    );
  }
}
