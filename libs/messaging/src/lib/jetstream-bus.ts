import { randomUUID } from 'node:crypto';

import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type MsgHdrs,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
  connect,
  headers as createHeaders,
  nanos,
} from 'nats';

import {
  type MessageContract,
  PayloadValidationError,
  type PayloadOf,
  STREAMS,
  deadLetterSubject,
  parsePayload,
} from '@seedship/contracts';
import { type Logger } from '@seedship/logging';

import { SubjectNamespace } from './namespace';

export const EVENT_ID_HEADER = 'Seedship-Event-Id';
export const OCCURRED_AT_HEADER = 'Seedship-Occurred-At';
const DEAD_LETTER_HEADERS = {
  reason: 'Seedship-Dead-Letter-Reason',
  consumer: 'Seedship-Dead-Letter-Consumer',
  subject: 'Seedship-Original-Subject',
  deliveries: 'Seedship-Deliveries',
} as const;

/** How long JetStream remembers message ids to drop duplicates from a retrying outbox relay. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export interface BusOptions {
  servers: string | string[];
  /** Connection name shown by the server, normally the service name. */
  name: string;
  namespace?: string;
  logger: Logger;
}

export interface EventContext {
  readonly eventId: string;
  readonly subject: string;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  readonly occurredAt?: string;
}

export interface ConsumerOptions<C extends MessageContract> {
  /** Durable consumer name: survives restarts; one per consuming service and purpose. */
  durable: string;
  contracts: readonly C[];
  handler: (payload: PayloadOf<C>, context: EventContext) => Promise<void>;
  /** Deliveries before a failing message goes to the dead-letter subject. */
  maxDeliver?: number;
  /** Delay before redelivery after the n-th failure; the last entry repeats. */
  backoffMs?: readonly number[];
  /** How long a handler may run before JetStream assumes it died and redelivers. */
  ackWaitMs?: number;
}

export interface WatchOptions<C extends MessageContract> {
  /** Subjects to pass on; every other message of the stream is skipped. */
  contracts: readonly C[];
  /** Called for each valid message, in stream order. Errors are logged; the watch goes on. */
  handler: (payload: PayloadOf<C>, context: EventContext) => void | Promise<void>;
}

export interface RunningConsumer {
  readonly durable: string;
  stop(): Promise<void>;
}

export interface PublishOptions {
  eventId?: string;
  occurredAt?: Date;
  timeoutMs?: number;
}

/**
 * Seedship's JetStream plumbing: streams from the contracts catalog, validated publishing with
 * message-id deduplication, and durable consumers that ack only after the handler succeeded.
 */
export class JetStreamBus {
  private readonly consumers = new Set<RunningConsumer>();

  private constructor(
    readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    readonly namespace: SubjectNamespace,
    private readonly logger: Logger,
  ) {}

  static async connect(options: BusOptions): Promise<JetStreamBus> {
    const connection = await connect({
      servers: options.servers,
      name: options.name,
      // A service outlives NATS restarts: it keeps reconnecting instead of exiting.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: false,
    });
    const logger = options.logger;
    void (async () => {
      for await (const status of connection.status()) {
        logger.info({ nats: status.type }, 'NATS connection status changed');
      }
    })();
    const jsm = await connection.jetstreamManager();
    return new JetStreamBus(connection, jsm, connection.jetstream(), new SubjectNamespace(options.namespace), logger);
  }

  /** Creates or updates the streams; safe to call from every service at start. */
  async ensureStreams(): Promise<void> {
    for (const definition of [STREAMS.events, STREAMS.deadLetters]) {
      const config = {
        name: this.namespace.stream(definition.name),
        subjects: definition.subjects.map((subject) => this.namespace.subject(subject)),
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      };
      try {
        await this.jsm.streams.info(config.name);
        await this.jsm.streams.update(config.name, config);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.jsm.streams.add(config);
      }
    }
  }

