import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { StagingSnapshotSealed } from '@seedship/contracts';
import { type PrismaClient } from '@seedship/db';
import { transitionJob } from '@seedship/jobs';
import { enqueueEvent } from '@seedship/messaging';
import { MasterKey, encryptSecret, recoveryPasswordContext } from '@seedship/secrets';
import { StagingRepository, ingestTree, joinBlobName, textBytes } from '@seedship/staging-repo';
import { simControl, type AzureSimEndpoint } from '@seedship/testing';
import { type FixtureDrive, buildDriveImage } from '@seedship/testing-drives';

export const SUBSCRIPTION = '00000000-0000-4000-8000-0000000000bb';
export const RESOURCE_GROUP = 'seed-rg';
export const ACCOUNT = 'seedacct';
export const CONTAINER = 'seed';
/** Small packs, so a small source makes many of them and an incremental adds only a few. */
export const PACK_TARGET_BYTES = 256 * 1024;

/** A source tree that does not compress (random) in a few files, plus some text. */
export async function writeSource(root: string, seed: number): Promise<void> {
  await mkdir(join(root, 'docs'), { recursive: true });
  await mkdir(join(root, 'data'), { recursive: true });
  for (let index = 0; index < 4; index += 1)
    await writeFile(join(root, 'data', `part-${index}.bin`), randomBytes(700 * 1024 + index));
  for (let index = 0; index < 6; index += 1)
    await writeFile(join(root, 'docs', `note-${index}.txt`), textBytes(20_000 + index * 333, seed + index));
}

/** Changes the source the way a day of work would: one file rewritten, one added, one removed. */
export async function changeSource(root: string, seed: number): Promise<void> {
  await writeFile(join(root, 'data', 'part-1.bin'), randomBytes(500 * 1024));
  await writeFile(join(root, 'data', 'new-part.bin'), randomBytes(300 * 1024));
  await writeFile(join(root, 'docs', 'note-2.txt'), textBytes(15_000, seed + 99));
  const { rm } = await import('node:fs/promises');
  await rm(join(root, 'docs', 'note-5.txt'));
}

/**
 * Does what staging-ingest does for a job (its own service is not started here): creates the job,
 * stages the source as a FULL snapshot in the job's repository, records the staged blobs with sizes and
 * MD5s, moves the job to STAGED and writes the sealed event to the outbox (the orchestrator's relay
 * publishes it).
 */
export async function stageJob(
  prisma: PrismaClient,
  options: {
    importJobName: string;
    provider: 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';
    source: string;
    stagingLocation: string;
    location: string;
  },
): Promise<{ jobId: string; snapshotId: string; manifestId: string }> {
  const job = await prisma.seedingJob.create({
    data: {
      importJobName: options.importJobName,
      provider: options.provider,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RESOURCE_GROUP,
      storageAccount: ACCOUNT,
      container: CONTAINER,
      location: options.location,
      stagingLocation: options.stagingLocation,
    },
  });
  const snapshot = await prisma.$transaction(async (tx) => {
    await transitionJob(tx, { jobId: job.id, to: 'STAGING', actor: 'system:staging-ingest' });
    return tx.stagingSnapshot.create({ data: { jobId: job.id, kind: 'FULL' } });
  });
  const repoDir = join(options.stagingLocation, options.importJobName);
  const repo = await StagingRepository.create(repoDir, { packTargetBytes: PACK_TARGET_BYTES });
  const writer = await repo.startSnapshot({ snapshotId: snapshot.id, kind: 'FULL', source: options.source });
  await ingestTree(writer, options.source);
  const sealed = await writer.seal();
  const stagedBytes = sealed.objects.reduce((sum, object) => sum + object.size, 0);
  await prisma.$transaction(async (tx) => {
    await tx.stagedBlob.createMany({
      data: sealed.objects.map((object) => ({
        jobId: job.id,
        snapshotId: snapshot.id,
        blobName: joinBlobName(options.importJobName, object.path),
        sizeBytes: BigInt(object.size),
        md5: object.md5,
        sha256: object.sha256,
      })),
    });
    await tx.stagingSnapshot.update({
      where: { id: snapshot.id },
      data: { state: 'SEALED', manifestId: sealed.manifestId, sealedAt: new Date() },
    });
    await transitionJob(tx, { jobId: job.id, to: 'STAGED', actor: 'system:staging-ingest' });
    await enqueueEvent(tx, StagingSnapshotSealed, {
      jobId: job.id,
      snapshotId: snapshot.id,
      kind: 'FULL',
      stagedBlobCount: sealed.objects.length,
      stagedBytes: String(stagedBytes),
    });
  });
  return { jobId: job.id, snapshotId: snapshot.id, manifestId: sealed.manifestId };
}

/**
 * Does what the disk-prep agent does once its drives are verified (the agent is not started here): builds
 * real BitLocker + NTFS drive images from the staged files (libs/testing's builder, until libs/drive-format
 * lands), registers them with the simulated datacenter, and writes the Drive and DriveBlob rows with the
 * sealed BitLocker key, manifest file and manifest hash. Returns the drive row ids for drives-ready.
 */
export async function prepareDrives(
  prisma: PrismaClient,
  sim: AzureSimEndpoint,
  options: {
    jobId: string;
    stagingLocation: string;
    masterKey: string;
    storageAccountKey: string;
    serialPrefix: string;
    driveCount: number;
  },
): Promise<{ driveIds: string[]; images: FixtureDrive[] }> {
  const blobs = await prisma.stagedBlob.findMany({
    where: { jobId: options.jobId },
    orderBy: { blobName: 'asc' },
  });
  const masterKey = MasterKey.fromHex(options.masterKey);
  const driveIds: string[] = [];
  const images: FixtureDrive[] = [];
  for (let drive = 0; drive < options.driveCount; drive += 1) {
    const mine = blobs.filter((_, index) => index % options.driveCount === drive);
    const serial = `${options.serialPrefix}${drive + 1}`;
    const image = await buildDriveImage({
      driveId: serial,
      storageAccountKey: options.storageAccountKey,
      partitioned: drive % 2 === 1,
      blobs: mine.map((blob) => ({
        blobPath: `${CONTAINER}/${blob.blobName}`,
        sourceFile: join(options.stagingLocation, blob.blobName),
        blockSize: 1024 * 1024,
      })),
    });
    images.push(image);
    await simControl(sim).registerDrive(serial, image.imagePath);
    if (!image.bitLockerKey) throw new Error('the drive image is not encrypted');
    const driveRowId = randomUUID();
    const row = await prisma.drive.create({
      data: {
        serialNumber: serial,
        model: 'Test SATA SSD',
        transport: 'sata',
        sizeBytes: BigInt((await stat(image.imagePath)).size),
        logicalSectorSize: 512,
        rotational: false,
        state: 'READY',
        jobId: options.jobId,
        claimedAt: new Date(),
        id: driveRowId,
        recoveryPasswordCiphertext: encryptSecret(
          masterKey,
          image.bitLockerKey,
          recoveryPasswordContext(driveRowId),
        ),
        manifestFile: image.manifestFile,
        manifestHash: image.manifestHash,
        bytesPlanned: mine.reduce((sum, blob) => sum + blob.sizeBytes, 0n),
        bytesWritten: mine.reduce((sum, blob) => sum + blob.sizeBytes, 0n),
        verifiedAt: new Date(),
        blobs: {
          create: mine.map((blob, index) => ({
            stagedBlobId: blob.id,
            pathOnDrive: `\\blob-${index + 1}.dat`,
            verified: true,
          })),
        },
      },
    });
    driveIds.push(row.id);
  }
  return { driveIds, images };
}
