import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';

import { ShippingCarrierStatusChanged, carrierStatus } from '@seedship/contracts';
import { type Prisma, PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { calendarDateOf, carrierKey } from '@seedship/domain';
import { type Logger } from '@seedship/logging';
import { enqueueEvent } from '@seedship/messaging';

import { CLOCK, type Clock } from '../clock/clock';
import { SHIPPING_TRACKER_LOGGER } from '../common/logger.provider';
import { PeriodicTask } from '../common/periodic-task';
import { SHIPPING_TRACKER_CONFIG, type ShippingTrackerConfig } from '../config/shipping-tracker-env';
import { CARRIER_TRACKING, type CarrierTracking, currentStatus } from './carrier-tracking';

/**
 * Asks the carrier about every delivery package not yet delivered, keeps its events on the shipment
 * row, and announces each new status (shipping.package.carrier-status-changed.v1) in the same transaction.
 * Without a CarrierTracking (CARRIER_TRACKING=none) it does nothing.
 */
@Injectable()
export class CarrierStatusPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task?: PeriodicTask;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHIPPING_TRACKER_CONFIG) config: ShippingTrackerConfig,
    @Inject(SHIPPING_TRACKER_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(CARRIER_TRACKING) private readonly tracking: CarrierTracking | null,
  ) {
    if (tracking) this.task = new PeriodicTask('carrier-poll', config.CARRIER_POLL_INTERVAL_MS, () => this.pollCarriers(), logger);
  }

  onApplicationBootstrap(): void {
    this.task?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Returns how many packages changed status. */
  async pollCarriers(): Promise<number> {
    const tracking = this.tracking;
    if (!tracking) return 0;
    const packages = await this.prisma.shipment.findMany({
      // Once Azure reports the drives received, the carrier has nothing more to say that matters.
      where: { direction: 'DELIVERY', deliveredAt: null, trackingNumber: { not: null }, shipDate: { not: null }, job: { state: { in: ['IMPORT_JOB_CREATED', 'SHIPPING'] } } },
      include: { job: { select: { datacenterAddress: true, location: true } } },
    });
    let changed = 0;
    for (const shipment of packages) {
      if (!shipment.trackingNumber || !shipment.shipDate) continue;
      if (tracking.carriers !== 'any' && !tracking.carriers.includes(carrierKey(shipment.carrierName))) continue;
      const report = await tracking.track({
        carrierName: shipment.carrierName,
        trackingNumber: shipment.trackingNumber,
        shipDate: calendarDateOf(shipment.shipDate),
        destination: destinationOf(shipment.job.datacenterAddress) ?? shipment.job.location,
      });
      const latest = currentStatus(report);
      const checkedAt = this.clock.now();
      const events = report.events.map((event) => ({ ...event, at: event.at.toISOString() })) as Prisma.InputJsonValue;
      if (!latest || latest.status === shipment.carrierStatus) {
        await this.prisma.shipment.updateMany({ where: { id: shipment.id, version: shipment.version }, data: { carrierCheckedAt: checkedAt } });
        continue;
      }
      const deliveredAt = latest.status === 'DELIVERED' ? latest.at : undefined;
      const previous = carrierStatus.safeParse(shipment.carrierStatus);
      const applied = await this.prisma.$transaction(async (tx) => {
        // Only if the package was not corrected meanwhile: a new tracking number starts afresh.
        const { count } = await tx.shipment.updateMany({
          where: { id: shipment.id, version: shipment.version, trackingNumber: shipment.trackingNumber },
          data: { carrierStatus: latest.status, carrierEvents: events, carrierCheckedAt: checkedAt, ...(deliveredAt ? { deliveredAt } : {}) },
        });
        if (count === 0) return false;
        await enqueueEvent(tx, ShippingCarrierStatusChanged, {
          jobId: shipment.jobId,
          direction: 'DELIVERY',
          carrierName: shipment.carrierName,
          trackingNumber: shipment.trackingNumber ?? '',
          status: latest.status,
          ...(previous.success ? { previousStatus: previous.data } : {}),
          lastEvent: { at: latest.at.toISOString(), description: latest.description, ...(latest.location ? { location: latest.location } : {}) },
          ...(deliveredAt ? { deliveredAt: deliveredAt.toISOString() } : {}),
        });
        return true;
      });
      if (applied) {
        changed += 1;
        this.logger.info({ jobId: shipment.jobId, status: latest.status }, 'Carrier status changed');
      }
    }
    return changed;
  }
}

function destinationOf(stored: unknown): string | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const properties = 'properties' in stored && stored.properties && typeof stored.properties === 'object' ? stored.properties : stored;
  const city = (properties as Record<string, unknown>)['city'];
  return typeof city === 'string' ? city : undefined;
}
