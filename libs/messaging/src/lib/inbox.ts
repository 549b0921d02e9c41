import { type Prisma, type PrismaClient } from '@seedship/db';

/**
 * Applies an event's effect at most once per consumer: the processed-event row and the effect commit in
 * one transaction, so a redelivered event (after a crash, a nak, or a duplicate publish) changes nothing.
 * Concurrent deliveries of the same event serialize on the row's unique key.
 */
export async function processOnce(
  prisma: PrismaClient,
  consumer: string,
  eventId: string,
  effect: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<{ applied: boolean }> {
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO processed_event (consumer, event_id) VALUES (${consumer}, ${eventId}::uuid)
      ON CONFLICT DO NOTHING`;
    if (inserted === 0) return { applied: false };
    await effect(tx);
    return { applied: true };
  });
}
