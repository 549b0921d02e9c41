export enum DatacenterErrorCode {
  PackageNotFound = 'PackageNotFound',
  PackageNotInTransit = 'PackageNotInTransit',
  DriveNotRegistered = 'DriveNotRegistered',
  InvalidRequest = 'InvalidRequest',
}

/** A refusal of the datacenter's own control API (not ARM). */
export class DatacenterException extends Error {
  constructor(
    readonly code: DatacenterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DatacenterException';
  }

  get status(): number {
    switch (this.code) {
      case DatacenterErrorCode.PackageNotFound:
      case DatacenterErrorCode.DriveNotRegistered:
        return 404;
      case DatacenterErrorCode.PackageNotInTransit:
        return 409;
      case DatacenterErrorCode.InvalidRequest:
        return 400;
      default:
        return assertUnreachable(this.code);
    }
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled datacenter error code ${String(value)}`);
}
