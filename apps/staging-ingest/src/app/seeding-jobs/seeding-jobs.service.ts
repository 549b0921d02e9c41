import { access, constants, stat } from 'node:fs/promises';

import { Inject, Injectable } from '@nestjs/common';

import { Prisma, PRISMA_CLIENT, type PrismaClient } from '@seedship/db';

import { StagingIngestErrorCode, StagingIngestException } from '../common/staging-ingest.exception';
import { type CreateSeedingJobDto } from './dtos/create-seeding-job.dto';

export interface SeedingJobView {
  readonly id: string;
  readonly importJobName: string;
  readonly provider: string;
  readonly state: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly storageAccount: string;
  readonly container: string;
  readonly location: string;
  readonly stagingLocation: string;
  readonly bytesNeedingDrives: string;
  readonly failureReason: string | null;
  readonly createdAt: string;
}

type JobRow = Awaited<ReturnType<PrismaClient['seedingJob']['findUniqueOrThrow']>>;

function toView(job: JobRow): SeedingJobView {
  return {
    id: job.id,
    importJobName: job.importJobName,
    provider: job.provider,
    state: job.state,
    subscriptionId: job.subscriptionId,
    resourceGroup: job.resourceGroup,
    storageAccount: job.storageAccount,
    container: job.container,
    location: job.location,
    stagingLocation: job.stagingLocation,
    bytesNeedingDrives: job.bytesNeedingDrives.toString(),
    failureReason: job.failureReason,
    createdAt: job.createdAt.toISOString(),
  };
}

@Injectable()
export class SeedingJobsService {
  constructor(@Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient) {}

  async create(dto: CreateSeedingJobDto, actor: string): Promise<SeedingJobView> {
    const info = await stat(dto.stagingLocation).catch(() => undefined);
    const writable = info?.isDirectory()
      ? await access(dto.stagingLocation, constants.W_OK).then(
          () => true,
          () => false,
        )
      : false;
    if (!info?.isDirectory() || !writable) {
      const why = !info ? 'does not exist' : !info.isDirectory() ? 'is not a directory' : 'is not writable by the ingest service';
      throw new StagingIngestException(
        StagingIngestErrorCode.VALIDATION,
        `The request is not valid: stagingLocation: ${dto.stagingLocation} ${why}; give a directory on the staging volume.`,
        { problems: [`stagingLocation: ${why}`] },
      );
    }
    try {
      const job = await this.prisma.$transaction(async (tx) => {
        const created = await tx.seedingJob.create({ data: { ...dto } });
        await tx.jobTimelineEntry.create({ data: { jobId: created.id, actor, action: 'created', toState: 'DRAFT', detail: { importJobName: dto.importJobName } } });
        return created;
      });
      return toView(job);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const existing = await this.prisma.seedingJob.findUnique({ where: { importJobName: dto.importJobName }, select: { id: true } });
        throw new StagingIngestException(
          StagingIngestErrorCode.JOB_NAME_TAKEN,
          `An import job named '${dto.importJobName}' already exists${existing ? ` (job ${existing.id})` : ''}; import job names must be unique. Choose another name.`,
          { existingJobId: existing?.id },
        );
      }
      throw error;
    }
  }

  async get(id: string): Promise<SeedingJobView> {
    const job = /^[0-9a-f-]{36}$/i.test(id) ? await this.prisma.seedingJob.findUnique({ where: { id } }) : null;
    if (!job) throw new StagingIngestException(StagingIngestErrorCode.JOB_NOT_FOUND, `No seeding job with id ${id}.`);
    return toView(job);
  }
}
