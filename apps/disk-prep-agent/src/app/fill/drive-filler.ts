import path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { type DriveModel as Drive } from '@seedship/db';
import { type DriveProgress, prepareDrive } from '@seedship/drive-format';
import { type Logger } from '@seedship/logging';
import { MasterKey, encryptSecret, recoveryPasswordContext } from '@seedship/secrets';

import { errorMessage } from '../common/errors';
import { DISK_PREP_CONFIG, DISK_PREP_LOGGER, type DiskPrepAgentConfig } from '../config/disk-prep-agent-env';
import { type PresentDrive, pulledReason, scanOptionsFrom, stillPresent } from '../drives/drive-scanner';
import { DriveStore } from '../drives/drive-store';
import { KubernetesService } from '../kubernetes/kubernetes.service';
import { AgentMetrics } from '../metrics/agent-metrics';

/** Why a fill was stopped from outside (the drive left its bay, the agent shuts down). */
export class FillStopped extends Error {
  constructor(
    readonly reason: string,
    /** False on shutdown: the drive stays WRITING and the next start redoes it. */
    readonly failsDrive: boolean,
  ) {
    super(reason);
    this.name = 'FillStopped';
  }
}

export interface RunningFill {
  readonly driveId: string;
  readonly serialNumber: string;
  stop(reason: string, failsDrive: boolean): void;
  readonly done: Promise<void>;
}

/**
 * Fills one claimed drive: prepareDrive with its planned blobs from the staging repository (which
 * verifies it by reading it back), progress saved and published every few seconds, then READY with
 * the sealed recovery password, or FAILED with the reason and its blobs back in the plan.
 */
@Injectable()
export class DriveFiller {
  private readonly masterKey: MasterKey;

  constructor(
    @Inject(DISK_PREP_CONFIG) private readonly config: DiskPrepAgentConfig,
    @Inject(DISK_PREP_LOGGER) private readonly logger: Logger,
    private readonly store: DriveStore,
    private readonly kubernetes: KubernetesService,
    private readonly metrics: AgentMetrics,
  ) {
    this.masterKey = MasterKey.fromHex(config.SECRETS_MASTER_KEY);
  }

  start(row: Drive, present: PresentDrive, nodeId: string): RunningFill {
    const controller = new AbortController();
    const done = this.fill(row, present, nodeId, controller.signal).catch((error: unknown) => {
      this.logger.error({ err: error, serial: row.serialNumber }, 'Drive fill crashed');
    });
    return { driveId: row.id, serialNumber: row.serialNumber, stop: (reason, failsDrive) => controller.abort(new FillStopped(reason, failsDrive)), done };
  }

