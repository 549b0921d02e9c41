import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { relative, resolve } from 'node:path';
import { type Readable } from 'node:stream';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { JETSTREAM_BUS, type JetStreamBus } from '@seedship/messaging';
import { scanTree, worstCaseStagingBytes } from '@seedship/staging-repo';

import { STAGING_INGEST_LOGGER } from '../common/logger.provider';
import { StagingIngestErrorCode, StagingIngestException } from '../common/staging-ingest.exception';
import { STAGING_INGEST_CONFIG, type StagingIngestConfig } from '../config/staging-ingest-env';
import { ACTOR, IngestRunner, LeaseLostError, type RunnerJob, type RunnerSource } from './ingest-runner';
import { assertSpaceFor, freeBytes } from './staging-space';

export interface IngestView {
  readonly jobId: string;
  readonly snapshotId: string;
  readonly sourceKind: string;
  readonly source: string;
  readonly state: string;
  readonly runs: number;
  readonly filesTotal: string | null;
  readonly bytesTotal: string | null;
  readonly filesDone: string;
  readonly bytesDone: string;
  readonly resumedFiles: string;
  readonly bytesReadThisRun: string;
  readonly bytesPerSecond: number;
  readonly secondsLeft: number | null;
  readonly worstCaseBytes: string;
  readonly freeBytesAtStart: string;
  readonly issues: number;
  readonly errorMessage: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

class ShutdownError extends Error {
  constructor() {
    super('The service is shutting down; the ingest stopped with its work kept and resumes when a service instance starts.');
  }
}

/**
 * Starts, resumes and reports ingests. Each ingest is owned by one process at a time through a lease
 * (owner + updated_at in staging_ingest, renewed every progress tick); an ingest whose owner stopped
 * renewing it (crash, kill) is taken over and resumed from its journal.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, { runner: IngestRunner; done: Promise<unknown> }>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private takeoverRunning = false;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(JETSTREAM_BUS) private readonly bus: JetStreamBus,
    @Inject(STAGING_INGEST_CONFIG) private readonly config: StagingIngestConfig,
    @Inject(STAGING_INGEST_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.takeOverAbandoned();
    this.leaseTimer = setInterval(() => void this.takeOverAbandoned(), Math.max(200, Math.floor(this.config.INGEST_LEASE_MS / 3)));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.leaseTimer);
    const stopping = [...this.running.values()];
    for (const { runner } of stopping) runner.requestStop(new ShutdownError());
    await Promise.allSettled(stopping.map(({ done }) => done));
  }

  /** Starts a FULL ingest of a directory under one of SOURCE_ROOTS, after the space check. */
  async startPathIngest(jobId: string, sourcePath: string, actor: string): Promise<IngestView> {
    const job = await this.requireJob(jobId);
    const source = await this.checkSourcePath(sourcePath);
    this.requireDraft(job);
    const scan = await scanTree(source, [job.stagingLocation]);
    const worst = worstCaseStagingBytes(scan.bytes, scan.files);
    const free = await this.checkSpace(job.stagingLocation, worst, scan.files);
    const snapshotId = await this.begin(job.id, actor, { sourceKind: 'PATH', source, filesTotal: scan.files, bytesTotal: scan.bytes, worstCase: worst.totalBytes, free });
    void this.launch(job, snapshotId, scan.bytes, { kind: 'PATH', path: source });
    return this.view(job.id);
  }

  /**
   * Ingests an uploaded tar stream and answers when it is sealed. A re-upload after an interruption
   * resumes: entries already committed are read past without being stored again.
   */
  async ingestTarUpload(jobId: string, stream: Readable, contentLength: number | undefined, actor: string): Promise<IngestView> {
    const job = await this.requireJob(jobId);
    if (contentLength === undefined) {
      throw new StagingIngestException(
        StagingIngestErrorCode.LENGTH_REQUIRED,
        'Send the archive with a Content-Length header: the service checks before it starts that the staging location can hold it.',
      );
    }
    const existing = await this.prisma.stagingIngest.findFirst({ where: { jobId, sourceKind: 'TAR_UPLOAD', state: 'INTERRUPTED' } });
    let snapshotId: string;
    if (existing && job.state === 'STAGING') {
      const claimed = await this.prisma.stagingIngest.updateMany({
        where: { snapshotId: existing.snapshotId, state: 'INTERRUPTED' },
        data: { state: 'RUNNING', owner: this.owner, runs: { increment: 1 }, errorMessage: null, bytesTotal: BigInt(contentLength), bytesReadThisRun: 0n },
      });
      if (claimed.count !== 1) throw new StagingIngestException(StagingIngestErrorCode.WRONG_STATE, `Job ${jobId} is being resumed by another request.`);
      snapshotId = existing.snapshotId;
    } else {
      this.requireDraft(job);
      // A tar entry takes at least one 512-byte header; counting one file per KiB bounds the metadata.
      const files = Math.ceil(contentLength / 1024);
      const worst = worstCaseStagingBytes(contentLength, files);
      const free = await this.checkSpace(job.stagingLocation, worst, files);
      snapshotId = await this.begin(job.id, actor, { sourceKind: 'TAR_UPLOAD', source: 'tar upload', filesTotal: null, bytesTotal: contentLength, worstCase: worst.totalBytes, free });
    }
    const done = this.launch(job, snapshotId, contentLength, { kind: 'TAR_UPLOAD', stream });
    await done;
    return this.view(job.id);
  }

