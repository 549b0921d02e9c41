import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type Readable } from 'node:stream';

import { StagingIngestProgress, StagingSnapshotSealed } from '@seedship/contracts';
import { type PrismaClient } from '@seedship/db';
import { transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { enqueueEvent, type JetStreamBus } from '@seedship/messaging';
import {
  type IngestIssue,
  ingestTree,
  joinBlobName,
  type SealResult,
  type SnapshotWriter,
  StagingRepository,
  type TreeIngestProgress,
} from '@seedship/staging-repo';

import { type StagingIngestConfig } from '../config/staging-ingest-env';
import { formatBytes, freeBytes } from './staging-space';
import { ingestTarStream } from './tar-ingest';

export const ACTOR = 'system:staging-ingest';

/** Where a job's staging repository lives: one repository per job under the staging location. */
export function repositoryDir(stagingLocation: string, importJobName: string): string {
  return join(stagingLocation, importJobName);
}

export interface RunnerJob {
  readonly id: string;
  readonly importJobName: string;
  readonly stagingLocation: string;
}

export type RunnerSource = { kind: 'PATH'; path: string } | { kind: 'TAR_UPLOAD'; stream: Readable };

export class LeaseLostError extends Error {
  constructor(snapshotId: string) {
    super(`Another process took over ingest ${snapshotId}; this one stops.`);
    this.name = 'LeaseLostError';
  }
}

class StagingAreaFullError extends Error {}

/**
 * Runs one ingest to the end: opens (or resumes) the snapshot in the job's staging repository, feeds
 * it, saves progress and renews the lease every tick (publishing progress on NATS), then seals the
 * snapshot and records the staged blobs, the job's move to STAGED and the sealed event in one
 * transaction. A crash anywhere leaves a state the next run continues from.
 */
export class IngestRunner {
  private writer: SnapshotWriter | undefined;
  private progress: TreeIngestProgress = { files: 0, resumedFiles: 0, bytes: 0 };
  private issues: IngestIssue[] = [];
  private timer: NodeJS.Timeout | undefined;
  private tickRunning: Promise<void> | undefined;
  private lastTick = { at: Date.now(), bytes: 0 };
  private rate = 0;
  private stopReason: Error | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: JetStreamBus,
    private readonly config: StagingIngestConfig,
    private readonly logger: Logger,
    private readonly owner: string,
    readonly job: RunnerJob,
    readonly snapshotId: string,
    private readonly bytesTotal: number | undefined,
  ) {}

  /** Asks a running ingest to stop at the next chance (graceful shutdown); its work so far is kept. */
  requestStop(reason: Error): void {
    this.stopReason ??= reason;
  }

  async run(source: RunnerSource): Promise<SealResult> {
    const repoDir = repositoryDir(this.job.stagingLocation, this.job.importJobName);
    const repo = await StagingRepository.openOrCreate(repoDir, { compressionLevel: this.config.ZSTD_LEVEL, packTargetBytes: this.config.PACK_TARGET_BYTES });
    const alreadySealed = await repo.findSealedSnapshot(this.snapshotId);
    if (alreadySealed) {
      // The repository sealed it but the process died before Postgres recorded it.
      if (source.kind === 'TAR_UPLOAD') source.stream.resume();
      await this.record(alreadySealed);
      return alreadySealed;
    }
    const writer = await repo.startSnapshot({
      snapshotId: this.snapshotId,
      kind: 'FULL',
      source: source.kind === 'PATH' ? source.path : 'tar upload',
    });
    this.writer = writer;
    this.lastTick = { at: Date.now(), bytes: 0 };
    this.timer = setInterval(() => {
      this.tickRunning ??= this.tick().finally(() => {
        this.tickRunning = undefined;
      });
    }, this.config.PROGRESS_INTERVAL_MS);
    try {
      const options = {
        onIssue: (issue: IngestIssue) => {
          this.issues.push(issue);
        },
        onProgress: (progress: TreeIngestProgress) => {
          this.progress = progress;
          if (this.stopReason) throw this.stopReason;
        },
      };
      if (source.kind === 'PATH') {
        await ingestTree(writer, source.path, { ...options, exclude: [repoDir, this.job.stagingLocation] });
      } else {
        await ingestTarStream(writer, source.stream, options);
      }
      clearInterval(this.timer);
      await this.tickRunning;
      await this.tick();
      const sealed = await writer.seal();
      await this.record(sealed);
      return sealed;
    } catch (error) {
      clearInterval(this.timer);
      await this.tickRunning;
      // Keep what was done: make it durable and save the report, so a resume starts from here.
      await writer.flush().catch(() => undefined);
      await writer.close().catch(() => undefined);
      await this.saveIssues().catch(() => undefined);
      throw error;
    }
  }

  private async tick(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastTick.at) / 1000);
    const instant = (this.progress.bytes - this.lastTick.bytes) / seconds;
    this.rate = this.rate === 0 ? instant : 0.7 * this.rate + 0.3 * instant;
    this.lastTick = { at: now, bytes: this.progress.bytes };
    const secondsLeft = this.bytesTotal !== undefined && this.rate > 0 ? Math.max(0, (this.bytesTotal - this.progress.bytes) / this.rate) : undefined;
    const filesDone = this.progress.files + this.progress.resumedFiles;
    await this.saveIssues();
    const updated = await this.prisma.stagingIngest.updateMany({
      where: { snapshotId: this.snapshotId, owner: this.owner },
      data: {
        filesDone: BigInt(filesDone),
        bytesDone: BigInt(this.progress.bytes),
        resumedFiles: BigInt(this.progress.resumedFiles),
        bytesReadThisRun: BigInt(writer.counters.bytesRead),
        bytesPerSecond: this.rate,
        secondsLeft: secondsLeft ?? null,
      },
    });
    if (updated.count === 0) this.requestStop(new LeaseLostError(this.snapshotId));
    const free = await freeBytes(this.job.stagingLocation).catch(() => Number.POSITIVE_INFINITY);
    if (free < this.config.STAGING_RESERVE_BYTES / 2) {
      this.requestStop(
        new StagingAreaFullError(
          `Staging location ${this.job.stagingLocation} is down to ${formatBytes(free)} free, under half of the ${formatBytes(this.config.STAGING_RESERVE_BYTES)} reserve; the ingest stopped with its work kept. Free space there and resume it.`,
        ),
      );
    }
    try {
      await this.bus.publish(StagingIngestProgress, {
        jobId: this.job.id,
        files: filesDone,
        bytesDone: String(this.progress.bytes),
        ...(this.bytesTotal !== undefined ? { bytesTotal: String(this.bytesTotal) } : {}),
        bytesPerSecond: this.rate,
        ...(secondsLeft !== undefined ? { secondsLeft } : {}),
      });
    } catch (error) {
      // Progress is informational and saved in Postgres; NATS being away must not stop the ingest.
      this.logger.warn({ err: error, jobId: this.job.id }, 'Could not publish ingest progress');
    }
  }

  private async saveIssues(): Promise<void> {
    if (this.issues.length === 0) return;
    const batch = this.issues;
    this.issues = [];
    await this.prisma.ingestIssue.createMany({
      data: batch.map((issue) => ({
        snapshotId: this.snapshotId,
        kind: issue.kind,
        outcome: issue.outcome,
        path: issue.path,
        pathHash: createHash('md5').update(issue.path).digest('hex'),
        detail: issue.detail,
      })),
      skipDuplicates: true,
    });
  }

  /** Postgres learns of the sealed snapshot: staged blobs, snapshot, ingest, job state and event, together. */
  private async record(sealed: SealResult): Promise<void> {
    await this.saveIssues();
    const stagedBytes = sealed.objects.reduce((sum, object) => sum + object.size, 0);
    const stats = sealed.header.stats;
    await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.stagingIngest.updateMany({
        where: { snapshotId: this.snapshotId, owner: this.owner, state: 'RUNNING' },
        data: {
          state: 'COMPLETED',
          finishedAt: new Date(),
          filesDone: BigInt(stats.files),
          bytesDone: BigInt(stats.sourceBytes),
          secondsLeft: 0,
        },
      });
      if (claimed.count !== 1) throw new LeaseLostError(this.snapshotId);
      await tx.stagedBlob.createMany({
        data: sealed.objects.map((object) => ({
          jobId: this.job.id,
          snapshotId: this.snapshotId,
          blobName: joinBlobName(this.job.importJobName, object.path),
          sizeBytes: BigInt(object.size),
          md5: object.md5,
          sha256: object.sha256,
        })),
        skipDuplicates: true,
      });
      await tx.stagingSnapshot.update({
        where: { id: this.snapshotId },
        data: {
          state: 'SEALED',
          manifestId: sealed.manifestId,
          fileCount: BigInt(stats.files),
          sourceBytes: BigInt(stats.sourceBytes),
          storedBytes: BigInt(stats.storedBytes),
          sealedAt: new Date(),
        },
      });
      await transitionJob(tx, {
        jobId: this.job.id,
        to: 'STAGED',
        actor: ACTOR,
        detail: { snapshotId: this.snapshotId, manifestId: sealed.manifestId, stagedBlobs: sealed.objects.length, stagedBytes: String(stagedBytes) },
      });
      await tx.seedingJob.update({ where: { id: this.job.id }, data: { bytesNeedingDrives: BigInt(stagedBytes), version: { increment: 1 } } });
      await enqueueEvent(tx, StagingSnapshotSealed, {
        jobId: this.job.id,
        snapshotId: this.snapshotId,
        kind: 'FULL',
        stagedBlobCount: sealed.objects.length,
        stagedBytes: String(stagedBytes),
      });
    });
  }
}
