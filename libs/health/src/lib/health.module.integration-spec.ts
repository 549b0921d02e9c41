import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { DatabaseModule } from '@seedship/db';
import { MessagingModule } from '@seedship/messaging';
import { captureLogger, createTestDatabase, createTestNamespace, eventually, startNatsServerProcess, type NatsServerProcess, type TestDatabase } from '@seedship/testing';

import { HealthModule } from './health.module';

describe('HealthModule against real Postgres and nats-server', () => {
  let database: TestDatabase;
  let nats: NatsServerProcess;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    nats = await startNatsServerProcess();
    @Module({
      imports: [
        DatabaseModule.forRoot({ url: database.url }),
        MessagingModule.forRoot({ serviceName: 'health-test', servers: [nats.url], namespace: createTestNamespace(), logger: captureLogger('health-test').logger, relay: false }),
        HealthModule,
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await nats.destroy();
    await database.drop();
  });

  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is live and ready while Postgres and NATS answer', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/health/ready')).toEqual({ status: 200, body: { status: 'ok', checks: { postgres: { status: 'up' }, nats: { status: 'up' } } } });
  });

  it('is not ready, naming NATS, while the NATS server is down, and ready again when it returns', async () => {
    await nats.stop();
    const down = await get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', checks: { postgres: { status: 'up' }, nats: { status: 'down' } } });
    expect((await get('/health/live')).status).toBe(200);
    await nats.start();
    await eventually(async () => (await get('/health/ready')).status === 200, { timeoutMs: 30_000, description: 'readiness after NATS returns' });
  });
});
