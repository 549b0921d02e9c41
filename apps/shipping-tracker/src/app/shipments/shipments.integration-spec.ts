import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';

import { createPrismaClient, type PrismaClient } from '@seedship/db';
import { calendarDateOf } from '@seedship/domain';
import { createTestDatabase, createTestNamespace, eventually, testServices, type NodeServiceProcess, type TestDatabase } from '@seedship/testing';

import { createShippableJob, http, nextDhlWaybill, startShippingTracker } from '../../test-support/shipping-fixtures';

const today = calendarDateOf(new Date());

function deliveryBody(trackingNumber: string, driveCount = 2, carrierName = 'DHL'): Record<string, unknown> {
  return {
    delivery: { carrierName, trackingNumber, driveCount, shipDate: today },
    returnShipping: { carrierName: 'UPS', carrierAccountNumber: 'A1B2C3' },
  };
}

describe('shipping-tracker API (real Postgres and NATS, service in its own process)', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let nats: NatsConnection;
  let namespace: string;
  let service: NodeServiceProcess | undefined;
  let api: string;

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    namespace = createTestNamespace();
    nats = await connect({ servers: natsUrl });
    service = await startShippingTracker({ DATABASE_URL: database.url, NATS_URL: natsUrl, NATS_NAMESPACE: namespace });
    api = `${service.baseUrl}/shipping/jobs`;
  });

  afterAll(async () => {
    await service?.stop();
    await nats?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('lists the jobs waiting for shipment with their drives and the carriers their datacenter takes', async () => {
    const job = await createShippableJob(prisma);
    const awaiting = await http('GET', `${api}?filter=awaiting`);
    expect(awaiting.status).toBe(200);
    const listed = (awaiting.body as unknown as Array<Record<string, unknown>>).find((view) => (view['job'] as { id: string }).id === job.id);
    expect(listed).toMatchObject({
      awaitingShipment: true,
      drives: { count: 2, serialNumbers: [...job.serials].sort() },
      datacenter: { city: 'Amsterdam', supportedCarriers: ['Blue Dart', 'DHL', 'FedEx', 'TNT', 'UPS'] },
      delivery: null,
      deadline: null,
    });
  });

  it('reports every broken rule at once and writes nothing', async () => {
    const job = await createShippableJob(prisma);
    const tomorrowButOne = calendarDateOf(new Date(Date.now() + 3 * 24 * 60 * 60 * 1000));
    const refused = await http('PUT', `${api}/${job.id}`, {
      delivery: { carrierName: 'Pony Express', trackingNumber: 'AB', driveCount: 3, shipDate: tomorrowButOne },
      returnShipping: { carrierName: 'UPS', carrierAccountNumber: '!!' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body['error']).toBe('INVALID_SHIPPING_DETAILS');
    const problems = (refused.body['details'] as { problems: Array<{ field: string; code: string; message: string }> }).problems;
    expect(problems.map((problem) => [problem.field, problem.code])).toEqual([
      ['delivery.carrierName', 'CARRIER_NOT_SUPPORTED'],
      ['delivery.trackingNumber', 'TRACKING_NUMBER_FORMAT'],
      ['delivery.driveCount', 'DRIVE_COUNT_MISMATCH'],
      ['delivery.shipDate', 'SHIP_DATE_IN_FUTURE'],
      ['returnShipping.carrierAccountNumber', 'CARRIER_ACCOUNT_NUMBER_FORMAT'],
    ]);
    expect(problems[0]?.message).toMatch(/use one of Blue Dart, DHL, FedEx, TNT, UPS/);
    expect(problems[2]?.message).toContain(`has 2 drives ready to ship (${[...job.serials].sort().join(', ')}), not 3`);

    const badCheckDigit = await http('PUT', `${api}/${job.id}`, deliveryBody('1Z5R89390357567128', 2, 'UPS'));
    expect(badCheckDigit.status).toBe(422);
    expect(String(badCheckDigit.body['message'])).toMatch(/fails its check digit/);

    expect(await prisma.shipment.count({ where: { jobId: job.id } })).toBe(0);
    expect(await prisma.outboxEvent.count()).toBe(0);
    expect(await prisma.drive.count({ where: { jobId: job.id, state: 'SHIPPED' } })).toBe(0);
  });

  it('refuses jobs without an Azure job or without a known datacenter, saying why', async () => {
    const staged = await createShippableJob(prisma, { state: 'STAGED' });
    const early = await http('PUT', `${api}/${staged.id}`, deliveryBody(nextDhlWaybill()));
    expect([early.status, early.body['error']]).toEqual([409, 'WRONG_STATE']);
    expect(String(early.body['message'])).toMatch(/is STAGED; shipping can be recorded only once its Azure import job exists/);

    const noDatacenter = await createShippableJob(prisma, { datacenterAddress: null });
    const unknown = await http('PUT', `${api}/${noDatacenter.id}`, deliveryBody(nextDhlWaybill()));
    expect([unknown.status, unknown.body['error']]).toEqual([409, 'DATACENTER_UNKNOWN']);

    const missing = await http('GET', `${api}/00000000-0000-0000-0000-000000000000`);
    expect([missing.status, missing.body['error']]).toEqual([404, 'JOB_NOT_FOUND']);
  });

  it('records the package: rows, drives shipped, timeline, and shipping.package.updated.v1 on NATS for the orchestrator', async () => {
    const job = await createShippableJob(prisma);
    const seen: Array<Record<string, unknown>> = [];
    const subscription = nats.subscribe(`${namespace}.shipping.package.updated.v1`, { callback: (_error, message) => seen.push(message.json()) });
    const trackingNumber = nextDhlWaybill();

    const dryRun = await http('PUT', `${api}/${job.id}?dryRun=true`, deliveryBody(trackingNumber.replace(/(\d{4})(\d{3})/, '$1 $2')));
    expect([dryRun.status, dryRun.body['dryRun'], dryRun.body['changed']]).toEqual([200, true, false]);
    expect(await prisma.shipment.count({ where: { jobId: job.id } })).toBe(0);

    const recorded = await http('PUT', `${api}/${job.id}`, deliveryBody(trackingNumber.replace(/(\d{4})(\d{3})/, '$1 $2')));
    expect(recorded.status).toBe(200);
    expect(recorded.body['changed']).toBe(true);
    const view = recorded.body['view'] as Record<string, unknown>;
    expect(view).toMatchObject({
      awaitingShipment: false,
      delivery: { carrierName: 'DHL', trackingNumber, driveCount: 2, shipDate: today, version: 0, recordedBy: 'user:test-operator' },
      returnShipping: { carrierName: 'UPS', carrierAccountNumber: 'A1B2C3' },
      deadline: { standing: 'ON_TRACK', daysLeft: 14, summary: '14 days left' },
      record: { table: 'shipment', path: `/shipping/jobs/${job.id}` },
    });
    expect(await prisma.drive.count({ where: { jobId: job.id, state: 'SHIPPED' } })).toBe(2);
    expect((await prisma.jobTimelineEntry.findMany({ where: { jobId: job.id } })).map((entry) => entry.action).sort()).toEqual([
      'shipping-delivery-recorded',
      'shipping-return-recorded',
    ]);

    await eventually(() => expect(seen.filter((event) => event['jobId'] === job.id)).toHaveLength(2), { description: 'both shipping events on NATS' });
    expect(seen.find((event) => event['direction'] === 'DELIVERY')).toEqual({
      jobId: job.id,
      direction: 'DELIVERY',
      carrierName: 'DHL',
      trackingNumber,
      driveCount: 2,
      shipDate: today,
      arrivalDeadline: (view['deadline'] as { arrivalDeadline: string }).arrivalDeadline,
      version: 0,
      actor: 'user:test-operator',
    });
    expect(seen.find((event) => event['direction'] === 'RETURN')).toMatchObject({ carrierName: 'UPS', carrierAccountNumber: 'A1B2C3', version: 0 });

    // The same details again change nothing and announce nothing.
    const again = await http('PUT', `${api}/${job.id}`, deliveryBody(trackingNumber));
    expect([again.status, again.body['changed']]).toEqual([200, false]);
    expect(await prisma.outboxEvent.count({ where: { payload: { path: ['jobId'], equals: job.id } } })).toBe(2);

    // A correction bumps the version, so the orchestrator can tell it from a stale event.
    const corrected = nextDhlWaybill();
    const correction = await http('PUT', `${api}/${job.id}`, { delivery: { carrierName: 'dhl', trackingNumber: corrected, driveCount: 2, shipDate: today } });
    expect(correction.status).toBe(200);
    expect((correction.body['view'] as { delivery: unknown }).delivery).toMatchObject({ trackingNumber: corrected, version: 1 });
    await eventually(() => expect(seen.some((event) => event['trackingNumber'] === corrected && event['version'] === 1)).toBe(true));
    subscription.unsubscribe();
  });

  it('refuses a tracking number another job already has', async () => {
    const first = await createShippableJob(prisma);
    const second = await createShippableJob(prisma);
    const trackingNumber = nextDhlWaybill();
    expect((await http('PUT', `${api}/${first.id}`, deliveryBody(trackingNumber))).status).toBe(200);
    const duplicate = await http('PUT', `${api}/${second.id}`, deliveryBody(trackingNumber));
    expect([duplicate.status, duplicate.body['error']]).toEqual([409, 'TRACKING_NUMBER_TAKEN']);
    expect(String(duplicate.body['message'])).toContain(`already recorded for job ${first.importJobName}`);
    expect(await prisma.shipment.count({ where: { jobId: second.id } })).toBe(0);
  });

  it('lets exactly one of many concurrent requests for different jobs have the same tracking number', async () => {
    const jobs = await Promise.all(Array.from({ length: 8 }, () => createShippableJob(prisma)));
    const trackingNumber = nextDhlWaybill();
    const started = performance.now();
    const results = await Promise.all(jobs.map((job) => http('PUT', `${api}/${job.id}`, deliveryBody(trackingNumber))));
    const elapsedMs = performance.now() - started;
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    for (const result of results.filter((candidate) => candidate.status === 409)) {
      expect(['TRACKING_NUMBER_TAKEN', 'CONCURRENT_UPDATE']).toContain(result.body['error']);
    }
    expect(await prisma.shipment.count({ where: { trackingNumber } })).toBe(1);
    const winner = await prisma.shipment.findUniqueOrThrow({ where: { trackingNumber } });
    // Only the winner's drives left in a package, and only its events were written.
    expect(await prisma.drive.count({ where: { jobId: { in: jobs.map((job) => job.id) }, state: 'SHIPPED' } })).toBe(2);
    expect(await prisma.outboxEvent.count({ where: { payload: { path: ['trackingNumber'], equals: trackingNumber } } })).toBe(1);
    expect(jobs.map((job) => job.id)).toContain(winner.jobId);
    // How many losers got past the service's check and were stopped by the index itself (varies by run).
    const decidedByIndex = (service?.logs() ?? []).filter((line) => line.includes(trackingNumber) && line.includes('The unique index refused')).length;
    process.stdout.write(`8 concurrent PUTs with one tracking number: ${elapsedMs.toFixed(0)} ms, ${decidedByIndex} of 7 refusals decided by the unique index\n`);
  });

  it('is held by the database itself: a second transaction inserting the same tracking number fails on the unique index', async () => {
    const [first, second] = await Promise.all([createShippableJob(prisma), createShippableJob(prisma)]);
    const trackingNumber = nextDhlWaybill();
    const insert = `INSERT INTO shipment (id, job_id, direction, carrier_name, tracking_number, drive_count, ship_date, arrival_deadline, updated_at)
      VALUES (gen_random_uuid(), $1, 'DELIVERY', 'DHL', $2, 2, CURRENT_DATE, CURRENT_DATE + 14, now())`;
    const a = new Client({ connectionString: database.url });
    const b = new Client({ connectionString: database.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query(insert, [first?.id, trackingNumber]);
      // b waits on a's uncommitted row, then fails the moment a commits.
      const blocked = b.query(insert, [second?.id, trackingNumber]).then(
        () => 'inserted',
        (error: { code?: string; constraint?: string }) => `${error.code}:${error.constraint}`,
      );
      await a.query('COMMIT');
      expect(await blocked).toBe('23505:shipment_tracking_number_key');
      await b.query('ROLLBACK');
      // And a delivery package without its deadline is refused by the CHECK constraint.
      await expect(
        b.query(`INSERT INTO shipment (id, job_id, direction, carrier_name, tracking_number, drive_count, ship_date, arrival_deadline, updated_at)
          VALUES (gen_random_uuid(), $1, 'DELIVERY', 'DHL', $2, 2, CURRENT_DATE, CURRENT_DATE + 20, now())`, [second?.id, nextDhlWaybill()]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'shipment_delivery_complete' });
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    expect(await prisma.shipment.count({ where: { trackingNumber } })).toBe(1);
  });
});
