import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { type Logger } from '@seedship/logging';

import { EVENT_HANDLER_METADATA, type EventHandlerMetadata } from './event-handler.decorator';
import { JetStreamBus, type RunningConsumer } from './jetstream-bus';
import { OutboxRelay, type OutboxRelayOptions } from './outbox';

export const JETSTREAM_BUS = Symbol('JETSTREAM_BUS');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleOptions {
  serviceName: string;
  servers: string | string[];
  namespace?: string;
  logger: Logger;
  /** Run an outbox relay in this service (needs DatabaseModule). Default true. */
  relay?: boolean | OutboxRelayOptions;
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    @Inject(JETSTREAM_BUS) private readonly bus: JetStreamBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Optional() @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[methodName];
        if (typeof method !== 'function') continue;
        const metadata = this.reflector.get<EventHandlerMetadata | undefined>(EVENT_HANDLER_METADATA, method);
        if (!metadata) continue;
        const handler = method.bind(instance) as (payload: unknown, context: unknown) => Promise<void>;
        this.consumers.push(await this.bus.subscribe({ ...metadata, handler }));
        this.options.logger.info({ durable: metadata.durable }, 'Consuming');
      }
    }
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    for (const consumer of this.consumers.splice(0)) await consumer.stop();
    await this.bus.close();
  }
}

/**
 * JetStream for a Nest service: connects (and creates the streams) at boot, runs the outbox relay, and
 * turns every `@EventHandler` method of the application's providers into a durable consumer.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const relayOptions = options.relay === false ? undefined : options.relay === true || !options.relay ? {} : options.relay;
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: JETSTREAM_BUS,
          useFactory: async () => {
            const bus = await JetStreamBus.connect({
              servers: options.servers,
              name: options.serviceName,
              logger: options.logger,
              ...(options.namespace ? { namespace: options.namespace } : {}),
            });
            await bus.ensureStreams();
            return bus;
          },
        },
        ...(relayOptions
          ? [
              {
                provide: OUTBOX_RELAY,
                inject: [PRISMA_CLIENT, JETSTREAM_BUS],
                useFactory: (prisma: PrismaClient, bus: JetStreamBus) =>
                  new OutboxRelay(prisma, bus, options.logger, relayOptions),
              },
            ]
          : []),
        MessagingLifecycle,
      ],
      exports: [JETSTREAM_BUS, ...(relayOptions ? [OUTBOX_RELAY] : [])],
    };
  }
}