  private async fill(row: Drive, present: PresentDrive, nodeId: string, signal: AbortSignal): Promise<void> {
    const bay = present.slot;
    // A drive found WRITING or VERIFYING was being written when the agent died: it holds our partial
    // data, so it is redone from scratch without asking for a wipe confirmation.
    const restarted = row.state === 'WRITING' || row.state === 'VERIFYING';
    const plan = await this.store.fillPlan(row.id);
    if (!plan || plan.blobs.length === 0 || !(await this.store.startWriting(row.id, nodeId))) return;
    const log = this.logger.child({ serial: row.serialNumber, bay, jobId: plan.job.id });
    const accountKey = this.config.STORAGE_ACCOUNT_KEYS[plan.job.storageAccount];
    if (!accountKey) {
      await this.fail(row, nodeId, bay, `No account key for storage account ${plan.job.storageAccount}: add it to STORAGE_ACCOUNT_KEYS of the disk-prep agent`, log);
      return;
    }
    log.info({ blobs: plan.blobs.length, restarted }, restarted ? 'Writing the drive again from scratch after a restart' : 'Writing the drive');
    await this.kubernetes.event(
      'Normal',
      'DriveClaimed',
      `Bay ${bay}: drive ${row.serialNumber} is being written for job ${plan.job.importJobName} (${plan.blobs.length} blobs). Do not pull it until it is ready.`,
    );
    let latest: DriveProgress | undefined;
    let written = 0;
    let saving: Promise<void> | undefined;
    const save = async (): Promise<void> => {
      const progress = latest;
      if (!progress) return;
      const verifying = progress.phase === 'verifying' || progress.phase === 'done';
      if (!verifying) written = progress.phase === 'writing' ? progress.bytesDone : written;
      this.metrics.writeRates.set(row.serialNumber, progress.bytesPerSecond);
      await this.store
        .saveProgress(row.id, nodeId, {
          state: verifying ? 'VERIFYING' : 'WRITING',
          bytesWritten: written,
          ...(verifying ? { bytesVerified: progress.bytesDone } : {}),
          bytesPerSecond: progress.bytesPerSecond,
          ...(progress.secondsLeft !== undefined ? { secondsLeft: progress.secondsLeft } : {}),
        })
        .catch((error: unknown) => log.warn({ err: error }, 'Could not save progress'));
    };
    const timer = setInterval(() => {
      saving ??= save().finally(() => {
        saving = undefined;
      });
    }, this.config.PROGRESS_INTERVAL_MS);
    try {
      const prepared = await prepareDrive(
        {
          device: present.identity.devicePath,
          driveId: row.serialNumber,
          container: plan.job.container,
          // The staging repository is <stagingLocation>/<importJobName>, and a blob's name is the job name plus its path there.
          blobs: plan.blobs.map((blob) => ({ blobName: blob.blobName, sourcePath: path.join(plan.job.stagingLocation, blob.blobName), size: blob.sizeBytes, md5: blob.md5 })),
          credential: { storageAccountKey: accountKey },
          wipeConfirmed: restarted || row.wipeReleasedAt !== null,
          signal,
          ...(this.config.SCRATCH_DIR ? { scratchDirectory: this.config.SCRATCH_DIR } : {}),
          ...(this.config.ENCRYPTION_THREADS !== undefined ? { threads: this.config.ENCRYPTION_THREADS } : {}),
        },
        (progress) => {
          latest = progress;
          if (progress.phase === 'verifying' && progress.bytesDone === 0) {
            saving ??= save().finally(() => {
              saving = undefined;
            });
          }
        },
      );
      clearInterval(timer);
      await saving;
      if (!prepared.verification?.ok) throw new Error(`read-back verification did not pass: ${prepared.verification?.problems.join('; ') ?? 'it did not run'}`);
      const sealed = encryptSecret(this.masterKey, prepared.recoveryPassword.toString(), recoveryPasswordContext(row.id));
      const ready = await this.store.markReady(row.id, nodeId, {
        sealedRecoveryPassword: sealed,
        manifestFile: prepared.manifestFile,
        manifestHash: prepared.manifestHash,
        driveHeaderHash: prepared.driveHeaderHash,
        // Progress is blob bytes against bytesPlanned; the file system and manifest are not in the plan.
        bytesWritten: plan.blobs.reduce((sum, blob) => sum + Number(blob.sizeBytes), 0),
        files: new Map(prepared.blobs.map((blob) => [blob.blobName, blob.filePath])),
      });
      if (!ready) {
        log.warn('The drive was written but its row changed meanwhile (pulled or failed): not marked ready');
        return;
      }
      this.metrics.drivesReady += 1;
      this.metrics.bytesWritten += prepared.bytesWritten;
      log.info({ bytesWritten: prepared.bytesWritten, jobComplete: ready.jobDrivesReady !== undefined }, 'Drive ready');
      await this.kubernetes.event(
        'Normal',
        'DriveReady',
        `Bay ${bay}: drive ${row.serialNumber} is ready and verified for job ${plan.job.importJobName}: pull it and pack it for shipping; the ops console shows the datacenter address to ship to.`,
      );
      if (ready.jobDrivesReady) {
        await this.kubernetes.event('Normal', 'JobDrivesReady', `Job ${plan.job.importJobName}: all ${ready.jobDrivesReady.length} drives are ready; ship them together.`);
      }
    } catch (error) {
      clearInterval(timer);
      await saving;
      const stopped = signal.aborted && signal.reason instanceof FillStopped ? signal.reason : undefined;
      if (stopped && !stopped.failsDrive) {
        log.info({ reason: stopped.reason }, 'Drive fill stopped; it is redone from scratch when the agent starts again');
        return;
      }
      const phase = latest?.phase ?? 'allocating';
      // A pulled drive usually fails its own I/O before the next scan notices it left: say what happened.
      const pulled = !stopped && !(await this.stillInBay(present));
      const reason = stopped?.reason ?? (pulled ? `${pulledReason(bay)}: its blobs go to the next drive inserted` : `Failed while ${phase}: ${errorMessage(error)}`);
      await this.fail(row, nodeId, bay, reason, log);
    } finally {
      this.metrics.writeRates.delete(row.serialNumber);
    }
  }

  private stillInBay(present: PresentDrive): Promise<boolean> {
    return stillPresent(present, scanOptionsFrom(this.config)).catch(() => true);
  }

  private async fail(row: Drive, nodeId: string, bay: string, reason: string, log: Logger): Promise<void> {
    this.metrics.drivesFailed += 1;
    log.warn({ reason }, 'Drive failed; its blobs go back to the plan');
    await this.store.failDrive(row.id, nodeId, reason).catch((error: unknown) => log.error({ err: error }, 'Could not mark the drive failed'));
    await this.kubernetes.event('Warning', 'DriveFailed', `Bay ${bay}: drive ${row.serialNumber} failed: ${reason}. Pull it; its data goes onto the next drive inserted.`);
  }
}
