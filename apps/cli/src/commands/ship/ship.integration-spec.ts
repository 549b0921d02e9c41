import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createPrismaClient, type PrismaClient } from '@seedship/db';
import { arrivalDeadline, calendarDateOf } from '@seedship/domain';
import { createTestDatabase, createTestNamespace, startNodeService, testServices, type NodeServiceProcess, type TestDatabase } from '@seedship/testing';

import { createJobAwaitingShipment, nextDhlWaybill } from '../../test-support/cli-fixtures';
import { runSeedship, runSeedshipInPty, type PtyStep } from '../../test-support/cli-session';

const today = calendarDateOf(new Date());

/** The whole interactive flow, with a wrong answer to each of the first two questions. */
function answers(trackingNumber: string, confirm: string): PtyStep[] {
  return [
    { expect: 'Carrier (Blue Dart, DHL, FedEx, TNT, UPS): ', send: 'Pony Express' },
    { expect: 'Pony Express is not a carrier this datacenter accepts; choose one of Blue Dart, DHL, FedEx, TNT, UPS.', send: 'ups' },
    { expect: 'UPS tracking number: ', send: '1Z5R89390357567128' },
    { expect: 'fails its check digit', send: trackingNumber },
    { expect: 'Number of drives in the package [2]: ', send: '' },
    { expect: `Ship date (YYYY-MM-DD) [${today}]: `, send: '' },
    { expect: 'Return carrier (Azure ships the drives back with it) [UPS]: ', send: 'fedex' },
    { expect: 'Your FedEx account number for the return: ', send: '1234-56789' },
    { expect: 'Type yes to commit, anything else to cancel: ', send: confirm },
  ];
}

