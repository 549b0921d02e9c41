export { createPrismaClient } from './lib/prisma-client';
export { DatabaseModule, PRISMA_CLIENT, type DatabaseModuleOptions } from './lib/database.module';
export {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  applyMigrations,
  migrationStatus,
  readLocalMigrations,
  resolveRolledBack,
  type LocalMigration,
  type MigrationOptions,
  type MigrationResult,
  type MigrationStatus,
} from './lib/migrations';
export { DEFAULT_SCHEMA_PATH, describeDrift, detectSchemaDrift, type SchemaDrift } from './lib/schema-drift';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type * from './generated/prisma/models';
export * from './generated/prisma/enums';
