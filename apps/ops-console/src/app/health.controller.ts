import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';

import { PublicRoute } from './auth/auth.decorators';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient) {}

  @Get('healthz')
  @PublicRoute()
  @ApiOperation({ summary: 'Readiness: Postgres answers' })
  @ApiOkResponse({ description: '{ "status": "ok" }' })
  async health(): Promise<{ status: 'ok' }> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok' };
  }
}
