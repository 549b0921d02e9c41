import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type CreateImportJobRequest,
  type ImportJobObservation,
  type ImportJobRef,
  type ReturnAddress,
  describeAzureError,
  meaningOf,
  verifyBlobs,
} from '@seedship/azure';
import { OrchestrationJobAzureStatus, OrchestrationJobDrivesPlanned, OrchestrationJobShipTo, SeedingJobSeeded } from '@seedship/contracts';
import { type Prisma, type PrismaClient, type SeedingJobModel as SeedingJob } from '@seedship/db';
import { type JobState, canTransition } from '@seedship/domain';
import { transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { enqueueEvent } from '@seedship/messaging';
import { MasterKey, decryptSecret, recoveryPasswordContext } from '@seedship/secrets';

import { type AzureAccess } from '../azure/azure-access';
import { type RequestBudget, nextPollInterval } from '../azure/request-budget';
import { type CrashSwitch } from '../common/crash-switch';
import { ACTOR } from '../common/logger.provider';
import { type ImportOrchestratorConfig } from '../config/import-orchestrator-env';

/** States Azure drives; the orchestrator follows them by polling. */
export const FOLLOWED_STATES: readonly JobState[] = ['IMPORT_JOB_CREATED', 'SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING'];
const AZURE_ORDER: readonly JobState[] = ['IMPORT_JOB_CREATED', 'SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED'];

/** A job failed in a way retrying the same call will not fix: the job goes to FAILED with this reason. */
export class PermanentStepError extends Error {}

/**
 * One idempotent step per job state. Each reads what it needs from Postgres, does its Azure call, and
 * records the outcome and the state change in one transaction; a crash between the call and the record
 * repeats the call, which Azure (or the step) treats as already done.
 */
export class ImportSteps {
  private readonly masterKey: MasterKey;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly azure: AzureAccess,
    private readonly budget: RequestBudget,
    private readonly config: ImportOrchestratorConfig,
    private readonly crash: CrashSwitch,
    private readonly logger: Logger,
  ) {
    this.masterKey = MasterKey.fromHex(config.SECRETS_MASTER_KEY);
  }

  /** STAGED -> AWAITING_DRIVES with the bytes that still need drives; tells the agents. */
  async plan(job: SeedingJob): Promise<void> {
    const blobs = await this.prisma.stagedBlob.findMany({
      where: { jobId: job.id, snapshot: { kind: 'FULL' }, onDrives: { none: {} } },
      select: { sizeBytes: true },
    });
    const bytes = blobs.reduce((sum, blob) => sum + blob.sizeBytes, 0n);
    await this.prisma.$transaction(async (tx) => {
      await transitionJob(tx, { jobId: job.id, to: 'AWAITING_DRIVES', actor: ACTOR, detail: { bytesNeedingDrives: String(bytes), blobCount: blobs.length } });
      await tx.seedingJob.update({ where: { id: job.id }, data: { bytesNeedingDrives: bytes, version: { increment: 1 } } });
      await tx.importTracking.upsert({
        where: { jobId: job.id },
        create: { jobId: job.id, provider: job.provider, statusLine: `Waiting for drives: ${formatBytes(bytes)} in ${blobs.length} blobs need drives` },
        update: { statusLine: `Waiting for drives: ${formatBytes(bytes)} in ${blobs.length} blobs need drives` },
      });
      await enqueueEvent(tx, OrchestrationJobDrivesPlanned, { jobId: job.id, provider: job.provider, bytesNeedingDrives: String(bytes), blobCount: blobs.length });
    });
    this.logger.info({ jobId: job.id, bytesNeedingDrives: String(bytes), blobs: blobs.length }, 'Planned drives');
    this.crash.reached('after-plan');
  }

  /** DRIVES_READY -> IMPORT_JOB_CREATED: the Azure job with every drive, and the address to ship to. */
  async createImportJob(job: SeedingJob): Promise<void> {
    const drives = await this.prisma.drive.findMany({ where: { jobId: job.id, state: 'READY' }, orderBy: { serialNumber: 'asc' } });
    if (drives.length === 0) throw new PermanentStepError('The job is DRIVES_READY but has no drive in state READY; the disk-prep agent must report its drives again.');
    if (drives.length > 10) throw new PermanentStepError(`The job has ${drives.length} ready drives; an Azure import job takes at most 10. Split the job.`);
    const request: CreateImportJobRequest = {
      ...ref(job),
      location: job.location,
      storageAccountId: `/subscriptions/${job.subscriptionId}/resourceGroups/${job.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${job.storageAccount}`,
      returnAddress: this.returnAddress(),
      returnShipping: { carrierName: this.config.RETURN_CARRIER_NAME, carrierAccountNumber: this.config.RETURN_CARRIER_ACCOUNT_NUMBER },
      diagnosticsPath: this.config.DIAGNOSTICS_CONTAINER,
      logLevel: this.config.AZURE_LOG_LEVEL,
      backupDriveManifest: this.config.BACKUP_DRIVE_MANIFEST,
      tags: { seedshipJobId: job.id },
      drives: drives.map((drive) => {
        if (!drive.recoveryPasswordCiphertext || !drive.manifestFile || !drive.manifestHash) {
          throw new PermanentStepError(`Drive ${drive.serialNumber} is READY without its BitLocker key, manifest file or manifest hash; the disk-prep agent must prepare it again.`);
        }
        return {
          driveId: drive.serialNumber,
          bitLockerKey: decryptSecret(this.masterKey, drive.recoveryPasswordCiphertext, recoveryPasswordContext(drive.id)),
          manifestFile: drive.manifestFile,
          manifestHash: drive.manifestHash,
          ...(drive.driveHeaderHash ? { driveHeaderHash: drive.driveHeaderHash } : {}),
        };
      }),
    };
    const provider = this.azure.provider(job.provider);
    const { resourceId, created } = await provider.createJob(request);
    this.logger.info({ jobId: job.id, resourceId, created, drives: drives.length }, created ? 'Created the Azure import job' : 'Adopted the Azure import job a previous attempt created');
    this.crash.reached('after-azure-create');
    const address = await provider.datacenterAddress(ref(job), job.location);
    const statusLine = `Ship the ${drives.length} drive(s) to ${address.recipientName}, ${address.streetAddress1}, ${address.city}, ${address.countryOrRegion}; then record the carrier and tracking number`;
    await this.prisma.$transaction(async (tx) => {
      await transitionJob(tx, { jobId: job.id, to: 'IMPORT_JOB_CREATED', actor: ACTOR, detail: { azureJobResourceId: resourceId, provider: job.provider, drives: drives.length } });
      await tx.seedingJob.update({
        where: { id: job.id },
        data: { azureJobResourceId: resourceId, datacenterAddress: { ...address }, version: { increment: 1 } },
      });
      await tx.importTracking.upsert({
        where: { jobId: job.id },
        create: { jobId: job.id, provider: job.provider, azureCreatedAt: new Date(), statusLine, nextPollAt: this.after(this.config.POLL_MIN_INTERVAL_MS) },
        update: { azureCreatedAt: new Date(), statusLine, nextPollAt: this.after(this.config.POLL_MIN_INTERVAL_MS) },
      });
      await enqueueEvent(tx, OrchestrationJobShipTo, { jobId: job.id, provider: job.provider, importJobName: job.importJobName, location: job.location, datacenterAddress: { ...address } });
    });
  }

  /** IMPORT_JOB_CREATED -> SHIPPING once shipping-tracker has given the delivery package. */
  async reportShipped(job: SeedingJob, delivery: { carrierName: string; trackingNumber: string; driveCount: number | null; shipDate: string | null }): Promise<void> {
    await this.azure.provider(job.provider).reportShipped(
      ref(job),
      {
        carrierName: delivery.carrierName,
        trackingNumber: delivery.trackingNumber,
        ...(delivery.driveCount === null ? {} : { driveCount: delivery.driveCount }),
        ...(delivery.shipDate === null ? {} : { shipDate: delivery.shipDate }),
      },
      this.returnAddress(),
    );
    this.crash.reached('after-report-shipped');
    await this.prisma.$transaction(async (tx) => {
      await tx.importTracking.update({
        where: { jobId: job.id },
        data: {
          shippedReportedAt: new Date(),
          nextPollAt: new Date(),
          pollIntervalMs: 0,
          statusLine: `Shipped with ${delivery.carrierName} ${delivery.trackingNumber}; waiting for the Azure import job to complete`,
        },
      });
      if (job.state === 'IMPORT_JOB_CREATED') await transitionJob(tx, { jobId: job.id, to: 'SHIPPING', actor: ACTOR, detail: { ...delivery } });
    });
    this.logger.info({ jobId: job.id, trackingNumber: delivery.trackingNumber }, 'Reported the delivery package to Azure');
  }

  /** Cancels the Azure job (if it exists) and the Seedship job. */
  async cancel(job: SeedingJob, reason: string, requestedBy: string): Promise<void> {
    const provider = this.azure.provider(job.provider);
    const existing = job.azureJobResourceId ? await provider.getJob(ref(job)) : undefined;
    if (existing && !existing.cancelRequested) await provider.cancel(ref(job), reason);
    await this.prisma.$transaction(async (tx) => {
      await transitionJob(tx, { jobId: job.id, to: 'CANCELLED', actor: requestedBy, detail: { reason, azureJobCancelled: existing !== undefined } });
      await tx.importTracking.update({ where: { jobId: job.id }, data: { statusLine: `Cancelled: ${reason}` } });
    });
    this.logger.info({ jobId: job.id, azureJobCancelled: existing !== undefined }, 'Cancelled the job');
  }

  /**
   * Polls the Azure job once (if the fleet-wide budget allows), stores what changed, and moves the job
   * forward as far as Azure's state says. Returns false when the budget is spent.
   */
  async follow(job: SeedingJob): Promise<boolean> {
    if (!this.budget.tryTake()) return false;
    const tracking = await this.prisma.importTracking.findUniqueOrThrow({ where: { jobId: job.id } });
    let observation: ImportJobObservation | undefined;
    try {
      observation = await this.azure.provider(job.provider).getJob(ref(job));
      if (!observation) throw new Error(`Azure has no import job named ${job.importJobName} in ${job.resourceGroup}`);
    } catch (error) {
      const interval = nextPollInterval(tracking.pollIntervalMs, false, this.config.POLL_MIN_INTERVAL_MS, this.config.POLL_MAX_INTERVAL_MS);
      await this.prisma.importTracking.update({
        where: { jobId: job.id },
        data: { consecutivePollErrors: { increment: 1 }, lastPollError: describeAzureError(error), lastPolledAt: new Date(), pollIntervalMs: interval, nextPollAt: this.after(interval) },
      });
      this.logger.warn({ jobId: job.id, err: error }, 'Could not read the Azure import job; polling again later');
      return true;
    }
    const seen = observation;
    const meaning = meaningOf(seen);
    const lastDrives = await this.latestDriveObservations(job.id);
    const changedDrives = seen.drives.filter((drive) => {
      const last = lastDrives.get(drive.driveId);
      return (
        !last ||
        last.azureState !== drive.state ||
        (last.copyStatus ?? undefined) !== drive.copyStatus ||
        (last.percentComplete ?? undefined) !== drive.percentComplete ||
        (last.bytesSucceeded === null ? undefined : Number(last.bytesSucceeded)) !== drive.bytesSucceeded ||
        (last.errorLogUri ?? undefined) !== drive.errorLogUri ||
        (last.verboseLogUri ?? undefined) !== drive.verboseLogUri
      );
    });
    // The error log says which blobs failed and why; keep its start with the observation.
    const errorLogs = new Map<string, string>();
    for (const drive of changedDrives) {
      if (!drive.errorLogUri || lastDrives.get(drive.driveId)?.errorLogUri === drive.errorLogUri) continue;
      errorLogs.set(
        drive.driveId,
        await this.azure.readLogExcerpt(job.storageAccount, drive.errorLogUri).catch((error: unknown) => `(could not read the error log: ${describeAzureError(error)})`),
      );
    }
    const jobChanged = tracking.lastAzureState !== seen.azureState || (tracking.lastPercentComplete ?? undefined) !== seen.percentComplete;
    const changed = jobChanged || changedDrives.length > 0;
    const mappedState = meaning.kind === 'state' ? meaning.state : undefined;
    const unmapped = meaning.kind === 'unknown';
    const percent = seen.percentComplete === undefined ? '' : `, ${seen.percentComplete} %`;
    const statusLine = unmapped
      ? `Azure reports state '${seen.azureState}', which this version does not know; the job stays ${job.state} until an operator checks the Azure job`
      : `Waiting for the Azure import job to complete: ${seen.azureState}${percent}`;
    const interval = nextPollInterval(tracking.pollIntervalMs, changed, this.config.POLL_MIN_INTERVAL_MS, this.config.POLL_MAX_INTERVAL_MS);
    const driveIds = new Map(
      (await this.prisma.drive.findMany({ where: { jobId: job.id }, select: { id: true, serialNumber: true } })).map((drive) => [drive.serialNumber, drive.id]),
    );
    await this.prisma.$transaction(async (tx) => {
      if (changed) {
        await tx.azureJobStatus.create({
          data: {
            jobId: job.id,
            provider: job.provider,
            azureState: seen.azureState,
            percentComplete: seen.percentComplete ?? null,
            raw: seen.raw as Prisma.InputJsonObject,
            mappedState: mappedState ?? null,
            unmapped,
          },
        });
        if (changedDrives.length > 0) {
          await tx.azureDriveStatus.createMany({
            data: changedDrives.map((drive) => ({
              jobId: job.id,
              driveId: driveIds.get(drive.driveId) ?? null,
              azureDriveId: drive.driveId,
              azureState: drive.state,
              copyStatus: drive.copyStatus ?? null,
              percentComplete: drive.percentComplete ?? null,
              bytesSucceeded: drive.bytesSucceeded === undefined ? null : BigInt(drive.bytesSucceeded),
              errorLogUri: drive.errorLogUri ?? null,
              verboseLogUri: drive.verboseLogUri ?? null,
              raw: { ...drive, ...(errorLogs.has(drive.driveId) ? { errorLogExcerpt: errorLogs.get(drive.driveId) } : {}) },
            })),
          });
        }
        await enqueueEvent(tx, OrchestrationJobAzureStatus, {
          jobId: job.id,
          azureState: seen.azureState,
          ...(seen.percentComplete === undefined ? {} : { percentComplete: seen.percentComplete }),
          ...(mappedState ? { mappedState } : {}),
          unmapped,
          statusLine,
          drives: seen.drives.map((drive) => ({
            driveId: drive.driveId,
            state: drive.state,
            ...(drive.copyStatus ? { copyStatus: drive.copyStatus } : {}),
            ...(drive.percentComplete === undefined ? {} : { percentComplete: drive.percentComplete }),
            ...(drive.errorLogUri ? { errorLogUri: drive.errorLogUri } : {}),
            ...(drive.verboseLogUri ? { verboseLogUri: drive.verboseLogUri } : {}),
          })),
        });
      }
      await tx.importTracking.update({
        where: { jobId: job.id },
        data: {
          lastAzureState: seen.azureState,
          lastPercentComplete: seen.percentComplete ?? null,
          unmappedAzureState: unmapped ? seen.azureState : null,
          completedWithProblems: meaning.kind === 'state' && meaning.withProblems,
          statusLine,
          pollIntervalMs: interval,
          nextPollAt: this.after(interval),
          lastPolledAt: new Date(),
          consecutivePollErrors: 0,
          lastPollError: null,
        },
      });
      if (meaning.kind === 'failed') {
        await transitionJob(tx, { jobId: job.id, to: 'FAILED', actor: ACTOR, reason: meaning.reason });
      } else if (meaning.kind === 'state') {
        await this.moveTo(tx, job, meaning.state, seen.azureState);
      }
    });
    if (changed) this.logger.info({ jobId: job.id, azureState: seen.azureState, percentComplete: seen.percentComplete, unmapped }, 'Azure import job changed');
    this.crash.reached('after-first-poll');
    return true;
  }

  /** IMPORT_COMPLETED/VERIFYING: every staged blob is checked; wrong or missing ones are uploaded again. */
  async verify(job: SeedingJob): Promise<void> {
    if (job.state === 'IMPORT_COMPLETED') {
      await this.prisma.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: 'VERIFYING', actor: ACTOR }));
    }
    const tracking = await this.prisma.importTracking.findUniqueOrThrow({ where: { jobId: job.id } });
    const expected = await this.prisma.stagedBlob.findMany({
      where: { jobId: job.id, snapshot: { kind: 'FULL' } },
      select: { blobName: true, sizeBytes: true, md5: true },
      orderBy: { blobName: 'asc' },
    });
    const container = this.azure.container(job.storageAccount, job.container);
    const result = await verifyBlobs(container, expected, [`${job.importJobName}/`]);
    this.crash.reached('mid-verify');
    if (result.problems.length === 0) {
      await this.prisma.$transaction(async (tx) => {
        await tx.importTracking.update({
          where: { jobId: job.id },
          data: {
            verifiedBlobs: result.verifiedBlobs,
            verifiedBytes: result.verifiedBytes,
            verifyRounds: { increment: 1 },
            statusLine: `Seeded: ${result.verifiedBlobs} blobs (${formatBytes(result.verifiedBytes)}) verified in ${job.storageAccount}/${job.container}${tracking.repairedBlobs > 0 ? `, ${tracking.repairedBlobs} of them uploaded again online` : ''}`,
          },
        });
        await transitionJob(tx, {
          jobId: job.id,
          to: 'SEEDED',
          actor: ACTOR,
          detail: { verifiedBlobs: result.verifiedBlobs, verifiedBytes: String(result.verifiedBytes), repairedBlobs: tracking.repairedBlobs },
        });
        await enqueueEvent(tx, SeedingJobSeeded, { jobId: job.id, verifiedBlobCount: result.verifiedBlobs, verifiedBytes: String(result.verifiedBytes) });
      });
      this.logger.info({ jobId: job.id, verifiedBlobs: result.verifiedBlobs, repairedBlobs: tracking.repairedBlobs }, 'Every staged blob verified: seeded');
      return;
    }
    const summary = result.problems.slice(0, 5).map((problem) => `${problem.blobName} (${problem.problem}: expected ${problem.expected}, found ${problem.actual})`).join('; ');
    if (tracking.verifyRounds >= this.config.VERIFY_MAX_ROUNDS) {
      throw new PermanentStepError(`${result.problems.length} blob(s) still differ after ${tracking.verifyRounds} verify-and-repair rounds: ${summary}`);
    }
    await this.prisma.importTracking.update({
      where: { jobId: job.id },
      data: { verifyRounds: { increment: 1 }, statusLine: `Repairing online: ${result.problems.length} blob(s) missing or wrong after the import: ${summary}` },
    });
    this.logger.warn({ jobId: job.id, problems: result.problems.length, summary }, 'Blobs missing or wrong after the import; uploading them again from staging');
    const byName = new Map(expected.map((blob) => [blob.blobName, blob]));
    for (const problem of result.problems) {
      const local = join(job.stagingLocation, problem.blobName);
      const blob = byName.get(problem.blobName);
      if (!blob) continue;
      const content = await readFile(local).catch(() => {
        throw new PermanentStepError(`Staged file ${local} for blob ${problem.blobName} is gone; it cannot be uploaded again. Restore the staging area or stage the job again.`);
      });
      const md5 = createHash('md5').update(content).digest('base64');
      if (BigInt(content.length) !== blob.sizeBytes || md5 !== blob.md5) {
        throw new PermanentStepError(`Staged file ${local} no longer matches what was staged (MD5 ${md5}, expected ${blob.md5}); the staging area is damaged.`);
      }
      await container.getBlockBlobClient(problem.blobName).uploadData(content, {
        blobHTTPHeaders: { blobContentMD5: Buffer.from(blob.md5, 'base64'), blobContentType: 'application/octet-stream' },
      });
      await this.prisma.importTracking.update({ where: { jobId: job.id }, data: { repairedBlobs: { increment: 1 } } });
      this.crash.reached('mid-repair');
    }
  }

  private async moveTo(tx: Prisma.TransactionClient, job: SeedingJob, target: JobState, azureState: string): Promise<void> {
    if (target === 'CANCELLED') {
      if (canTransition(job.state, 'CANCELLED')) await transitionJob(tx, { jobId: job.id, to: 'CANCELLED', actor: ACTOR, detail: { azureState } });
      else await transitionJob(tx, { jobId: job.id, to: 'FAILED', actor: ACTOR, reason: `Azure reports the import job cancelled (${azureState}) after its drives arrived` });
      return;
    }
    const from = AZURE_ORDER.indexOf(job.state);
    const to = AZURE_ORDER.indexOf(target);
    if (from < 0 || to <= from) return;
    let current: JobState = job.state;
    // Our machine moves IMPORT_JOB_CREATED only to SHIPPING; later states follow from there.
    if (current === 'IMPORT_JOB_CREATED') {
      await transitionJob(tx, { jobId: job.id, to: 'SHIPPING', actor: ACTOR, detail: { azureState } });
      current = 'SHIPPING';
    }
    if (target !== current) await transitionJob(tx, { jobId: job.id, to: target, actor: ACTOR, detail: { azureState } });
  }

  private async latestDriveObservations(jobId: string) {
    const rows = await this.prisma.azureDriveStatus.findMany({ where: { jobId }, orderBy: { id: 'desc' } });
    const latest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) if (!latest.has(row.azureDriveId)) latest.set(row.azureDriveId, row);
    return latest;
  }

  private returnAddress(): ReturnAddress {
    const c = this.config;
    return {
      recipientName: c.RETURN_RECIPIENT_NAME,
      ...(c.RETURN_COMPANY_NAME ? { companyName: c.RETURN_COMPANY_NAME } : {}),
      streetAddress1: c.RETURN_STREET_ADDRESS1,
      ...(c.RETURN_STREET_ADDRESS2 ? { streetAddress2: c.RETURN_STREET_ADDRESS2 } : {}),
      city: c.RETURN_CITY,
      ...(c.RETURN_STATE_OR_PROVINCE ? { stateOrProvince: c.RETURN_STATE_OR_PROVINCE } : {}),
      postalCode: c.RETURN_POSTAL_CODE,
      countryOrRegion: c.RETURN_COUNTRY_OR_REGION,
      countryCode: c.RETURN_COUNTRY_CODE,
      phone: c.RETURN_PHONE,
      email: c.RETURN_EMAIL,
    };
  }

  private after(ms: number): Date {
    return new Date(Date.now() + ms);
  }
}

export function ref(job: Pick<SeedingJob, 'subscriptionId' | 'resourceGroup' | 'importJobName'>): ImportJobRef {
  return { subscriptionId: job.subscriptionId, resourceGroup: job.resourceGroup, jobName: job.importJobName };
}

export function formatBytes(bytes: bigint | number): string {
  const value = Number(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}