  /** Resumes an ingest that stopped (e.g. for lack of space) once the cause is fixed. */
  async resume(jobId: string): Promise<IngestView> {
    const job = await this.requireJob(jobId);
    const ingest = await this.prisma.stagingIngest.findFirst({ where: { jobId, state: 'INTERRUPTED' }, orderBy: { startedAt: 'desc' } });
    if (!ingest) throw new StagingIngestException(StagingIngestErrorCode.WRONG_STATE, `Job ${jobId} has no interrupted ingest to resume.`);
    if (ingest.sourceKind === 'TAR_UPLOAD') {
      throw new StagingIngestException(StagingIngestErrorCode.WRONG_STATE, `Job ${jobId} was fed by an upload; upload the same archive again to resume it.`);
    }
    const claimed = await this.prisma.stagingIngest.updateMany({
      where: { snapshotId: ingest.snapshotId, state: 'INTERRUPTED' },
      data: { state: 'RUNNING', owner: this.owner, runs: { increment: 1 }, errorMessage: null, bytesReadThisRun: 0n },
    });
    if (claimed.count === 1) void this.launch(job, ingest.snapshotId, ingest.bytesTotal === null ? undefined : Number(ingest.bytesTotal), { kind: 'PATH', path: ingest.source });
    return this.view(job.id);
  }

  async view(jobId: string): Promise<IngestView> {
    const ingest = await this.prisma.stagingIngest.findFirst({ where: { jobId }, orderBy: { startedAt: 'desc' }, include: { _count: { select: { issues: true } } } });
    if (!ingest) {
      await this.requireJob(jobId);
      throw new StagingIngestException(StagingIngestErrorCode.WRONG_STATE, `Job ${jobId} has no ingest yet; start one with POST /seeding-jobs/${jobId}/ingest.`);
    }
    return {
      jobId: ingest.jobId,
      snapshotId: ingest.snapshotId,
      sourceKind: ingest.sourceKind,
      source: ingest.source,
      state: ingest.state,
      runs: ingest.runs,
      filesTotal: ingest.filesTotal?.toString() ?? null,
      bytesTotal: ingest.bytesTotal?.toString() ?? null,
      filesDone: ingest.filesDone.toString(),
      bytesDone: ingest.bytesDone.toString(),
      resumedFiles: ingest.resumedFiles.toString(),
      bytesReadThisRun: ingest.bytesReadThisRun.toString(),
      bytesPerSecond: ingest.bytesPerSecond,
      secondsLeft: ingest.secondsLeft,
      worstCaseBytes: ingest.worstCaseBytes.toString(),
      freeBytesAtStart: ingest.freeBytesAtStart.toString(),
      issues: ingest._count.issues,
      errorMessage: ingest.errorMessage,
      startedAt: ingest.startedAt.toISOString(),
      finishedAt: ingest.finishedAt?.toISOString() ?? null,
    };
  }

  async report(jobId: string): Promise<Array<{ kind: string; outcome: string; path: string; detail: string }>> {
    const ingest = await this.prisma.stagingIngest.findFirst({ where: { jobId }, orderBy: { startedAt: 'desc' } });
    if (!ingest) return [];
    const issues = await this.prisma.ingestIssue.findMany({ where: { snapshotId: ingest.snapshotId }, orderBy: { id: 'asc' } });
    return issues.map(({ kind, outcome, path, detail }) => ({ kind, outcome, path, detail }));
  }

