import { randomUUID } from 'node:crypto';

import { type Msg, type Subscription } from 'nats';

import { SeedingJobStateChanged, type SeedingJobStateChangedPayload } from '@seedship/contracts';
import { captureLogger, createTestNamespace, eventually, testServices } from '@seedship/testing';

import { DEAD_LETTER_HEADER_NAMES, type EventContext, JetStreamBus } from './jetstream-bus';

describe('JetStream consumers', () => {
  const { logger, records } = captureLogger('consumer-test');
  let bus: JetStreamBus;
  let deadLetters: Msg[];
  let deadLetterSubscription: Subscription;

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    bus = await JetStreamBus.connect({ servers: natsUrl, name: 'consumer-test', namespace: createTestNamespace(), logger });
    await bus.ensureStreams();
    deadLetters = [];
    deadLetterSubscription = bus.connection.subscribe(bus.namespace.subject('deadletter.>'), {
      callback: (error, message) => {
        if (!error) deadLetters.push(message);
      },
    });
  });

  afterAll(async () => {
    deadLetterSubscription?.unsubscribe();
    await bus?.close();
  });

  const event = (): SeedingJobStateChangedPayload => ({
    jobId: randomUUID(),
    from: 'STAGED',
    to: 'AWAITING_DRIVES',
    actor: 'system:test',
  });

  it('redelivers a failing message with backoff, then parks it on the dead-letter subject', async () => {
    const attempts: EventContext[] = [];
    const consumer = await bus.subscribe({
      durable: 'always-fails',
      contracts: [SeedingJobStateChanged],
      maxDeliver: 3,
      backoffMs: [20, 40],
      handler: (_payload, context) => {
        attempts.push(context);
        return Promise.reject(new Error('the drive went away'));
      },
    });
    const { eventId } = await bus.publish(SeedingJobStateChanged, event());

    await eventually(() => deadLetters.length === 1, { description: 'the dead letter' });
    await consumer.stop();
    expect(attempts.map((attempt) => [attempt.eventId, attempt.deliveryCount])).toEqual([
      [eventId, 1],
      [eventId, 2],
      [eventId, 3],
    ]);
    const [parked] = deadLetters;
    expect(parked?.subject).toBe(bus.namespace.subject('deadletter.always-fails.seeding.job.state-changed.v1'));
    expect(parked?.headers?.get(DEAD_LETTER_HEADER_NAMES.reason)).toBe('the drive went away');
    expect(parked?.headers?.get(DEAD_LETTER_HEADER_NAMES.deliveries)).toBe('3');
    expect(parked?.headers?.get('Seedship-Event-Id')).toBe(eventId);
  });

  it('rejects a malformed payload naming the field, and keeps consuming', async () => {
    const handled: SeedingJobStateChangedPayload[] = [];
    deadLetters.length = 0;
    const consumer = await bus.subscribe({
      durable: 'validates',
      contracts: [SeedingJobStateChanged],
      handler: (payload) => {
        handled.push(payload);
        return Promise.resolve();
      },
    });
    const malformed = { ...event(), jobId: 'not-a-uuid' };
    await bus.publishRaw(SeedingJobStateChanged.subject, JSON.stringify(malformed));
    const valid = event();
    await bus.publish(SeedingJobStateChanged, valid);

    // A new durable starts from the stream's beginning, so it also sees the earlier test's event.
    const ours = () => handled.filter((payload) => payload.jobId === valid.jobId || payload.jobId === malformed.jobId);
    const ourDeadLetters = () => deadLetters.filter((message) => message.subject.endsWith('deadletter.validates.seeding.job.state-changed.v1'));
    await eventually(() => ours().length === 1 && ourDeadLetters().length === 1, { description: 'both messages' });
    await consumer.stop();
    expect(ours()).toEqual([valid]);
    const rejection = records().find((record) => String(record['msg']).startsWith('Rejected message'));
    expect(rejection?.['level']).toBe(50);
    expect(String(rejection?.['msg'])).toContain('jobId:');
    expect(ourDeadLetters()[0]?.headers?.get(DEAD_LETTER_HEADER_NAMES.reason)).toContain('jobId:');
  });

  it('refuses to publish a payload that breaks its contract', async () => {
    await expect(
      bus.publish(SeedingJobStateChanged, { ...event(), to: 'LOST' } as unknown as SeedingJobStateChangedPayload),
    ).rejects.toThrow(/to: /);
  });

  it('watches new events on every process: each watcher sees each message, invalid ones skipped', async () => {
    const before = event();
    await bus.publish(SeedingJobStateChanged, before);
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    const watchA = await bus.watch({ contracts: [SeedingJobStateChanged], handler: (payload) => void seenByA.push(payload.jobId) });
    const watchB = await bus.watch({ contracts: [SeedingJobStateChanged], handler: (payload) => void seenByB.push(payload.jobId) });
    await bus.publishRaw(SeedingJobStateChanged.subject, JSON.stringify({ ...event(), jobId: 'not-a-uuid' }));
    const after = event();
    await bus.publish(SeedingJobStateChanged, after);

    await eventually(() => seenByA.includes(after.jobId) && seenByB.includes(after.jobId), { description: 'both watchers' });
    await watchA.stop();
    await watchB.stop();
    // Only what was published after the watch began, and nothing that broke the contract.
    expect(seenByA).toEqual([after.jobId]);
    expect(seenByB).toEqual([after.jobId]);
    expect(records().some((record) => record['msg'] === 'Skipped a watched message')).toBe(true);
  });
});
