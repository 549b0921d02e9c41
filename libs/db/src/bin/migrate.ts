/**
 * seedship-migrate: applies prisma/migrations to DATABASE_URL and records them as `prisma migrate
 * deploy` does (the Helm chart runs it as the pre-install/pre-upgrade Job).
 *
 *   migrate [deploy]                    apply pending migrations
 *   migrate status                      applied, pending, failed, edited migrations; exit 1 if not up to date
 *   migrate resolve --rolled-back NAME  mark a failed migration rolled back after repairing the database
 *   migrate drift                       compare prisma/schema.prisma with the database; exit 1 on drift
 */
import { z } from 'zod';

import { ConfigError, defineEnv, loadConfig } from '@seedship/config';

import { applyMigrations, migrationStatus, resolveRolledBack } from '../lib/migrations';
import { describeDrift, detectSchemaDrift } from '../lib/schema-drift';

const env = defineEnv(
  {
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL'),
    MIGRATIONS_DIR: z.string().optional(),
  },
  {
    DATABASE_URL: { description: 'Postgres connection URL of the shared Seedship database', sensitive: true },
    MIGRATIONS_DIR: { description: 'folder of Prisma-layout migrations (default: prisma/migrations)' },
  },
);

async function main(argv: string[]): Promise<number> {
  const config = loadConfig(env);
  const options = {
    connectionString: config.DATABASE_URL,
    ...(config.MIGRATIONS_DIR ? { migrationsDir: config.MIGRATIONS_DIR } : {}),
    onWarning: (message: string) => console.warn(`warning: ${message}`),
  };
  const [command = 'deploy', ...rest] = argv;
  switch (command) {
    case 'deploy': {
      const result = await applyMigrations(options);
      for (const name of result.applied) console.log(`applied ${name}`);
      console.log(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
      return 0;
    }
    case 'status': {
      const status = await migrationStatus(options);
      console.log(JSON.stringify(status, null, 2));
      const upToDate = status.pending.length + status.failed.length + status.modified.length === 0;
      return upToDate ? 0 : 1;
    }
    case 'resolve': {
      const name = rest[0] === '--rolled-back' ? rest[1] : undefined;
      if (!name) {
        console.error('usage: migrate resolve --rolled-back <migration name>');
        return 2;
      }
      await resolveRolledBack({ ...options, migrationName: name });
      console.log(`marked ${name} rolled back; run deploy to apply it again`);
      return 0;
    }
    case 'drift': {
      const report = describeDrift(await detectSchemaDrift(options));
      console.log(report ?? 'no drift: schema.prisma matches the database');
      return report ? 1 : 0;
    }
    default:
      console.error(`unknown command '${command}'; use deploy, status, resolve --rolled-back <name>, or drift`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
