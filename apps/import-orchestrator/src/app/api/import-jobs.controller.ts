import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';

import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { canTransition } from '@seedship/domain';

import { ImportOrchestratorErrorCode, ImportOrchestratorException } from '../common/import-orchestrator.exception';
import { actorFrom, parseBody } from '../common/parse-body';
import { IncrementalService, type OnlineUploadView } from '../incremental/incremental.service';
import { Reconciler } from '../reconciler/reconciler';

function errorLogExcerptOf(raw: unknown): string | null {
  if (raw && typeof raw === 'object' && 'errorLogExcerpt' in raw && typeof raw.errorLogExcerpt === 'string') return raw.errorLogExcerpt;
  return null;
}

const cancelSchema = z.object({ reason: z.string().trim().min(1, 'say why the job is cancelled') }).strict();
const incrementalSchema = z.object({ sourcePath: z.string().startsWith('/', 'must be an absolute path on a mounted share') }).strict();

/** The orchestrator's HTTP API: where a job's import stands, cancellation, and online incrementals. */
@Controller('seeding-jobs/:jobId')
export class ImportJobsController {
  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    private readonly incrementals: IncrementalService,
    private readonly reconciler: Reconciler,
  ) {}

  @Get('import')
  async status(@Param('jobId') jobId: string): Promise<Record<string, unknown>> {
    const job = await this.requireJob(jobId);
    const tracking = await this.prisma.importTracking.findUnique({ where: { jobId } });
    const drives = await this.prisma.azureDriveStatus.findMany({ where: { jobId }, orderBy: { id: 'desc' } });
    const latest = new Map<string, (typeof drives)[number]>();
    for (const drive of drives) if (!latest.has(drive.azureDriveId)) latest.set(drive.azureDriveId, drive);
    return {
      jobId,
      state: job.state,
      provider: job.provider,
      importJobName: job.importJobName,
      azureJobResourceId: job.azureJobResourceId,
      datacenterAddress: job.datacenterAddress,
      statusLine: tracking?.statusLine ?? null,
      azureState: tracking?.lastAzureState ?? null,
      percentComplete: tracking?.lastPercentComplete ?? null,
      unmappedAzureState: tracking?.unmappedAzureState ?? null,
      completedWithProblems: tracking?.completedWithProblems ?? false,
      lastPollError: tracking?.lastPollError ?? null,
      deliveryPackage: tracking?.deliveryTrackingNumber ? { carrierName: tracking.deliveryCarrier, trackingNumber: tracking.deliveryTrackingNumber } : null,
      verifiedBlobs: tracking?.verifiedBlobs ?? 0,
      verifiedBytes: (tracking?.verifiedBytes ?? 0n).toString(),
      repairedBlobs: tracking?.repairedBlobs ?? 0,
      drives: [...latest.values()].map((drive) => ({
        driveId: drive.azureDriveId,
        state: drive.azureState,
        copyStatus: drive.copyStatus,
        percentComplete: drive.percentComplete,
        bytesSucceeded: drive.bytesSucceeded?.toString() ?? null,
        errorLogUri: drive.errorLogUri,
        verboseLogUri: drive.verboseLogUri,
        errorLogExcerpt: errorLogExcerptOf(drive.raw),
      })),
    };
  }

  @Post('cancel')
  @HttpCode(202)
  async cancel(@Param('jobId') jobId: string, @Body() body: unknown, @Headers('x-seedship-user') user: string | undefined): Promise<Record<string, unknown>> {
    const { reason } = parseBody(cancelSchema, body);
    const job = await this.requireJob(jobId);
    if (!canTransition(job.state, 'CANCELLED')) {
      throw new ImportOrchestratorException(
        ImportOrchestratorErrorCode.WRONG_STATE,
        `Job ${jobId} is ${job.state}; it can be cancelled only before Azure has its drives (up to SHIPPING).`,
        { state: job.state },
      );
    }
    await this.prisma.importTracking.upsert({
      where: { jobId },
      create: { jobId, provider: job.provider, cancelRequestedAt: new Date(), cancelReason: reason, cancelRequestedBy: actorFrom(user) },
      update: { cancelRequestedAt: new Date(), cancelReason: reason, cancelRequestedBy: actorFrom(user) },
    });
    this.reconciler.nudge();
    return { jobId, cancelRequested: true, reason };
  }

  @Post('incrementals')
  @HttpCode(202)
  async startIncremental(@Param('jobId') jobId: string, @Body() body: unknown): Promise<OnlineUploadView> {
    const { sourcePath } = parseBody(incrementalSchema, body);
    await this.requireJob(jobId);
    const view = await this.incrementals.start(jobId, sourcePath);
    this.reconciler.nudge();
    return view;
  }

  @Get('incrementals/:snapshotId')
  incremental(@Param('jobId') jobId: string, @Param('snapshotId') snapshotId: string): Promise<OnlineUploadView> {
    return this.incrementals.view(jobId, snapshotId);
  }

  private async requireJob(jobId: string) {
    const job = /^[0-9a-f-]{36}$/i.test(jobId) ? await this.prisma.seedingJob.findUnique({ where: { id: jobId } }) : null;
    if (!job) throw new ImportOrchestratorException(ImportOrchestratorErrorCode.JOB_NOT_FOUND, `No seeding job with id ${jobId}.`);
    return job;
  }
}
