import { type CarrierStatus } from '@seedship/contracts';

/** One scan or status event as the carrier reports it. */
export interface CarrierEvent {
  readonly at: Date;
  readonly status: CarrierStatus;
  /** The carrier's own words, e.g. "Arrived at FedEx hub". */
  readonly description: string;
  readonly location?: string;
}

export interface TrackedPackage {
  readonly carrierName: string;
  readonly trackingNumber: string;
  /** `YYYY-MM-DD`. */
  readonly shipDate: string;
  /** The destination datacenter's city, for carriers (and the simulator) that report locations. */
  readonly destination?: string;
}

export interface CarrierReport {
  /** Oldest first. Empty when the carrier does not know the number (yet). */
  readonly events: readonly CarrierEvent[];
}

/**
 * A carrier's tracking service. The simulated one serves tests and the demo; a real carrier's API
 * (UPS, FedEx, DHL) implements the same method and is chosen by CARRIER_TRACKING.
 */
export interface CarrierTracking {
  /** Carriers this implementation can answer for (carrierKey form), or 'any'. */
  readonly carriers: readonly string[] | 'any';
  track(tracked: TrackedPackage): Promise<CarrierReport>;
}

export const CARRIER_TRACKING = Symbol('CARRIER_TRACKING');

/** The newest event's status, or undefined while the carrier has none. */
export function currentStatus(report: CarrierReport): CarrierEvent | undefined {
  return report.events.at(-1);
}
