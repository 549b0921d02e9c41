export {
  DEAD_LETTER_HEADER_NAMES,
  EVENT_ID_HEADER,
  JetStreamBus,
  OCCURRED_AT_HEADER,
  type BusOptions,
  type ConsumerOptions,
  type EventContext,
  type PublishOptions,
  type RunningConsumer,
  type WatchOptions,
  consumerName,
} from './lib/jetstream-bus';
export { processOnce } from './lib/inbox';
export { SubjectNamespace } from './lib/namespace';
export { OutboxRelay, enqueueEvent, type OutboxRelayOptions, type RelayBatchResult } from './lib/outbox';
export { EventHandler, type EventHandlerOptions } from './lib/event-handler.decorator';
export { JETSTREAM_BUS, MessagingModule, OUTBOX_RELAY, type MessagingModuleOptions } from './lib/messaging.module';
