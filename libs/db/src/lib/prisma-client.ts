import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client';

/**
 * The Prisma client on the pg driver adapter: no engine binary, so it runs anywhere Node runs.
 * Callers own its lifetime ($disconnect on shutdown).
 */
export function createPrismaClient(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}
