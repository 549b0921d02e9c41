import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';

import { type PrismaClient } from '../generated/prisma/client';
import { createPrismaClient } from './prisma-client';

export const PRISMA_CLIENT = Symbol('PRISMA_CLIENT');

export interface DatabaseModuleOptions {
  url: string;
}

@Injectable()
class PrismaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/**
 * The shared Prisma client for a Nest service. Connecting at boot fails the boot when Postgres cannot be
 * reached, rather than swallowing the error and failing later.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: PRISMA_CLIENT,
          useFactory: async () => {
            const prisma = createPrismaClient(options.url);
            await prisma.$connect();
            await prisma.$queryRaw`SELECT 1`;
            return prisma;
          },
        },
        PrismaLifecycle,
      ],
      exports: [PRISMA_CLIENT],
    };
  }
}
