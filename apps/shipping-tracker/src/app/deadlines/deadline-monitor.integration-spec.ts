import { type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect, type NatsConnection } from 'nats';

import { createPrismaClient, type PrismaClient } from '@seedship/db';
import { createLogger } from '@seedship/logging';
import { createTestDatabase, createTestNamespace, eventually, testServices, type TestDatabase } from '@seedship/testing';

import { createShippableJob, http, nextDhlWaybill } from '../../test-support/shipping-fixtures';
import { AppModule } from '../app.module';
import { CarrierStatusPoller } from '../carrier-tracking/carrier-status-poller';
import { SimulatedClock } from '../clock/clock';
import { ShippingTrackerExceptionFilter } from '../common/shipping-tracker-exception.filter';
import { parseShippingTrackerConfig } from '../config/shipping-tracker-env';
import { DeadlineMonitor } from './deadline-monitor';

/**
 * The whole service in this process (real Postgres, NATS, outbox relay) on a simulated clock, so two
 * weeks pass in a moment. The simulated carrier takes 20 days: the package misses its deadline.
 */
describe('the two-week rule on a simulated clock', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let nats: NatsConnection;
  let namespace: string;
  let app: INestApplication;
  let api: string;
  const clock = new SimulatedClock(new Date('2026-12-01T10:00:00Z'));
  const seen: Array<{ subject: string; payload: Record<string, unknown> }> = [];

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    namespace = createTestNamespace();
    nats = await connect({ servers: natsUrl });
    nats.subscribe(`${namespace}.shipping.>`, {
      callback: (_error, message) => seen.push({ subject: message.subject.slice(namespace.length + 1), payload: message.json() }),
    });
    const config = parseShippingTrackerConfig({
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      NATS_NAMESPACE: namespace,
      LOG_LEVEL: 'warn',
      // The test drives the checks itself; the periodic runs only happen once at boot.
      DEADLINE_CHECK_INTERVAL_MS: '3600000',
      CARRIER_POLL_INTERVAL_MS: '3600000',
      CARRIER_TRACKING: 'simulated',
      SIMULATED_CARRIER_TRANSIT_DAYS: '20',
    });
    const logger = createLogger('shipping-tracker-test', { level: 'warn' });
    app = await NestFactory.create(AppModule.forRoot(config, logger, { clock }), { logger: false });
    app.useGlobalFilters(new ShippingTrackerExceptionFilter(logger));
    await app.listen(0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address();
    api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/shipping/jobs`;
  });

  afterAll(async () => {
    await app?.close();
    await nats?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  const eventsOf = (subject: string, jobId: string) => seen.filter((event) => event.subject === subject && event.payload['jobId'] === jobId);

  it('counts the days left, reminds at 7, 3 and 1 days, and raises the overdue alert once, the day after the deadline', async () => {
    const job = await createShippableJob(prisma);
    const trackingNumber = nextDhlWaybill();
    const recorded = await http('PUT', `${api}/${job.id}`, {
      delivery: { carrierName: 'DHL', trackingNumber, driveCount: 2, shipDate: '2026-12-01' },
      returnShipping: { carrierName: 'DHL', carrierAccountNumber: '960000001' },
    });
    expect(recorded.status).toBe(200);
    const monitor = app.get(DeadlineMonitor);
    const carrier = app.get(CarrierStatusPoller);

    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    expect(await http('GET', `${api}/${job.id}`)).toMatchObject({ body: { deadline: { arrivalDeadline: '2026-12-15', daysLeft: 14, summary: '14 days left' } } });

    clock.set(new Date('2026-12-03T09:00:00Z'));
    expect(await carrier.pollCarriers()).toBe(1);
    await eventually(() => expect(eventsOf('shipping.package.carrier-status-changed.v1', job.id).at(-1)?.payload).toMatchObject({ status: 'IN_TRANSIT', trackingNumber }));

    clock.set(new Date('2026-12-08T08:00:00Z'));
    expect((await monitor.checkDeadlines()).raised).toEqual([{ jobId: job.id, alert: { kind: 'REMINDER', threshold: 7, daysLeft: 7 } }]);
    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    await eventually(() =>
      expect(eventsOf('shipping.deadline.reminder.v1', job.id).map((event) => event.payload)).toEqual([
        expect.objectContaining({ step: 7, daysLeft: 7, arrivalDeadline: '2026-12-15', trackingNumber, importJobName: job.importJobName, carrierStatus: 'IN_TRANSIT' }),
      ]),
    );

    // A check that runs late sends only the nearest reminder.
    clock.set(new Date('2026-12-14T08:00:00Z'));
    expect((await monitor.checkDeadlines()).raised).toEqual([{ jobId: job.id, alert: { kind: 'REMINDER', threshold: 1, daysLeft: 1 } }]);

    clock.set(new Date('2026-12-15T23:59:00Z'));
    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    expect(eventsOf('shipping.deadline.overdue.v1', job.id)).toEqual([]);

    clock.set(new Date('2026-12-16T00:30:00Z'));
    expect((await monitor.checkDeadlines()).raised).toEqual([{ jobId: job.id, alert: { kind: 'OVERDUE', daysOverdue: 1 } }]);
    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    await eventually(() =>
      expect(eventsOf('shipping.deadline.overdue.v1', job.id).map((event) => event.payload)).toEqual([
        expect.objectContaining({ daysOverdue: 1, arrivalDeadline: '2026-12-15', shipDate: '2026-12-01', trackingNumber }),
      ]),
    );
    expect(await http('GET', `${api}/${job.id}`)).toMatchObject({ body: { deadline: { standing: 'OVERDUE', daysLeft: -1, summary: 'overdue by 1 day' } } });
    expect(await prisma.shipmentDeadlineAlert.count({ where: { jobId: job.id } })).toBe(3);

    // Delivered on day 20: the carrier says so, and the rule has nothing more to say.
    clock.set(new Date('2026-12-21T15:00:00Z'));
    expect(await carrier.pollCarriers()).toBe(1);
    await eventually(() => expect(eventsOf('shipping.package.carrier-status-changed.v1', job.id).at(-1)?.payload).toMatchObject({ status: 'DELIVERED', deliveredAt: '2026-12-21T14:00:00.000Z' }));
    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    expect(await http('GET', `${api}/${job.id}`)).toMatchObject({ body: { deadline: { standing: 'DELIVERED', summary: 'delivered 2026-12-21, after the deadline' }, delivery: { carrierStatus: 'DELIVERED' } } });
  });

  it('gives a corrected ship date a new deadline and its own reminders', async () => {
    clock.set(new Date('2026-12-21T15:00:00Z'));
    const job = await createShippableJob(prisma);
    const trackingNumber = nextDhlWaybill();
    const record = (shipDate: string) => http('PUT', `${api}/${job.id}`, { delivery: { carrierName: 'DHL', trackingNumber, driveCount: 2, shipDate } });
    expect((await record('2026-12-10')).status).toBe(200);
    const monitor = app.get(DeadlineMonitor);
    expect((await monitor.checkDeadlines()).raised).toEqual([{ jobId: job.id, alert: { kind: 'REMINDER', threshold: 3, daysLeft: 3 } }]);
    expect((await record('2026-12-20')).status).toBe(200);
    expect((await monitor.checkDeadlines()).raised).toEqual([]);
    clock.set(new Date('2026-12-27T15:00:00Z'));
    expect((await monitor.checkDeadlines()).raised).toEqual([{ jobId: job.id, alert: { kind: 'REMINDER', threshold: 7, daysLeft: 7 } }]);
  });
});
