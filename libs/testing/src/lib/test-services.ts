import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { applyMigrations } from '@seedship/db';

import { containerRuntimeAvailable, startDevServices } from './dev-services';

interface ServiceUrls {
  databaseUrl: string;
  natsUrl: string;
  /** Where the URLs came from, for the test log. */
  source: 'environment' | 'testcontainers' | 'tools/dev/services';
}

let resolved: Promise<ServiceUrls> | undefined;

/**
 * Postgres and NATS for tests: TEST_DATABASE_URL / TEST_NATS_URL when set, else containers where a
 * Docker engine answers, else the local servers of tools/dev/services. Resolved once per process.
 */
export function testServices(): Promise<ServiceUrls> {
  resolved ??= resolveServices();
  return resolved;
}

async function resolveServices(): Promise<ServiceUrls> {
  const databaseUrl = process.env['TEST_DATABASE_URL'];
  const natsUrl = process.env['TEST_NATS_URL'];
  if (databaseUrl && natsUrl) return { databaseUrl, natsUrl, source: 'environment' };
  if (await containerRuntimeAvailable()) {
    const fromContainers = await startContainers();
    return {
      databaseUrl: databaseUrl ?? fromContainers.databaseUrl,
      natsUrl: natsUrl ?? fromContainers.natsUrl,
      source: 'testcontainers',
    };
  }
  const local = await startDevServices();
  return { databaseUrl: databaseUrl ?? local.databaseUrl, natsUrl: natsUrl ?? local.natsUrl, source: 'tools/dev/services' };
}

// Images pinned by tag; the containers live as long as the test process (testcontainers' reaper removes them).
async function startContainers(): Promise<{ databaseUrl: string; natsUrl: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [postgres, nats] = await Promise.all([
    new GenericContainer('postgres:15.10-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('nats:2.10.24-alpine').withCommand(['-js']).withExposedPorts(4222).start(),
  ]);
  return {
    databaseUrl: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
  };
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseUrl } = await testServices();
  const name = `seedship_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(databaseUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  await applyMigrations({ connectionString: url.toString() });
  return {
    url: url.toString(),
    name,
    drop: () => withAdmin(databaseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(databaseUrl: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

/** A namespace of its own on the shared NATS server, so tests never see each other's streams. */
export function createTestNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}
