import { SetMetadata } from '@nestjs/common';

import { type MessageContract, type PayloadOf } from '@seedship/contracts';

import { type EventContext } from './jetstream-bus';

export const EVENT_HANDLER_METADATA = 'seedship:event-handler';

export interface EventHandlerOptions {
  /** Durable consumer name; unique per service and purpose (e.g. `orchestrator-on-drives-ready`). */
  durable: string;
  maxDeliver?: number;
  backoffMs?: readonly number[];
  ackWaitMs?: number;
}

export interface EventHandlerMetadata extends EventHandlerOptions {
  contracts: readonly MessageContract[];
}

export type EventHandlerMethod<C extends MessageContract> = (payload: PayloadOf<C>, context: EventContext) => Promise<void>;

/**
 * Marks a provider method as the handler of a durable JetStream consumer. The payload it receives has
 * already been validated against the contract; it is acked only after the method resolves.
 */
export function EventHandler<C extends MessageContract>(contract: C | readonly C[], options: EventHandlerOptions) {
  const contracts = Array.isArray(contract) ? contract : [contract];
  return <T>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T & EventHandlerMethod<C>>,
  ): TypedPropertyDescriptor<T & EventHandlerMethod<C>> => {
    SetMetadata<string, EventHandlerMetadata>(EVENT_HANDLER_METADATA, { ...options, contracts })(target, key, descriptor);
    return descriptor;
  };
}