  async stagedBlobs(jobId: string): Promise<Array<{ blobName: string; sizeBytes: string; md5: string; sha256: string }>> {
    await this.requireJob(jobId);
    const blobs = await this.prisma.stagedBlob.findMany({ where: { jobId }, orderBy: { blobName: 'asc' } });
    return blobs.map((blob) => ({ blobName: blob.blobName, sizeBytes: blob.sizeBytes.toString(), md5: blob.md5, sha256: blob.sha256 }));
  }

  /** Waits for this process's run of a job's ingest (tests and graceful paths). */
  async settled(jobId: string): Promise<void> {
    for (const entry of [...this.running.values()].filter(({ runner }) => runner.job.id === jobId)) await entry.done.catch(() => undefined);
  }

  private async requireJob(jobId: string): Promise<RunnerJob & { state: string }> {
    const job = /^[0-9a-f-]{36}$/i.test(jobId)
      ? await this.prisma.seedingJob.findUnique({ where: { id: jobId }, select: { id: true, importJobName: true, stagingLocation: true, state: true } })
      : null;
    if (!job) throw new StagingIngestException(StagingIngestErrorCode.JOB_NOT_FOUND, `No seeding job with id ${jobId}.`);
    return job;
  }

  private requireDraft(job: { id: string; state: string }): void {
    if (job.state !== 'DRAFT') {
      throw new StagingIngestException(
        StagingIngestErrorCode.WRONG_STATE,
        `Job ${job.id} is ${job.state}; an initial ingest can start only while the job is DRAFT. Follow the running ingest with GET /seeding-jobs/${job.id}/ingest.`,
        { state: job.state },
      );
    }
  }

