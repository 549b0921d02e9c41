import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { type TestDatabase, createTestDatabase, testServices } from '@seedship/testing';

import { DEFAULT_MIGRATIONS_DIR, applyMigrations } from './migrations';
import { describeDrift, detectSchemaDrift } from './schema-drift';

describe('schema drift check', () => {
  let database: TestDatabase;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
    for (const cleanup of cleanups) await cleanup();
  });

  it('finds no drift between prisma/schema.prisma and the migrations in prisma/migrations', async () => {
    const drift = await detectSchemaDrift({ connectionString: database.url });
    expect(describeDrift(drift)).toBeUndefined();
  });

  it('fails on a deliberately wrong migration, naming each disagreement', async () => {
    const { databaseUrl } = await testServices();
    const name = `seedship_drift_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const again = new Client({ connectionString: databaseUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    });
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;

    const dir = await mkdtemp(path.join(tmpdir(), 'seedship-drift-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const wrong = path.join(dir, '29991231000000_wrong_by_hand');
    await mkdir(wrong);
    await writeFile(
      path.join(wrong, 'migration.sql'),
      [
        'ALTER TABLE "shipment" ALTER COLUMN "carrier_name" TYPE VARCHAR(32);', // type
        'ALTER TABLE "drive" ALTER COLUMN "model" SET NOT NULL;', // nullability
        'DROP INDEX "shipment_tracking_number_key";', // unique constraint
        'DROP INDEX "drive_node_id_idx";', // index
        'ALTER TABLE "copy_node" ADD COLUMN "rack" TEXT;', // extra column
        'ALTER TYPE "drive_state" ADD VALUE \'LOST\';', // enum
        'ALTER TABLE "bay" DROP CONSTRAINT "bay_node_id_fkey";', // foreign key
        'ALTER TABLE "bay" ADD CONSTRAINT "bay_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "copy_node"("id") ON DELETE RESTRICT;',
      ].join('\n'),
    );
    await applyMigrations({ connectionString: url.toString(), migrationsDir: dir });

    const drift = await detectSchemaDrift({ connectionString: url.toString() });
    expect(drift.missingInDatabase).toEqual([
      'column drive.model character varying(128) null',
      'column shipment.carrier_name character varying(64) not null',
      expect.stringMatching(/^enum drive_state \(DETECTED, .*SHIPPED\)$/) as unknown,
      'foreign key bay(node_id) -> copy_node(id) on delete Cascade',
      'index drive(node_id)',
      'unique index shipment(tracking_number)',
    ]);
    expect(drift.notInSchema).toEqual([
      'column copy_node.rack text null',
      'column drive.model character varying(128) not null',
      'column shipment.carrier_name character varying(32) not null',
      expect.stringMatching(/^enum drive_state \(DETECTED, .*SHIPPED, LOST\)$/) as unknown,
      'foreign key bay(node_id) -> copy_node(id) on delete Restrict',
    ]);
    expect(describeDrift(drift)).toMatch(/database has, schema.prisma lacks: column copy_node.rack text null/);
  });
});
