import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { STREAMS, SeedingJobStateChanged } from '@seedship/contracts';
import { type PrismaClient, createPrismaClient } from '@seedship/db';
import { JetStreamBus, OutboxRelay, consumerName } from '@seedship/messaging';
import {
  type NatsServerProcess,
  type TestDatabase,
  WORKSPACE_ROOT,
  captureLogger,
  createTestDatabase,
  sampleJobData,
  eventually,
  startNatsServerProcess,
} from '@seedship/testing';

import { transitionJob } from './transition-job';

interface Delivery {
  type: 'delivery';
  eventId: string;
  deliveryCount: number;
  applied: boolean;
}

describe('transactional outbox, end to end', () => {
  const durable = 'outbox-test-consumer';
  let database: TestDatabase;
  let nats: NatsServerProcess;
  let prisma: PrismaClient;
  let bus: JetStreamBus;
  let relay: OutboxRelay;
  let consumer: ChildProcess;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    nats = await startNatsServerProcess();
    prisma = createPrismaClient(database.url);
    bus = await JetStreamBus.connect({ servers: nats.url, name: 'relay', logger: captureLogger('relay').logger });
    await bus.ensureStreams();
    relay = new OutboxRelay(prisma, bus, captureLogger('relay').logger, {
      idleIntervalMs: 50,
      maxBackoffMs: 300,
      publishTimeoutMs: 500,
    });
    relay.start();
    consumer = spawnConsumer({ NATS_URL: nats.url, DATABASE_URL: database.url, DURABLE: durable, FAIL_FIRST_DELIVERY: '1' });
    let ready = false;
    if (!consumer.stdout) throw new Error('the consumer process has no stdout pipe');
    createInterface({ input: consumer.stdout }).on('line', (line) => {
      // The process's own log lines share stdout; only its reports carry a type.
      const message = JSON.parse(line) as Delivery | { type: 'ready' } | { type?: undefined };
      if (message.type === 'ready') ready = true;
      else if (message.type === 'delivery') deliveries.push(message);
    });
    await eventually(() => ready || consumer.exitCode !== null, { timeoutMs: 60_000, description: 'the consumer process' });
    expect(consumer.exitCode).toBeNull();
  });

  afterAll(async () => {
    await relay?.stop();
    consumer?.kill('SIGTERM');
    await bus?.close();
    await prisma?.$disconnect();
    await nats?.destroy();
    await database?.drop();
  });

  it('delivers a state change written while NATS was down exactly once, after NATS returns', async () => {
    const job = await prisma.seedingJob.create({ data: sampleJobData('outbox-e2e') });

    await nats.stop();
    const { eventId } = await prisma.$transaction((tx) =>
      transitionJob(tx, { jobId: job.id, to: 'STAGING', actor: 'system:test' }),
    );

    // Committed together: the new state and its event, which the relay cannot publish yet.
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.id } })).state).toBe('STAGING');
    await eventually(
      async () => {
        const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { eventId } });
        expect(row.publishedAt).toBeNull();
        expect(row.attempts).toBeGreaterThanOrEqual(1);
        expect(row.lastError).toBeTruthy();
      },
      { description: 'a failed publish attempt to be recorded' },
    );

    await nats.start();

    // The consumer applies the effect, fails before acking, gets the event again and changes nothing.
    await eventually(() => deliveries.filter((d) => d.eventId === eventId).length >= 2, {
      timeoutMs: 60_000,
      description: 'the event and its redelivery to reach the consumer process',
    });
    const ofEvent = deliveries.filter((d) => d.eventId === eventId);
    expect(ofEvent.slice(0, 2).map(({ deliveryCount, applied }) => ({ deliveryCount, applied }))).toEqual([
      { deliveryCount: 1, applied: true },
      { deliveryCount: 2, applied: false },
    ]);
    await expect(
      prisma.jobTimelineEntry.count({ where: { jobId: job.id, action: 'observed-state-change' } }),
    ).resolves.toBe(1);

    // A relay that publishes the same event again (a crash before marking it) adds nothing to the stream.
    await eventually(async () =>
      expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { eventId } })).publishedAt).not.toBeNull(),
    );
    await prisma.outboxEvent.update({ where: { eventId }, data: { publishedAt: null } });
    relay.wake();
    await eventually(async () =>
      expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { eventId } })).publishedAt).not.toBeNull(),
    );
    const jsm = await bus.connection.jetstreamManager();
    const stream = await jsm.streams.info(STREAMS.events.name);
    expect(stream.state.messages).toBe(1);
    await eventually(async () => {
      const info = await jsm.consumers.info(STREAMS.events.name, consumerName(durable, SeedingJobStateChanged.subject));
      expect([info.num_pending, info.num_ack_pending, info.delivered.stream_seq]).toEqual([0, 0, 1]);
    });
    expect(deliveries.filter((d) => d.eventId === eventId)).toHaveLength(2);
  });

  it('rolls the event back with the state change when the transaction fails', async () => {
    const job = await prisma.seedingJob.create({ data: sampleJobData('outbox-rollback') });
    const before = await prisma.outboxEvent.count();
    await expect(
      prisma.$transaction(async (tx) => {
        await transitionJob(tx, { jobId: job.id, to: 'STAGING', actor: 'system:test' });
        throw new Error('the staging volume vanished');
      }),
    ).rejects.toThrow('the staging volume vanished');
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.id } })).state).toBe('DRAFT');
    await expect(prisma.outboxEvent.count()).resolves.toBe(before);
    await expect(prisma.jobTimelineEntry.count({ where: { jobId: job.id } })).resolves.toBe(0);
  });
});

function spawnConsumer(env: Record<string, string>): ChildProcess {
  const script = path.join(__dirname, '../test-support/consumer-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: WORKSPACE_ROOT,
    // tsx resolves the @seedship/* paths from the workspace's base tsconfig.
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(WORKSPACE_ROOT, 'tsconfig.base.json'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}
