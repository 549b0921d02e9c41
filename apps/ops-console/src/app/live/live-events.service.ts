import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';

import { MESSAGE_CATALOG } from '@seedship/contracts';
import { type Logger } from '@seedship/logging';
import { JETSTREAM_BUS, type JetStreamBus, type RunningConsumer } from '@seedship/messaging';

import { OPS_CONSOLE_LOGGER } from '../config/ops-console-env';

/** What the browser receives for each event on the bus. */
export interface LiveEvent {
  subject: string;
  eventId: string;
  occurredAt: string | null;
  payload: unknown;
}

export interface LiveClient {
  send(event: LiveEvent): void;
  close(): void;
}

/**
 * Fans the events stream out to the connected browsers. Each console replica watches the stream with its
 * own ephemeral consumer (a durable would split the messages among replicas), from the moment it starts:
 * the pages read the truth from the API and use events to update numbers and know when to reload.
 */
@Injectable()
export class LiveEventsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly clients = new Set<LiveClient>();
  private watch?: RunningConsumer;

  constructor(
    @Inject(JETSTREAM_BUS) private readonly bus: JetStreamBus,
    @Inject(OPS_CONSOLE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.watch = await this.bus.watch({
      contracts: MESSAGE_CATALOG,
      handler: (payload, context) => {
        const event: LiveEvent = { subject: context.subject, eventId: context.eventId, occurredAt: context.occurredAt ?? null, payload };
        for (const client of this.clients) client.send(event);
      },
    });
    this.logger.info({ subjects: MESSAGE_CATALOG.length }, 'Watching events for live updates');
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Open event streams would keep the HTTP server from closing.
    for (const client of [...this.clients]) client.close();
    this.clients.clear();
    await this.watch?.stop();
  }

  connect(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }
}
