import { randomUUID } from 'node:crypto';

import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { SeedingJobStateChanged, type SeedingJobStateChangedPayload } from '@seedship/contracts';
import { captureLogger, createTestNamespace, eventually, testServices } from '@seedship/testing';

import { EventHandler } from './event-handler.decorator';
import { type EventContext, type JetStreamBus } from './jetstream-bus';
import { JETSTREAM_BUS, MessagingModule } from './messaging.module';

@Injectable()
class StateChangeRecorder {
  readonly seen: Array<{ payload: SeedingJobStateChangedPayload; context: EventContext }> = [];

  @EventHandler(SeedingJobStateChanged, { durable: 'recorder' })
  onStateChanged(payload: SeedingJobStateChangedPayload, context: EventContext): Promise<void> {
    this.seen.push({ payload, context });
    return Promise.resolve();
  }
}

describe('MessagingModule in a Nest application', () => {
  it('turns @EventHandler methods into durable consumers and stops them on shutdown', async () => {
    const { natsUrl } = await testServices();
    const namespace = createTestNamespace();
    @Module({
      imports: [
        MessagingModule.forRoot({
          serviceName: 'module-test',
          servers: natsUrl,
          namespace,
          logger: captureLogger('module-test').logger,
          relay: false,
        }),
      ],
      providers: [StateChangeRecorder],
    })
    class AppModule {}

    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app.useLogger(false);
    await app.init();
    const bus = app.get<JetStreamBus>(JETSTREAM_BUS);
    const recorder = app.get(StateChangeRecorder);

    const payload: SeedingJobStateChangedPayload = {
      jobId: randomUUID(),
      from: 'DRAFT',
      to: 'STAGING',
      actor: 'user:alice',
    };
    const { eventId } = await bus.publish(SeedingJobStateChanged, payload);
    await eventually(() => recorder.seen.length === 1, { description: 'the handler to run' });
    expect(recorder.seen[0]).toMatchObject({ payload, context: { eventId, deliveryCount: 1 } });

    await app.close();
    expect(bus.connection.isClosed()).toBe(true);
  });
});
