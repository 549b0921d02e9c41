import { Controller, Get, HttpException, HttpStatus, Inject, Module, SetMetadata } from '@nestjs/common';

import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { JETSTREAM_BUS, type JetStreamBus } from '@seedship/messaging';

/**
 * Metadata marking a route as open to anyone (probes carry no credentials). A service with an auth
 * guard lets such routes through; the ops console's guard uses this key for its own public routes too.
 */
export const PUBLIC_ROUTE = 'seedship:public-route';

/** A dependency that does not answer within this long counts as down: probes must not hang. */
const CHECK_TIMEOUT_MS = 2_000;

type CheckResult = { readonly status: 'up' } | { readonly status: 'down'; readonly error: string };

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kubernetes probes. Live: the process answers (a restart would not fix Postgres being down). Ready:
 * Postgres answers a query and the NATS server answers a round trip, so traffic goes only to pods
 * that can do the work.
 */
@Controller('health')
@SetMetadata(PUBLIC_ROUTE, true)
class HealthController {
  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(JETSTREAM_BUS) private readonly bus: JetStreamBus,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, CheckResult> }> {
    const checks = {
      postgres: await check(() => this.prisma.$queryRaw`SELECT 1`),
      nats: await check(async () => {
        if (this.bus.connection.isClosed()) throw new Error('the connection is closed');
        await this.bus.connection.flush();
      }),
    };
    if (Object.values(checks).some((result) => result.status === 'down')) {
      throw new HttpException({ status: 'unavailable', checks }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', checks };
  }
}

/** GET /health/live and /health/ready for a service that imports DatabaseModule and MessagingModule. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
