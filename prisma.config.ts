import { defineConfig } from 'prisma/config';

// The Prisma CLI is used offline only for `prisma generate` (its schema engine cannot be downloaded
// here). Migrations are applied by libs/db/src/bin/migrate.ts (`npm run db:migrate`), which records
// them exactly as `prisma migrate deploy` does, so either tool can run against the same database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:5432/seedship' },
});
