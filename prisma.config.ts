import { defineConfig } from 'prisma/config';

// The CLI is used offline for `prisma generate` and `prisma migrate diff`; migrations are applied by
// tools/db/migrate.ts (libs/db's runner), which records them exactly as `prisma migrate deploy` does.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:5432/seedship' },
});