  /** Validates the payload, then publishes it; JetStream drops a repeat of the same eventId. */
  async publish<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    options: PublishOptions = {},
  ): Promise<{ eventId: string; duplicate: boolean }> {
    const valid = parsePayload(contract, payload);
    return this.publishRaw(contract.subject, JSON.stringify(valid), options);
  }

  /** For the outbox relay, whose payloads were validated when they were written. */
  async publishRaw(
    subject: string,
    body: string,
    options: PublishOptions = {},
  ): Promise<{ eventId: string; duplicate: boolean }> {
    const eventId = options.eventId ?? randomUUID();
    const hdrs = createHeaders();
    hdrs.set(EVENT_ID_HEADER, eventId);
    hdrs.set(OCCURRED_AT_HEADER, (options.occurredAt ?? new Date()).toISOString());
    const ack = await this.js.publish(this.namespace.subject(subject), new TextEncoder().encode(body), {
      msgID: eventId,
      headers: hdrs,
      timeout: options.timeoutMs ?? 5000,
    });
    return { eventId, duplicate: ack.duplicate };
  }

  /**
   * One durable JetStream consumer per subject of the contracts, all named after `durable`. (A single
   * consumer with several filter subjects needs nats-server 2.10; Debian's is 2.9, so each subject
   * gets its own filter. Handlers are idempotent and Postgres holds the order that matters.)
   */
  async subscribe<C extends MessageContract>(options: ConsumerOptions<C>): Promise<RunningConsumer> {
    const streamName = this.namespace.stream(STREAMS.events.name);
    const contracts = new Map(options.contracts.map((contract) => [contract.subject, contract]));
    const maxDeliver = options.maxDeliver ?? 5;
    const backoffMs = options.backoffMs ?? [1000, 5000, 30_000];
    const logger = this.logger.child({ consumer: options.durable });
    const streams: Array<{ close(): Promise<void | Error> }> = [];
    const loops: Array<Promise<void>> = [];
    for (const subject of contracts.keys()) {
      const name = consumerName(options.durable, subject);
      await this.jsm.consumers.add(streamName, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.namespace.subject(subject),
        ack_wait: nanos(options.ackWaitMs ?? 60_000),
        // The consumer dead-letters by itself; the server must keep redelivering until it has.
        max_deliver: -1,
      });
      const consumer = await this.js.consumers.get(streamName, name);
      const messages = await consumer.consume({ max_messages: 16 });
      streams.push(messages);
      loops.push(
        (async () => {
          for await (const message of messages) {
            await this.handle(message, contracts, options, { maxDeliver, backoffMs, logger });
          }
        })(),
      );
    }
    const running: RunningConsumer = {
      durable: options.durable,
      stop: async () => {
        this.consumers.delete(running);
        for (const messages of streams) await messages.close();
        await Promise.all(loops);
      },
    };
    this.consumers.add(running);
    return running;
  }

  /**
   * An ephemeral, ordered view of the events stream from now on: nothing is acked, nothing is redelivered,
   * and every process gets every message (unlike a durable, whose messages are shared among replicas).
   * For live displays, which read the truth from Postgres and only need to know that something changed.
   * One consumer without a filter reads the whole stream (filters on several subjects need nats-server 2.10).
   */
  async watch<C extends MessageContract>(options: WatchOptions<C>): Promise<RunningConsumer> {
    const streamName = this.namespace.stream(STREAMS.events.name);
    const contracts = new Map(options.contracts.map((contract) => [contract.subject, contract]));
    const consumer = await this.js.consumers.get(streamName, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume({ max_messages: 256 });
    const logger = this.logger.child({ watch: true });
    const loop = (async () => {
      for await (const message of messages) {
        const subject = this.namespace.unprefix(message.subject);
        const contract = contracts.get(subject);
        if (!contract) continue;
        const eventId = message.headers?.get(EVENT_ID_HEADER) || '';
        try {
          const payload = parsePayload(contract, JSON.parse(new TextDecoder().decode(message.data)));
          await options.handler(payload, {
            eventId,
            subject,
            deliveryCount: 1,
            occurredAt: message.headers?.get(OCCURRED_AT_HEADER) || undefined,
          });
        } catch (error) {
          logger.warn({ err: error, subject, eventId }, 'Skipped a watched message');
        }
      }
    })();
    const running: RunningConsumer = {
      durable: '(ephemeral watch)',
      stop: async () => {
        this.consumers.delete(running);
        await messages.close();
        await loop;
      },
    };
    this.consumers.add(running);
    return running;
  }

  private async handle<C extends MessageContract>(
    message: JsMsg,
    contracts: ReadonlyMap<string, C>,
    options: ConsumerOptions<C>,
    settings: { maxDeliver: number; backoffMs: readonly number[]; logger: Logger },
  ): Promise<void> {
    const subject = this.namespace.unprefix(message.subject);
    const deliveryCount = message.info.redeliveryCount;
    const eventId = message.headers?.get(EVENT_ID_HEADER) || message.headers?.get('Nats-Msg-Id') || '';
    const log = settings.logger.child({ subject, eventId, deliveryCount });
    const contract = contracts.get(subject);
    if (!contract) {
      await this.deadLetter(message, options.durable, subject, `no contract for subject ${subject}`, log);
      return;
    }

    let payload: PayloadOf<C>;
    try {
      payload = parsePayload(contract, JSON.parse(new TextDecoder().decode(message.data)));
    } catch (error) {
      // A malformed payload never becomes valid by retrying: straight to the dead letters.
      const reason = error instanceof PayloadValidationError ? error.message : `unparseable JSON: ${String(error)}`;
      log.error({ err: error }, `Rejected message: ${reason}`);
      await this.deadLetter(message, options.durable, subject, reason, log);
      return;
    }

    try {
      await options.handler(payload, {
        eventId,
        subject,
        deliveryCount,
        occurredAt: message.headers?.get(OCCURRED_AT_HEADER) || undefined,
      });
      message.ack();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (deliveryCount >= settings.maxDeliver) {
        log.error({ err: error }, `Handler failed on delivery ${deliveryCount} of ${settings.maxDeliver}; dead-lettering`);
        await this.deadLetter(message, options.durable, subject, reason, log);
        return;
      }
      const delay = settings.backoffMs[Math.min(deliveryCount - 1, settings.backoffMs.length - 1)] ?? 1000;
      log.warn({ err: error, retryInMs: delay }, 'Handler failed; will redeliver');
      message.nak(delay);
    }
  }

  private async deadLetter(message: JsMsg, durable: string, subject: string, reason: string, log: Logger) {
    const hdrs: MsgHdrs = createHeaders();
    for (const [key, values] of message.headers ?? []) for (const value of values) hdrs.append(key, value);
    hdrs.set(DEAD_LETTER_HEADERS.reason, reason.slice(0, 1024));
    hdrs.set(DEAD_LETTER_HEADERS.consumer, durable);
    hdrs.set(DEAD_LETTER_HEADERS.subject, subject);
    hdrs.set(DEAD_LETTER_HEADERS.deliveries, String(message.info.redeliveryCount));
    try {
      await this.js.publish(this.namespace.subject(deadLetterSubject(durable, subject)), message.data, {
        headers: hdrs,
      });
      // No reason text: +TERM with a reason needs nats-server 2.10.
      message.term();
    } catch (error) {
      // Could not park it: leave it to be redelivered rather than lose it.
      log.error({ err: error }, 'Could not publish to the dead-letter stream; the message will be redelivered');
      message.nak(5000);
    }
  }

  async close(): Promise<void> {
    for (const consumer of [...this.consumers]) await consumer.stop();
    await this.connection.drain();
  }
}

export const DEAD_LETTER_HEADER_NAMES = DEAD_LETTER_HEADERS;

/** The JetStream consumer behind a durable for one subject (names may not contain dots; subjects do). */
export function consumerName(durable: string, subject: string): string {
  return `${durable}--${subject.replace(/\./g, '_')}`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}
