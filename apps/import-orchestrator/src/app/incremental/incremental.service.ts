import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { verifyBlobs } from '@seedship/azure';
import { OrchestrationIncrementalUploaded } from '@seedship/contracts';
import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { type Logger } from '@seedship/logging';
import { enqueueEvent } from '@seedship/messaging';
import { type SealResult, StagingRepository, ingestTree, joinBlobName, uploadStagedObjects } from '@seedship/staging-repo';

import { AZURE_ACCESS } from '../azure/azure.tokens';
import { type AzureAccess } from '../azure/azure-access';
import { CRASH_SWITCH } from '../common/crash.tokens';
import { type CrashSwitch } from '../common/crash-switch';
import { ImportOrchestratorErrorCode, ImportOrchestratorException } from '../common/import-orchestrator.exception';
import { ORCHESTRATOR_LOGGER } from '../common/logger.provider';
import { IMPORT_ORCHESTRATOR_CONFIG, type ImportOrchestratorConfig } from '../config/import-orchestrator-env';

export interface OnlineUploadView {
  readonly jobId: string;
  readonly snapshotId: string;
  readonly state: string;
  readonly source: string;
  readonly manifestId: string | null;
  readonly objectsTotal: number;
  readonly objectsUploaded: number;
  readonly objectsAlreadyPresent: number;
  readonly packsUploaded: number;
  readonly bytesTotal: string;
  readonly bytesUploaded: string;
  readonly bytesPerSecond: number;
  readonly errorMessage: string | null;
}

/**
 * The online incremental after seeding: an INCREMENTAL snapshot of the changed source in the job's
 * staging repository (only new chunks become new packs), then an upload of just the objects the
 * container lacks, each checked by length and MD5. A restart resumes the snapshot from its journal and
 * skips objects already in the container.
 */