  private async checkSourcePath(sourcePath: string): Promise<string> {
    if (typeof sourcePath !== 'string' || !sourcePath.startsWith('/')) {
      throw new StagingIngestException(StagingIngestErrorCode.VALIDATION, 'sourcePath must be an absolute path on a mounted share.', { field: 'sourcePath' });
    }
    const source = resolve(sourcePath);
    const allowed = this.config.SOURCE_ROOTS.some((root) => {
      const inside = relative(resolve(root), source);
      return inside === '' || (!inside.startsWith('..') && !inside.startsWith('/'));
    });
    if (!allowed) {
      throw new StagingIngestException(
        StagingIngestErrorCode.SOURCE_NOT_ALLOWED,
        `${source} is outside the shares this service may read (SOURCE_ROOTS: ${this.config.SOURCE_ROOTS.join(', ')}). Mount the data under one of them.`,
      );
    }
    const info = await stat(source).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new StagingIngestException(StagingIngestErrorCode.SOURCE_NOT_FOUND, `${source} ${info ? 'is not a directory' : 'does not exist'}; give the directory to ingest.`);
    }
    return source;
  }

  private async checkSpace(stagingLocation: string, worst: { totalBytes: number; dataBytes: number; metadataBytes: number }, files: number): Promise<number> {
    const free = await freeBytes(stagingLocation).catch(() => {
      throw new StagingIngestException(StagingIngestErrorCode.VALIDATION, `Staging location ${stagingLocation} cannot be read; check that the staging volume is mounted.`);
    });
    const others = await this.prisma.stagingIngest.findMany({
      where: { state: { in: ['RUNNING', 'INTERRUPTED'] }, job: { stagingLocation } },
      select: { worstCaseBytes: true, bytesDone: true },
    });
    const otherIngestsBytes = others.reduce((sum, other) => sum + Math.max(0, Number(other.worstCaseBytes - other.bytesDone)), 0);
    assertSpaceFor({
      stagingLocation,
      freeBytes: free,
      reserveBytes: this.config.STAGING_RESERVE_BYTES,
      otherIngestsBytes,
      worstCaseBytes: worst.totalBytes,
      dataBytes: worst.dataBytes,
      metadataBytes: worst.metadataBytes,
      files,
    });
    return free;
  }

  /** DRAFT -> STAGING, the OPEN snapshot and the RUNNING ingest owned by this process, in one transaction. */
  private async begin(
    jobId: string,
    actor: string,
    ingest: { sourceKind: 'PATH' | 'TAR_UPLOAD'; source: string; filesTotal: number | null; bytesTotal: number; worstCase: number; free: number },
  ): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const snapshot = await tx.stagingSnapshot.create({ data: { jobId, kind: 'FULL' } });
      await tx.stagingIngest.create({
        data: {
          snapshotId: snapshot.id,
          jobId,
          sourceKind: ingest.sourceKind,
          source: ingest.source,
          filesTotal: ingest.filesTotal === null ? null : BigInt(ingest.filesTotal),
          bytesTotal: BigInt(ingest.bytesTotal),
          worstCaseBytes: BigInt(ingest.worstCase),
          freeBytesAtStart: BigInt(ingest.free),
          owner: this.owner,
        },
      });
      await transitionJob(tx, { jobId, to: 'STAGING', actor, detail: { snapshotId: snapshot.id, source: ingest.source, worstCaseBytes: String(ingest.worstCase) } });
      return snapshot.id;
    });
  }

  private launch(job: RunnerJob, snapshotId: string, bytesTotal: number | undefined, source: RunnerSource): Promise<unknown> {
    const runner = new IngestRunner(this.prisma, this.bus, this.config, this.logger, this.owner, job, snapshotId, bytesTotal);
    const done = runner
      .run(source)
      .then((sealed) => {
        this.logger.info({ jobId: job.id, snapshotId, manifestId: sealed.manifestId, blobs: sealed.objects.length }, 'Snapshot sealed');
      })
      .catch(async (error: unknown) => this.stopped(snapshotId, source, error))
      .finally(() => this.running.delete(snapshotId));
    this.running.set(snapshotId, { runner, done });
    return done;
  }

  /** Records why a run stopped. Lease lost: nothing (the new owner records). Otherwise INTERRUPTED, resumable. */
  private async stopped(snapshotId: string, source: RunnerSource, error: unknown): Promise<void> {
    if (error instanceof LeaseLostError) {
      this.logger.warn({ snapshotId }, error.message);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ShutdownError && source.kind === 'PATH') {
      // Released, not interrupted: the next instance takes it over at once.
      await this.prisma.stagingIngest.updateMany({ where: { snapshotId, owner: this.owner }, data: { owner: null } });
      return;
    }
    this.logger.error({ err: error, snapshotId }, 'Ingest stopped');
    const hint = source.kind === 'TAR_UPLOAD' ? ' Upload the same archive again to continue; entries already committed are not stored again.' : '';
    await this.prisma.stagingIngest.updateMany({ where: { snapshotId, owner: this.owner }, data: { state: 'INTERRUPTED', owner: null, errorMessage: `${message}${hint}` } });
  }

  /**
   * Takes over ingests whose owner stopped renewing the lease (or released it at shutdown). Path
   * ingests resume here; an upload cannot (its client is gone), so it is marked INTERRUPTED.
   */
  private async takeOverAbandoned(): Promise<void> {
    if (this.takeoverRunning) return;
    this.takeoverRunning = true;
    try {
      const staleBefore = new Date(Date.now() - this.config.INGEST_LEASE_MS);
      const candidates = await this.prisma.stagingIngest.findMany({
        where: { state: 'RUNNING', OR: [{ owner: null }, { updatedAt: { lt: staleBefore } }], NOT: { owner: this.owner } },
        include: { job: { select: { id: true, importJobName: true, stagingLocation: true } } },
      });
      for (const candidate of candidates) {
        if (candidate.sourceKind === 'TAR_UPLOAD') {
          await this.prisma.stagingIngest.updateMany({
            where: { snapshotId: candidate.snapshotId, state: 'RUNNING', updatedAt: candidate.updatedAt },
            data: { state: 'INTERRUPTED', owner: null, errorMessage: 'The upload was cut off when the service stopped. Upload the same archive again to continue; entries already committed are not stored again.' },
          });
          continue;
        }
        const claimed = await this.prisma.stagingIngest.updateMany({
          where: { snapshotId: candidate.snapshotId, state: 'RUNNING', updatedAt: candidate.updatedAt },
          data: { owner: this.owner, runs: { increment: 1 }, bytesReadThisRun: 0n },
        });
        if (claimed.count !== 1) continue;
        this.logger.info({ jobId: candidate.jobId, snapshotId: candidate.snapshotId, previousOwner: candidate.owner }, 'Resuming an abandoned ingest');
        await this.prisma.jobTimelineEntry.create({
          data: { jobId: candidate.jobId, actor: ACTOR, action: 'ingest-resumed', detail: { snapshotId: candidate.snapshotId, previousOwner: candidate.owner, owner: this.owner } },
        });
        void this.launch(candidate.job, candidate.snapshotId, candidate.bytesTotal === null ? undefined : Number(candidate.bytesTotal), { kind: 'PATH', path: candidate.source });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not look for abandoned ingests');
    } finally {
      this.takeoverRunning = false;
    }
  }
}
