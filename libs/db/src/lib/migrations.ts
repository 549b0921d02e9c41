import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { Client } from 'pg';

/** prisma/migrations at the workspace root (libs/db/src/lib -> four levels up). */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');

/** The advisory lock key `prisma migrate deploy` takes, so our runner and Prisma's never interleave. */
const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

/** The bookkeeping table exactly as Prisma's schema engine creates it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface LocalMigration {
  /** The folder name, `<timestamp>_<verb>_<object>`. */
  name: string;
  sql: string;
  /** Hex SHA-256 of migration.sql, as Prisma records it. */
  checksum: string;
}

export interface MigrationOptions {
  connectionString: string;
  migrationsDir?: string;
  /** Told about anything worth a human's attention that does not stop the run. */
  onWarning?: (message: string) => void;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** The migrations on disk, in the order they apply (folder names sort by their timestamp prefix). */
export async function readLocalMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new MigrationError(`cannot read the migrations folder ${migrationsDir}: ${String(error)}`);
  });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    folders.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      const sql = await readFile(file, 'utf8').catch(() => {
        throw new MigrationError(`migration ${name} has no migration.sql (expected ${file})`);
      });
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies pending migrations the way `prisma migrate deploy` does, and records them in
 * `_prisma_migrations` exactly as it would, so production may use either tool on the same database.
 * Each migration runs in its own transaction (Postgres DDL is transactional); a failed one is rolled
 * back, recorded as failed with its error, and blocks later runs until an operator resolves it.
 */
export async function applyMigrations(options: MigrationOptions): Promise<MigrationResult> {
  const local = await readLocalMigrations(options.migrationsDir);
  return withMigrationLock(options.connectionString, async (client) => {
    await client.query(CREATE_MIGRATIONS_TABLE);
    const recorded = await recordedMigrations(client);
    checkRecordedAgainstLocal(recorded, local, options.onWarning);

    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of local) {
      if (recorded.some((row) => row.migration_name === migration.name && row.finished_at && !row.rolled_back_at)) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await applyOne(client, migration);
      result.applied.push(migration.name);
    }
    return result;
  });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: Array<{ name: string; logs: string | null }>;
  /** Applied migrations whose file changed since (checksum differs). */
  modified: string[];
  /** Recorded in the database but missing from the migrations folder. */
  unknown: string[];
}

/** What `prisma migrate status` would report, without changing anything. */
export async function migrationStatus(options: MigrationOptions): Promise<MigrationStatus> {
  const local = await readLocalMigrations(options.migrationsDir);
  const client = new Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    const exists = await client.query<{ present: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
    );
    const recorded = exists.rows[0]?.present ? await recordedMigrations(client) : [];
    const live = recorded.filter((row) => !row.rolled_back_at);
    const done = live.filter((row) => row.finished_at);
    return {
      applied: done.map((row) => row.migration_name),
      pending: local.filter((m) => !done.some((row) => row.migration_name === m.name)).map((m) => m.name),
      failed: live.filter((row) => !row.finished_at).map((row) => ({ name: row.migration_name, logs: row.logs })),
      modified: done
        .filter((row) => local.some((m) => m.name === row.migration_name && m.checksum !== row.checksum))
        .map((row) => row.migration_name),
      unknown: done.filter((row) => !local.some((m) => m.name === row.migration_name)).map((row) => row.migration_name),
    };
  } finally {
    await client.end();
  }
}

/**
 * Marks a failed migration as rolled back (after the operator has repaired the database), as
 * `prisma migrate resolve --rolled-back` does, so the next deploy retries it.
 */
export async function resolveRolledBack(options: MigrationOptions & { migrationName: string }): Promise<void> {
  await withMigrationLock(options.connectionString, async (client) => {
    const updated = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
       WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [options.migrationName],
    );
    if (updated.rowCount === 0) {
      throw new MigrationError(
        `migration ${options.migrationName} is not recorded as failed; nothing to resolve (see the status command)`,
      );
    }
  });
}

async function applyOne(client: Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, detail]);
    throw new MigrationError(
      `migration ${migration.name} failed and was rolled back: ${detail}. ` +
        'Fix the migration or the database, then mark it rolled back (migrate resolve --rolled-back) and deploy again.',
    );
  }
}

function checkRecordedAgainstLocal(
  recorded: MigrationRow[],
  local: LocalMigration[],
  onWarning: ((message: string) => void) | undefined,
): void {
  const failed = recorded.filter((row) => !row.finished_at && !row.rolled_back_at);
  if (failed.length > 0) {
    const names = failed.map((row) => row.migration_name).join(', ');
    throw new MigrationError(
      `the database has failed migrations (${names}); nothing was applied. ` +
        'Repair the database, mark each one rolled back (migrate resolve --rolled-back <name>), then deploy again.',
    );
  }
  for (const row of recorded.filter((r) => r.finished_at && !r.rolled_back_at)) {
    const match = local.find((m) => m.name === row.migration_name);
    if (!match) onWarning?.(`migration ${row.migration_name} is applied in the database but missing from the folder`);
    else if (match.checksum !== row.checksum) {
      onWarning?.(`migration ${row.migration_name} was modified after it was applied (checksum differs)`);
    }
  }
}

async function recordedMigrations(client: Client): Promise<MigrationRow[]> {
  const rows = await client.query<MigrationRow>(
    `SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs
     FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.rows;
}

async function withMigrationLock<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}
