import { randomUUID } from 'node:crypto';
import path from 'node:path';

import { type PrismaClient } from '@seedship/db';
import { StagingRepository, generateCorpus, ingestTree, joinBlobName } from '@seedship/staging-repo';

export interface StagedJob {
  readonly jobId: string;
  readonly importJobName: string;
  readonly blobs: readonly { blobName: string; sizeBytes: number }[];
  readonly stagedBytes: number;
}

export interface StagedJobOptions {
  readonly importJobName: string;
  /** The staging volume: the repository goes to <stagingLocation>/<importJobName>, as staging-ingest puts it. */
  readonly stagingLocation: string;
  readonly workDir: string;
  readonly largeFiles: number;
  readonly largeFileBytes: number;
  readonly packTargetBytes: number;
  readonly storageAccount?: string;
  /** Default AWAITING_DRIVES; STAGED leaves the move to the test (as the orchestrator makes it). */
  readonly state?: 'STAGED' | 'AWAITING_DRIVES';
}

/**
 * A job as staging-ingest leaves it once sealed, moved on to AWAITING_DRIVES as the orchestrator
 * does: a generated tree ingested into a real staging repository, and SeedingJob, StagingSnapshot
 * and StagedBlob rows recorded the way apps/staging-ingest records them.
 */
export async function createStagedJob(prisma: PrismaClient, options: StagedJobOptions): Promise<StagedJob> {
  const source = path.join(options.workDir, `source-${options.importJobName}`);
  await generateCorpus(source, { smallFiles: 12, largeFiles: options.largeFiles, largeFileBytes: options.largeFileBytes, duplicates: 2 });
  const repo = await StagingRepository.create(path.join(options.stagingLocation, options.importJobName), { packTargetBytes: options.packTargetBytes });
  const snapshotId = randomUUID();
  const writer = await repo.startSnapshot({ snapshotId, kind: 'FULL', source });
  await ingestTree(writer, source);
  const sealed = await writer.seal();
  const job = await prisma.seedingJob.create({
    data: {
      importJobName: options.importJobName,
      state: options.state ?? 'AWAITING_DRIVES',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      resourceGroup: 'seedship-rg',
      storageAccount: options.storageAccount ?? 'seedshipstore',
      container: 'seed',
      location: 'westeurope',
      stagingLocation: options.stagingLocation,
    },
  });
  const stagedBytes = sealed.objects.reduce((sum, object) => sum + object.size, 0);
  await prisma.stagingSnapshot.create({
    data: {
      id: snapshotId,
      jobId: job.id,
      kind: 'FULL',
      state: 'SEALED',
      manifestId: sealed.manifestId,
      fileCount: BigInt(sealed.header.stats.files),
      sourceBytes: BigInt(sealed.header.stats.sourceBytes),
      storedBytes: BigInt(sealed.header.stats.storedBytes),
      sealedAt: new Date(),
    },
  });
  const blobs = sealed.objects.map((object) => ({ blobName: joinBlobName(options.importJobName, object.path), sizeBytes: object.size, md5: object.md5, sha256: object.sha256 }));
  await prisma.stagedBlob.createMany({
    data: blobs.map((blob) => ({ jobId: job.id, snapshotId, blobName: blob.blobName, sizeBytes: BigInt(blob.sizeBytes), md5: blob.md5, sha256: blob.sha256 })),
  });
  await prisma.seedingJob.update({ where: { id: job.id }, data: { bytesNeedingDrives: BigInt(stagedBytes) } });
  return { jobId: job.id, importJobName: options.importJobName, blobs, stagedBytes };
}
