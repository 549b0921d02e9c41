/**
 * A durable consumer in a process of its own, for the outbox integration test. It records each event it
 * applies as a timeline entry (through the inbox, so at most once) and reports every delivery on stdout.
 * With FAIL_FIRST_DELIVERY=1 it throws after applying the effect on the first delivery, which forces a
 * redelivery of an event whose effect is already committed.
 */
import { SeedingJobStateChanged } from '@seedship/contracts';
import { createPrismaClient } from '@seedship/db';
import { createLogger } from '@seedship/logging';

import { JetStreamBus, processOnce } from '@seedship/messaging';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const durable = env('DURABLE');
  const prisma = createPrismaClient(env('DATABASE_URL'));
  const bus = await JetStreamBus.connect({
    servers: env('NATS_URL'),
    name: durable,
    namespace: process.env['NAMESPACE'] ?? '',
    logger: createLogger(durable, { level: 'warn' }),
  });
  const report = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  await bus.subscribe({
    durable,
    contracts: [SeedingJobStateChanged],
    backoffMs: [100],
    handler: async (event, context) => {
      const { applied } = await processOnce(prisma, durable, context.eventId, async (tx) => {
        await tx.jobTimelineEntry.create({
          data: { jobId: event.jobId, actor: `system:${durable}`, action: 'observed-state-change', toState: event.to },
        });
      });
      report({ type: 'delivery', eventId: context.eventId, deliveryCount: context.deliveryCount, applied });
      if (process.env['FAIL_FIRST_DELIVERY'] === '1' && context.deliveryCount === 1) {
        throw new Error('simulated crash after the effect committed, before the ack');
      }
    },
  });
  report({ type: 'ready' });
  const shutdown = async () => {
    await bus.close();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
