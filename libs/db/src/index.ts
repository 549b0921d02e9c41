export { createPrismaClient } from './lib/prisma-client';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type * from './generated/prisma/models';
export * from './generated/prisma/enums';
