import { type Clock } from '../clock/clock';
import { type CarrierEvent, type CarrierReport, type CarrierTracking, type TrackedPackage } from './carrier-tracking';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A carrier that moves every package along the same plan, on the service's clock: picked up on the ship
 * date at 17:00 UTC, in transit the next morning, through a hub each further day, out for delivery and
 * delivered on day `transitDays`. With transitDays beyond 14 a package misses the two-week deadline,
 * which is how tests and the demo show the overdue alert.
 */
export class SimulatedCarrierTracking implements CarrierTracking {
  readonly carriers = 'any' as const;

  constructor(
    private readonly clock: Clock,
    private readonly transitDays: number,
  ) {}

  track(tracked: TrackedPackage): Promise<CarrierReport> {
    const start = Date.parse(`${tracked.shipDate}T00:00:00Z`);
    const destination = tracked.destination ?? 'destination datacenter';
    const plan: CarrierEvent[] = [
      { at: new Date(start + 9 * HOUR_MS), status: 'LABEL_CREATED', description: `${tracked.carrierName} label created (simulated)` },
      { at: new Date(start + 17 * HOUR_MS), status: 'PICKED_UP', description: 'Picked up (simulated)', location: 'origin' },
    ];
    for (let day = 1; day < Math.max(this.transitDays, 1); day += 1) {
      plan.push({ at: new Date(start + day * DAY_MS + 6 * HOUR_MS), status: 'IN_TRANSIT', description: `In transit, hub ${day} (simulated)`, location: `hub ${day}` });
    }
    if (this.transitDays >= 1) {
      const deliveryDay = start + this.transitDays * DAY_MS;
      plan.push({ at: new Date(deliveryDay + 7 * HOUR_MS), status: 'OUT_FOR_DELIVERY', description: 'Out for delivery (simulated)', location: destination });
      plan.push({ at: new Date(deliveryDay + 14 * HOUR_MS), status: 'DELIVERED', description: 'Delivered to the receiving dock (simulated)', location: destination });
    }
    const now = this.clock.now().getTime();
    return Promise.resolve({ events: plan.filter((event) => event.at.getTime() <= now) });
  }
}
