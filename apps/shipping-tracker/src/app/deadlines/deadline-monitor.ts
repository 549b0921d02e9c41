import { randomUUID } from 'node:crypto';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { ShippingDeadlineOverdue, ShippingDeadlineReminder } from '@seedship/contracts';
import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { type DeadlineAlert, calendarDateOf, deadlineStanding, dueDeadlineAlerts } from '@seedship/domain';
import { type Logger } from '@seedship/logging';
import { enqueueEvent } from '@seedship/messaging';

import { CLOCK, type Clock } from '../clock/clock';
import { SHIPPING_TRACKER_LOGGER } from '../common/logger.provider';
import { PeriodicTask } from '../common/periodic-task';
import { SHIPPING_TRACKER_CONFIG, type ShippingTrackerConfig } from '../config/shipping-tracker-env';

/** Once the datacenter has the drives, the two-week rule is met whatever the carrier said. */
const IN_TRANSIT_JOB_STATES = ['IMPORT_JOB_CREATED', 'SHIPPING'] as const;

export interface DeadlineCheckResult {
  readonly checked: number;
  readonly raised: ReadonlyArray<{ readonly jobId: string; readonly alert: DeadlineAlert }>;
}

/**
 * The two-week rule, enforced: checks every delivery package still on its way against its deadline on
 * the service's clock and raises the reminders and the overdue alert as outbox events. Each alert is
 * recorded in shipment_deadline_alert (unique per deadline, kind and step) in the same transaction as
 * its event, so replicas and restarts never raise one twice.
 */
@Injectable()
export class DeadlineMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHIPPING_TRACKER_CONFIG) config: ShippingTrackerConfig,
    @Inject(SHIPPING_TRACKER_LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask('deadline-check', config.DEADLINE_CHECK_INTERVAL_MS, () => this.checkDeadlines(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async checkDeadlines(): Promise<DeadlineCheckResult> {
    const now = this.clock.now();
    const today = calendarDateOf(now);
    const packages = await this.prisma.shipment.findMany({
      where: { direction: 'DELIVERY', deliveredAt: null, shipDate: { not: null }, job: { state: { in: [...IN_TRANSIT_JOB_STATES] } } },
      include: { job: { select: { importJobName: true } } },
    });
    const raised: Array<{ jobId: string; alert: DeadlineAlert }> = [];
    for (const shipment of packages) {
      if (!shipment.shipDate || !shipment.arrivalDeadline || !shipment.trackingNumber) continue;
      const shipDate = calendarDateOf(shipment.shipDate);
      for (const alert of dueDeadlineAlerts(deadlineStanding(shipDate, today))) {
        const facts = {
          jobId: shipment.jobId,
          importJobName: shipment.job.importJobName,
          carrierName: shipment.carrierName,
          trackingNumber: shipment.trackingNumber,
          shipDate,
          arrivalDeadline: calendarDateOf(shipment.arrivalDeadline),
          ...(shipment.carrierStatus ? { carrierStatus: shipment.carrierStatus } : {}),
        };
        const eventId = randomUUID();
        const inserted = await this.prisma.$transaction(async (tx) => {
          const { count } = await tx.shipmentDeadlineAlert.createMany({
            data: [
              {
                shipmentId: shipment.id,
                jobId: shipment.jobId,
                arrivalDeadline: shipment.arrivalDeadline ?? new Date(0),
                kind: alert.kind,
                step: alert.kind === 'REMINDER' ? alert.threshold : 0,
                daysLeft: alert.kind === 'REMINDER' ? alert.daysLeft : -alert.daysOverdue,
                eventId,
                raisedAt: now,
              },
            ],
            skipDuplicates: true,
          });
          if (count === 0) return false;
          if (alert.kind === 'REMINDER') {
            await enqueueEvent(tx, ShippingDeadlineReminder, { ...facts, step: alert.threshold, daysLeft: alert.daysLeft }, { eventId });
          } else {
            await enqueueEvent(tx, ShippingDeadlineOverdue, { ...facts, daysOverdue: alert.daysOverdue }, { eventId });
          }
          return true;
        });
        if (inserted) {
          raised.push({ jobId: shipment.jobId, alert });
          this.logger.info({ jobId: shipment.jobId, alert }, alert.kind === 'OVERDUE' ? 'Delivery package is overdue' : 'Delivery deadline reminder');
        }
      }
    }
    return { checked: packages.length, raised };
  }
}
