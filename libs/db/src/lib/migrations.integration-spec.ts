import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { type TestDatabase, createTestDatabase, testServices } from '@seedship/testing';

import { DEFAULT_MIGRATIONS_DIR, applyMigrations, migrationStatus, readLocalMigrations, resolveRolledBack } from './migrations';
import { createPrismaClient } from './prisma-client';

/** An empty database of its own (createTestDatabase would migrate it already). */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { databaseUrl } = await testServices();
  const name = `seedship_migrate_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new Client({ connectionString: databaseUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migration runner', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('applies every migration once and records it as prisma migrate deploy does', async () => {
    const db = await emptyDatabase();
    cleanups.push(db.drop);
    const local = await readLocalMigrations();
    expect(local.length).toBeGreaterThan(0);

    const first = await applyMigrations({ connectionString: db.url });
    expect(first.applied).toEqual(local.map((m) => m.name));
    const second = await applyMigrations({ connectionString: db.url });
    expect(second).toEqual({ applied: [], alreadyApplied: local.map((m) => m.name) });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(local.map((m) => [m.name, m.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    expect(await migrationStatus({ connectionString: db.url })).toEqual({
      applied: local.map((m) => m.name),
      pending: [],
      failed: [],
      modified: [],
      unknown: [],
    });
  });

  it('rolls back a failing migration, records the failure, and refuses to continue until it is resolved', async () => {
    const db = await emptyDatabase();
    cleanups.push(db.drop);
    const dir = await mkdtemp(path.join(tmpdir(), 'seedship-migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const broken = path.join(dir, '29991231000000_add_broken_column');
    await mkdir(broken);
    await writeFile(
      path.join(broken, 'migration.sql'),
      'ALTER TABLE "drive" ADD COLUMN "half_done" TEXT;\nALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n',
    );

    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(
      /29991231000000_add_broken_column failed and was rolled back: relation "no_such_table" does not exist/,
    );
    // The first statement of the failed migration did not stick.
    const halfDone = await query(db.url, `SELECT 1 FROM information_schema.columns WHERE table_name = 'drive' AND column_name = 'half_done'`);
    expect(halfDone).toHaveLength(0);
    const status = await migrationStatus({ connectionString: db.url, migrationsDir: dir });
    expect(status.failed).toEqual([{ name: '29991231000000_add_broken_column', logs: expect.stringMatching(/no_such_table/) as unknown }]);

    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(/failed migrations .*add_broken_column.*nothing was applied/);

    await writeFile(path.join(broken, 'migration.sql'), 'ALTER TABLE "drive" ADD COLUMN "half_done" TEXT;\n');
    await resolveRolledBack({ connectionString: db.url, migrationsDir: dir, migrationName: '29991231000000_add_broken_column' });
    const retried = await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    expect(retried.applied).toEqual(['29991231000000_add_broken_column']);
  });

  it('warns when an applied migration was edited afterwards', async () => {
    const db = await emptyDatabase();
    cleanups.push(db.drop);
    const dir = await mkdtemp(path.join(tmpdir(), 'seedship-migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    const [first] = await readLocalMigrations(dir);
    if (!first) throw new Error('no migrations');
    await writeFile(path.join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);

    const warnings: string[] = [];
    await applyMigrations({ connectionString: db.url, migrationsDir: dir, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([`migration ${first.name} was modified after it was applied (checksum differs)`]);
    expect((await migrationStatus({ connectionString: db.url, migrationsDir: dir })).modified).toEqual([first.name]);
  });
});

describe('the migrated schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('keeps the job timeline append-only', async () => {
    const prisma = createPrismaClient(database.url);
    try {
      const job = await prisma.seedingJob.create({
        data: {
          importJobName: 'timeline-append-only',
          subscriptionId: '00000000-0000-0000-0000-000000000000',
          resourceGroup: 'rg',
          storageAccount: 'account',
          container: 'seed',
          location: 'westeurope',
          stagingLocation: '/staging',
        },
      });
      await prisma.jobTimelineEntry.create({ data: { jobId: job.id, actor: 'system:test', action: 'created' } });
      await expect(prisma.jobTimelineEntry.updateMany({ data: { action: 'rewritten' } })).rejects.toThrow(/append-only/);
      await expect(prisma.jobTimelineEntry.deleteMany({})).rejects.toThrow(/append-only/);
      expect(await prisma.jobTimelineEntry.count()).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });
});
