import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { type ActionResultView, type RevealView, actionResultSchema, cancelBody, errorSchema, releaseBody, revealSchema } from '../api/api-schemas';
import { openApiSchema } from '../api/openapi';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { type Principal, actorOf } from '../auth/principal';
import { parseId, parseInput } from '../common/parse-input';
import { ActionsService } from './actions.service';

@ApiTags('actions')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiForbiddenResponse({ description: 'the caller lacks the role', schema: openApiSchema(errorSchema) })
@Controller('api')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Cancel a job (only before the datacenter has the drives); the orchestrator cancels the Azure job' })
  @ApiOkResponse({ schema: openApiSchema(actionResultSchema) })
  cancel(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ActionResultView> {
    const { reason } = parseInput(cancelBody, body);
    return this.actions.cancelJob(parseId(id, 'job'), actorOf(principal), reason);
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Retry the failed step of a FAILED job (back to the state it failed in)' })
  @ApiOkResponse({ schema: openApiSchema(actionResultSchema) })
  retry(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ActionResultView> {
    return this.actions.retryJob(parseId(id, 'job'), actorOf(principal));
  }

  @Post('drives/:id/release-for-wipe')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Confirm that a non-blank drive may be wiped; its agent may then claim it' })
  @ApiOkResponse({ schema: openApiSchema(actionResultSchema) })
  release(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ActionResultView> {
    const { jobId } = parseInput(releaseBody, body);
    return this.actions.releaseDriveForWipe(parseId(id, 'drive'), actorOf(principal), jobId);
  }

  @Post('drives/:id/recovery-password')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: "Reveal a drive's BitLocker recovery password (admins; recorded in the job's timeline)" })
  @ApiOkResponse({ schema: openApiSchema(revealSchema) })
  reveal(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<RevealView> {
    return this.actions.revealRecoveryPassword(parseId(id, 'drive'), actorOf(principal));
  }
}