describe('seedship ship (the CLI against the real shipping-tracker, Postgres and NATS)', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let service: NodeServiceProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    service = await startNodeService({
      entry: 'apps/shipping-tracker/src/main.ts',
      listeningMessage: 'shipping-tracker listening',
      env: { DATABASE_URL: database.url, NATS_URL: natsUrl, NATS_NAMESPACE: createTestNamespace() },
    });
    env = { SEEDSHIP_API_URL: service.baseUrl, SEEDSHIP_USER: 'pty-operator' };
  });

  afterAll(async () => {
    await service?.stop();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('asks for each field, explains wrong answers, shows the review, and changes nothing on "no"', async () => {
    const job = await createJobAwaitingShipment(prisma, 'seed-pty-no');
    const run = runSeedshipInPty(['ship', 'update'], env, answers('1Z5R89390357567127', 'no'));
    expect(run.failedStep).toBeNull();
    expect(run.transcript).toContain('One job is waiting for shipment: seed-pty-no.');
    expect(run.transcript).toContain(`Drives for the package (2): ${job.serials.join(', ')}`);
    expect(run.transcript).toContain('Ship to the westeurope datacenter:\n  Microsoft Azure Import/Export Service (simulated)');
    expect(run.transcript).toMatch(/Review the shipping details:\n {2}Job: +seed-pty-no/);
    expect(run.transcript).toMatch(/Tracking number: +1Z5R89390357567127/);
    expect(run.transcript).toMatch(/Must arrive by: +\d{4}-\d{2}-\d{2}/);
    expect(run.transcript).toMatch(/Return carrier account: +123456789/);
    expect(run.transcript).toContain('Not committed; nothing was changed.');
    expect(run.exitCode).toBe(1);
    expect(await prisma.shipment.count({ where: { jobId: job.id } })).toBe(0);
    expect(await prisma.outboxEvent.count()).toBe(0);
    expect(await prisma.drive.count({ where: { jobId: job.id, state: 'READY' } })).toBe(2);
  });

  it('commits on "yes" and says where the record is kept', async () => {
    const job = await prisma.seedingJob.findUniqueOrThrow({ where: { importJobName: 'seed-pty-no' } });
    const run = runSeedshipInPty(['ship', 'update'], env, answers('1Z5R89390357567127', 'yes'));
    expect(run.failedStep).toBeNull();
    expect(run.exitCode).toBe(0);
    const rows = await prisma.shipment.findMany({ where: { jobId: job.id }, orderBy: { direction: 'asc' } });
    expect(rows.map((row) => [row.direction, row.carrierName, row.trackingNumber, row.carrierAccountNumber, row.driveCount, row.recordedBy])).toEqual([
      ['DELIVERY', 'UPS', '1Z5R89390357567127', null, 2, 'user:pty-operator'],
      ['RETURN', 'FedEx', null, '123456789', null, 'user:pty-operator'],
    ]);
    expect(run.transcript).toContain('Committed.');
    expect(run.transcript).toContain(
      `The record is kept in the Seedship database (table shipment, rows ${rows.map((row) => row.id).join(', ')}) and served at ${env['SEEDSHIP_API_URL'] ?? ''}/shipping/jobs/${job.id}.`,
    );
    expect(run.transcript).toContain(`The drives must arrive by ${arrivalDeadline(today)} (14 days left).`);
    expect((await prisma.outboxEvent.findMany()).map((event) => event.subject).sort()).toEqual(['shipping.package.updated.v1', 'shipping.package.updated.v1']);
  });

  it('offers what is recorded as the defaults when correcting, and changes nothing when nothing differs', async () => {
    const before = await prisma.outboxEvent.count();
    const run = runSeedshipInPty(['ship', 'update', '--job', 'seed-pty-no'], env, [
      { expect: 'Carrier (Blue Dart, DHL, FedEx, TNT, UPS) [UPS]: ', send: '' },
      { expect: 'UPS tracking number [1Z5R89390357567127]: ', send: '' },
      { expect: 'Number of drives in the package [2]: ', send: '' },
      { expect: `Ship date (YYYY-MM-DD) [${today}]: `, send: '' },
      { expect: '[FedEx]: ', send: '' },
      { expect: 'account number for the return [123456789]: ', send: '' },
      { expect: 'Type yes to commit', send: 'yes' },
    ]);
    expect(run.failedStep).toBeNull();
    expect(run.transcript).toContain(`This replaces the recorded package (UPS 1Z5R89390357567127, shipped ${today}).`);
    expect(run.transcript).toContain('These details were already recorded; nothing changed.');
    expect(run.exitCode).toBe(0);
    expect(await prisma.outboxEvent.count()).toBe(before);
  });

  it('lets the person pick among several waiting jobs and asks again for a tracking number another job has', async () => {
    await createJobAwaitingShipment(prisma, 'seed-pick-a');
    const chosen = await createJobAwaitingShipment(prisma, 'seed-pick-b');
    const fresh = '1Z879E930346834440';
    const run = runSeedshipInPty(['ship', 'update'], env, [
      { expect: 'Which job? (1-2): ', send: '3' },
      { expect: 'type a number from 1 to 2', send: 'seed-pick-b' },
      { expect: 'Carrier (', send: 'UPS' },
      // seed-pty-no already shipped under this number: only the API knows, and the CLI asks again.
      { expect: 'UPS tracking number: ', send: '1Z5R89390357567127' },
      { expect: 'Number of drives in the package [2]: ', send: '2' },
      { expect: 'Ship date (YYYY-MM-DD)', send: today },
      { expect: 'Return carrier', send: '' },
      { expect: 'account number for the return: ', send: 'A1B2C3' },
      { expect: 'UPS tracking number: ', send: fresh },
      { expect: 'Type yes to commit', send: 'YES' },
    ]);
    expect(run.failedStep).toBeNull();
    expect(run.transcript).toMatch(/#\s+JOB\s+DRIVES\s+DATACENTER/);
    expect(run.transcript).toMatch(/✗ tracking-number: Tracking number 1Z5R89390357567127 is already recorded for job seed-pty-no .*\nAnswer those again:\nUPS tracking number: /);
    expect(run.exitCode).toBe(0);
    expect(await prisma.shipment.findFirst({ where: { jobId: chosen.id, direction: 'DELIVERY' } })).toMatchObject({ carrierName: 'UPS', trackingNumber: fresh });
  });

  it('cancels without change when input ends (Ctrl-D) before the questions are answered', async () => {
    const job = await createJobAwaitingShipment(prisma, 'seed-ctrl-d');
    const run = runSeedshipInPty(['ship', 'update', '--job', 'seed-ctrl-d'], env, [
      { expect: 'Carrier (', send: 'DHL' },
      { expect: 'DHL tracking number: ', send: null },
    ]);
    expect(run.failedStep).toBeNull();
    expect(run.transcript).toContain('Input ended before every question was answered; nothing was changed.');
    expect(run.exitCode).toBe(1);
    expect(await prisma.shipment.count({ where: { jobId: job.id } })).toBe(0);
  });

  it('takes every field as a flag for scripts, refuses to guess, and prints JSON with --json', async () => {
    const job = await createJobAwaitingShipment(prisma, 'seed-script');
    const trackingNumber = nextDhlWaybill();
    const flags = ['--job', 'seed-script', '--carrier', 'DHL', '--tracking-number', trackingNumber, '--drives', '2', '--ship-date', today, '--return-carrier', 'DHL', '--return-account', '960000001'];

    const noReview = await runSeedship(['ship', 'update', ...flags], env);
    expect(noReview.exitCode).toBe(2);
    expect(noReview.stderr).toContain('Standard input is not a terminal, so the details cannot be reviewed; pass every field as a flag and --yes');

    const missing = await runSeedship(['ship', 'update', '--job', 'seed-script', '--carrier', 'DHL', '--yes'], env);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('Missing --tracking-number, --drives, --ship-date, --return-carrier, --return-account; with --yes every field must be given as a flag.');

    const badDrives = await runSeedship(['ship', 'update', ...flags.slice(0, 6), '--drives', '3', ...flags.slice(8), '--yes'], env);
    expect(badDrives.exitCode).toBe(2);
    expect(badDrives.stderr).toContain('--drives "3": this job has 2 drives ready to ship');
    expect(await prisma.shipment.count({ where: { jobId: job.id } })).toBe(0);

    const committed = await runSeedship(['ship', 'update', ...flags, '--yes', '--json'], env);
    expect(committed.stderr).toContain('Committed.');
    expect(committed.exitCode).toBe(0);
    const result = JSON.parse(committed.stdout) as { changed: boolean; view: { delivery: { trackingNumber: string }; deadline: { daysLeft: number } } };
    expect(result).toMatchObject({ changed: true, view: { delivery: { trackingNumber }, deadline: { daysLeft: 14 } } });

    const unreachable = await runSeedship(['ship', 'status', '--api', 'http://127.0.0.1:9'], env);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach the Seedship API at http:\/\/127\.0\.0\.1:9 .*check --api or SEEDSHIP_API_URL/);
  });

  it("shows each job's package, carrier status and deadline as a table, and as JSON for scripts", async () => {
    const table = await runSeedship(['ship', 'status'], env);
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^JOB\s+STATE\s+CARRIER\s+TRACKING NUMBER\s+DRIVES\s+SHIPPED\s+CARRIER STATUS\s+ARRIVE BY\s+DEADLINE$/);
    expect(lines.find((line) => line.startsWith('seed-pty-no'))).toMatch(
      new RegExp(`^seed-pty-no\\s+IMPORT_JOB_CREATED\\s+UPS\\s+1Z5R89390357567127\\s+2\\s+${today}\\s+no news yet\\s+${arrivalDeadline(today)}\\s+14 days left$`),
    );
    expect(lines.find((line) => line.startsWith('seed-pick-a'))).toMatch(/^seed-pick-a\s+IMPORT_JOB_CREATED\s+-\s+-\s+2\s+-\s+-\s+-\s+waiting for shipment$/);

    const json = await runSeedship(['ship', 'status', '--json', '--job', 'seed-script'], env);
    expect(json.exitCode).toBe(0);
    const jobs = JSON.parse(json.stdout) as Array<{ job: { importJobName: string }; deadline: { summary: string } }>;
    expect(jobs.map((job) => [job.job.importJobName, job.deadline.summary])).toEqual([['seed-script', '14 days left']]);
  });
});
