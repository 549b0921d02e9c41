import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { type PrismaClient, createPrismaClient } from '@seedship/db';
import { JetStreamBus } from '@seedship/messaging';
import { WORKSPACE_ROOT, captureLogger, createTestDatabase, createTestNamespace, seedDemoFleet, testServices, type DemoFleet, type TestDatabase } from '@seedship/testing';

import { sha256Hex } from '../app/auth/credentials';
import { type ServiceProcess, startServiceProcess } from './service-process';

export const TOKENS = {
  viewer: `viewer-${randomBytes(16).toString('hex')}`,
  operator: `operator-${randomBytes(16).toString('hex')}`,
  admin: `admin-${randomBytes(16).toString('hex')}`,
} as const;
export const SUBJECTS = { viewer: 'victor', operator: 'olga', admin: 'ada' } as const;

export interface ConsoleFixture {
  database: TestDatabase;
  prisma: PrismaClient;
  /** A bus in the console's namespace, to publish events as the other services would. */
  bus: JetStreamBus;
  service: ServiceProcess;
  fleet: DemoFleet;
  stop(): Promise<void>;
}

/** A migrated database with the demo fleet, and the real console process on it, in a NATS namespace of its own. */
export async function startConsoleFixture(): Promise<ConsoleFixture> {
  const { natsUrl } = await testServices();
  const database = await createTestDatabase();
  const prisma = createPrismaClient(database.url);
  const masterKey = randomBytes(32).toString('hex');
  const fleet = await seedDemoFleet(prisma, masterKey);
  const namespace = createTestNamespace();
  const bus = await JetStreamBus.connect({ servers: natsUrl, name: 'console-test', namespace, logger: captureLogger('console-test').logger });
  await bus.ensureStreams();
  const service = await startServiceProcess({
    DATABASE_URL: database.url,
    NATS_URL: natsUrl,
    NATS_NAMESPACE: namespace,
    SECRETS_MASTER_KEY: masterKey,
    SESSION_COOKIE_SECURE: 'false',
    WEB_ROOT: join(WORKSPACE_ROOT, 'dist/apps/ops-console/web'),
    CONSOLE_TOKENS: (Object.keys(TOKENS) as Array<keyof typeof TOKENS>)
      .map((role) => `${SUBJECTS[role]}:${role}:${sha256Hex(TOKENS[role])}`)
      .join(','),
  });
  return {
    database,
    prisma,
    bus,
    service,
    fleet,
    stop: async () => {
      await service.stop();
      await bus.close();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** fetch against the console with a role's bearer token (or none). */
export function apiClient(baseUrl: string) {
  return async (path: string, options: { as?: keyof typeof TOKENS; method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.as ? { authorization: `Bearer ${TOKENS[options.as]}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
  };
}