@Injectable()
export class IncrementalService {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(AZURE_ACCESS) private readonly azure: AzureAccess,
    @Inject(IMPORT_ORCHESTRATOR_CONFIG) private readonly config: ImportOrchestratorConfig,
    @Inject(CRASH_SWITCH) private readonly crash: CrashSwitch,
    @Inject(ORCHESTRATOR_LOGGER) private readonly logger: Logger,
  ) {}

  /** Records an incremental of a seeded job; the leader runs it. */
  async start(jobId: string, sourcePath: string): Promise<OnlineUploadView> {
    const job = await this.prisma.seedingJob.findUnique({ where: { id: jobId } });
    if (!job) throw new ImportOrchestratorException(ImportOrchestratorErrorCode.JOB_NOT_FOUND, `No seeding job with id ${jobId}.`);
    if (job.state !== 'SEEDED') {
      throw new ImportOrchestratorException(ImportOrchestratorErrorCode.WRONG_STATE, `Job ${jobId} is ${job.state}; incrementals go online only after the seed is verified (SEEDED).`, { state: job.state });
    }
    const source = await this.checkSource(sourcePath);
    const open = await this.prisma.onlineUpload.findFirst({ where: { jobId, state: 'RUNNING' } });
    if (open) {
      throw new ImportOrchestratorException(ImportOrchestratorErrorCode.WRONG_STATE, `Job ${jobId} already has incremental ${open.snapshotId} running; wait for it to finish.`, { snapshotId: open.snapshotId });
    }
    const snapshot = await this.prisma.$transaction(async (tx) => {
      const created = await tx.stagingSnapshot.create({ data: { jobId, kind: 'INCREMENTAL' } });
      await tx.onlineUpload.create({ data: { snapshotId: created.id, jobId, source } });
      return created;
    });
    this.logger.info({ jobId, snapshotId: snapshot.id, source }, 'Incremental recorded');
    return this.view(jobId, snapshot.id);
  }

  /** Runs every RUNNING incremental this process is not already running (called by the leader). */
  async resumeInterrupted(): Promise<void> {
    const uploads = await this.prisma.onlineUpload.findMany({ where: { state: 'RUNNING' }, select: { snapshotId: true } });
    for (const { snapshotId } of uploads) {
      if (this.running.has(snapshotId)) continue;
      const done = this.run(snapshotId).finally(() => this.running.delete(snapshotId));
      this.running.set(snapshotId, done);
    }
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  async view(jobId: string, snapshotId: string): Promise<OnlineUploadView> {
    const upload = /^[0-9a-f-]{36}$/i.test(snapshotId)
      ? await this.prisma.onlineUpload.findFirst({ where: { jobId, snapshotId }, include: { snapshot: { select: { manifestId: true } } } })
      : null;
    if (!upload) throw new ImportOrchestratorException(ImportOrchestratorErrorCode.JOB_NOT_FOUND, `Job ${jobId} has no incremental ${snapshotId}.`);
    return {
      jobId: upload.jobId,
      snapshotId: upload.snapshotId,
      state: upload.state,
      source: upload.source,
      manifestId: upload.snapshot.manifestId,
      objectsTotal: upload.objectsTotal,
      objectsUploaded: upload.objectsUploaded,
      objectsAlreadyPresent: upload.objectsAlreadyPresent,
      packsUploaded: upload.packsUploaded,
      bytesTotal: upload.bytesTotal.toString(),
      bytesUploaded: upload.bytesUploaded.toString(),
      bytesPerSecond: upload.bytesPerSecond,
      errorMessage: upload.errorMessage,
    };
  }

  private async run(snapshotId: string): Promise<void> {
    const upload = await this.prisma.onlineUpload.findUniqueOrThrow({ where: { snapshotId }, include: { job: true } });
    const job = upload.job;
    try {
      const repoDir = join(job.stagingLocation, job.importJobName);
      const repo = await StagingRepository.open(repoDir);
      const sealed = (await repo.findSealedSnapshot(snapshotId)) ?? (await this.snapshot(repo, repoDir, job.id, snapshotId, upload.source, job.stagingLocation));
      await this.prisma.$transaction(async (tx) => {
        await tx.stagedBlob.createMany({
          data: sealed.objects.map((object) => ({
            jobId: job.id,
            snapshotId,
            blobName: joinBlobName(job.importJobName, object.path),
            sizeBytes: BigInt(object.size),
            md5: object.md5,
            sha256: object.sha256,
          })),
          skipDuplicates: true,
        });
        await tx.stagingSnapshot.update({
          where: { id: snapshotId },
          data: {
            state: 'SEALED',
            manifestId: sealed.manifestId,
            fileCount: BigInt(sealed.header.stats.files),
            sourceBytes: BigInt(sealed.header.stats.sourceBytes),
            storedBytes: BigInt(sealed.header.stats.storedBytes),
            sealedAt: new Date(),
          },
        });
        await tx.onlineUpload.update({
          where: { snapshotId },
          data: { objectsTotal: sealed.objects.length, bytesTotal: BigInt(sealed.objects.reduce((sum, object) => sum + object.size, 0)) },
        });
      });
      await this.upload(repo, sealed, job, snapshotId);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ jobId: job.id, snapshotId, err: error }, 'Incremental failed');
      await this.prisma.onlineUpload.update({ where: { snapshotId }, data: { state: 'FAILED', errorMessage: message, finishedAt: new Date() } });
    }
  }

  private async snapshot(repo: StagingRepository, repoDir: string, jobId: string, snapshotId: string, source: string, stagingLocation: string): Promise<SealResult> {
    const parent = await this.prisma.stagingSnapshot.findFirst({
      where: { jobId, state: 'SEALED', manifestId: { not: null }, id: { not: snapshotId } },
      orderBy: { sealedAt: 'desc' },
    });
    if (!parent?.manifestId) throw new Error(`Job ${jobId} has no sealed snapshot to build the incremental on.`);
    const writer = await repo.startSnapshot({ snapshotId, kind: 'INCREMENTAL', parentManifestId: parent.manifestId, source });
    try {
      let files = 0;
      await ingestTree(writer, source, {
        exclude: [repoDir, stagingLocation],
        onProgress: (progress) => {
          if (progress.files > files && progress.files >= 2) this.crash.reached('mid-incremental-snapshot');
          files = progress.files;
        },
      });
      return await writer.seal();
    } catch (error) {
      await writer.flush().catch(() => undefined);
      await writer.close().catch(() => undefined);
      throw error;
    }
  }

  private async upload(repo: StagingRepository, sealed: SealResult, job: { id: string; importJobName: string; storageAccount: string; container: string }, snapshotId: string): Promise<void> {
    const container = this.azure.container(job.storageAccount, job.container);
    await container.createIfNotExists();
    const present = new Map<string, { length: number | undefined; md5: string | undefined }>();
    for await (const blob of container.listBlobsFlat({ prefix: `${job.importJobName}/` })) {
      present.set(blob.name, { length: blob.properties.contentLength, md5: blob.properties.contentMD5 ? Buffer.from(blob.properties.contentMD5).toString('base64') : undefined });
    }
    const started = Date.now();
    let bytesThisRun = 0;
    for (const object of sealed.objects) {
      const name = joinBlobName(job.importJobName, object.path);
      const existing = present.get(name);
      if (existing && existing.length === object.size && existing.md5 === object.md5) {
        await this.prisma.onlineUpload.update({ where: { snapshotId }, data: { objectsAlreadyPresent: { increment: 1 } } });
        continue;
      }
      await uploadStagedObjects(repo, [object], container, job.importJobName);
      bytesThisRun += object.size;
      await this.prisma.onlineUpload.update({
        where: { snapshotId },
        data: {
          objectsUploaded: { increment: 1 },
          packsUploaded: { increment: object.path.startsWith('packs/') ? 1 : 0 },
          bytesUploaded: { increment: BigInt(object.size) },
          bytesPerSecond: bytesThisRun / Math.max(0.001, (Date.now() - started) / 1000),
        },
      });
      this.crash.reached('mid-incremental-upload');
    }
    const check = await verifyBlobs(
      container,
      sealed.objects.map((object) => ({ blobName: joinBlobName(job.importJobName, object.path), sizeBytes: BigInt(object.size), md5: object.md5 })),
      [`${job.importJobName}/`],
    );
    if (check.problems.length > 0) throw new Error(`After the upload ${check.problems.length} object(s) differ in the container: ${check.problems.map((problem) => problem.blobName).join(', ')}`);
    await this.prisma.$transaction(async (tx) => {
      const done = await tx.onlineUpload.update({ where: { snapshotId }, data: { state: 'COMPLETED', finishedAt: new Date() } });
      await enqueueEvent(tx, OrchestrationIncrementalUploaded, {
        jobId: job.id,
        snapshotId,
        manifestId: sealed.manifestId,
        objectsUploaded: done.objectsUploaded,
        packsUploaded: done.packsUploaded,
        objectsAlreadyPresent: done.objectsAlreadyPresent,
        bytesUploaded: done.bytesUploaded.toString(),
      });
    });
    this.logger.info({ jobId: job.id, snapshotId, objects: sealed.objects.length }, 'Incremental uploaded and verified');
  }

  private async checkSource(sourcePath: string): Promise<string> {
    const source = resolve(sourcePath);
    const allowed = this.config.SOURCE_ROOTS.some((root) => {
      const inside = relative(resolve(root), source);
      return inside === '' || (!inside.startsWith('..') && !inside.startsWith('/'));
    });
    if (!allowed) {
      throw new ImportOrchestratorException(
        ImportOrchestratorErrorCode.SOURCE_NOT_ALLOWED,
        `${source} is outside the directories incrementals may read (SOURCE_ROOTS: ${this.config.SOURCE_ROOTS.join(', ') || 'none configured'}).`,
      );
    }
    const info = await stat(source).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new ImportOrchestratorException(ImportOrchestratorErrorCode.SOURCE_NOT_FOUND, `${source} ${info ? 'is not a directory' : 'does not exist'}; give the directory to snapshot.`);
    }
    return source;
  }
}
