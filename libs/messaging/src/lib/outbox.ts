import { randomUUID } from 'node:crypto';

import { type MessageContract, type PayloadOf, parsePayload } from '@seedship/contracts';
import { type Prisma, type PrismaClient } from '@seedship/db';
import { type Logger } from '@seedship/logging';

import { type JetStreamBus } from './jetstream-bus';

/**
 * Writes an event into the outbox inside the caller's transaction, so the state change and the event
 * that announces it commit or roll back together. Returns the event id consumers deduplicate on.
 */
export async function enqueueEvent<C extends MessageContract>(
  tx: Prisma.TransactionClient,
  contract: C,
  payload: PayloadOf<C>,
  options: { eventId?: string } = {},
): Promise<string> {
  const valid = parsePayload(contract, payload) as Prisma.InputJsonValue;
  const eventId = options.eventId ?? randomUUID();
  await tx.outboxEvent.create({ data: { eventId, subject: contract.subject, payload: valid } });
  return eventId;
}

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Poll interval while the outbox is empty. */
  idleIntervalMs?: number;
  /** Ceiling of the retry backoff while NATS cannot be reached. */
  maxBackoffMs?: number;
  publishTimeoutMs?: number;
}

interface PendingRow {
  position: bigint;
  eventId: string;
  subject: string;
  payload: unknown;
  createdAt: Date;
}

export interface RelayBatchResult {
  published: number;
  /** The event that could not be published, which stopped the batch to keep order. */
  failed?: { eventId: string; error: string };
}

/**
 * Publishes committed outbox events to JetStream in order. Several relays may run (one per replica):
 * rows are claimed with FOR UPDATE SKIP LOCKED, and JetStream drops repeats of an event id, so a crash
 * between publish and marking never delivers an event twice into the stream.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: JetStreamBus,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  async publishPending(): Promise<RelayBatchResult> {
    const batchSize = this.options.batchSize ?? 100;
    const timeoutMs = this.options.publishTimeoutMs ?? 5000;
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<PendingRow[]>`
          SELECT position, event_id::text AS "eventId", subject, payload, created_at AS "createdAt"
          FROM outbox_event
          WHERE published_at IS NULL
          ORDER BY position
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        let published = 0;
        for (const row of rows) {
          try {
            await this.bus.publishRaw(row.subject, JSON.stringify(row.payload), {
              eventId: row.eventId,
              occurredAt: row.createdAt,
              timeoutMs,
            });
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            await tx.$executeRaw`
              UPDATE outbox_event SET attempts = attempts + 1, last_error = ${message} WHERE position = ${row.position}`;
            return { published, failed: { eventId: row.eventId, error: message } };
          }
          await tx.$executeRaw`
            UPDATE outbox_event SET published_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE position = ${row.position}`;
          published += 1;
        }
        return { published };
      },
      { timeout: (batchSize + 1) * timeoutMs + 10_000, maxWait: 10_000 },
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publish soon rather than at the next poll (after a local write). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const idle = this.options.idleIntervalMs ?? 250;
    const maxBackoff = this.options.maxBackoffMs ?? 5000;
    let backoff = idle;
    while (this.running) {
      let delay = idle;
      try {
        const result = await this.publishPending();
        if (result.failed) {
          backoff = Math.min(backoff * 2, maxBackoff);
          delay = backoff;
          this.logger.warn({ eventId: result.failed.eventId, retryInMs: delay }, `Outbox publish failed: ${result.failed.error}`);
        } else {
          backoff = idle;
          if (result.published > 0) delay = 0;
        }
      } catch (error) {
        backoff = Math.min(backoff * 2, maxBackoff);
        delay = backoff;
        this.logger.error({ err: error, retryInMs: delay }, 'Outbox relay could not read the outbox');
      }
      if (delay > 0 && this.running) await this.pause(delay);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
