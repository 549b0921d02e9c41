import { Inject, Injectable, Optional } from '@nestjs/common';

import { DiskPrepDriveWipeReleased } from '@seedship/contracts';
import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { recordJobAction, retryFailedStep, transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { OUTBOX_RELAY, type OutboxRelay, enqueueEvent } from '@seedship/messaging';
import { MasterKey, SecretDecryptionError, SecretFormatError, decryptSecret, recoveryPasswordContext } from '@seedship/secrets';

import { type ActionResultView, type RevealView } from '../api/api-schemas';
import { OpsConsoleErrorCode, OpsConsoleException } from '../common/ops-console.exception';
import { OPS_CONSOLE_CONFIG, OPS_CONSOLE_LOGGER, type OpsConsoleConfig } from '../config/ops-console-env';

/**
 * The operator actions. Each one changes state only through libs/jobs (or a conditional update of the
 * drive), records who did it in the job's timeline, and leaves an outbox event for the service that
 * owns the next step, all in one transaction.
 */
@Injectable()
export class ActionsService {
  private readonly masterKey: MasterKey;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(OPS_CONSOLE_CONFIG) config: OpsConsoleConfig,
    @Inject(OPS_CONSOLE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
  ) {
    this.masterKey = MasterKey.fromHex(config.SECRETS_MASTER_KEY);
  }

  async cancelJob(jobId: string, actor: string, reason: string | undefined): Promise<ActionResultView> {
    const result = await this.prisma.$transaction((tx) =>
      transitionJob(tx, { jobId, to: 'CANCELLED', actor, detail: { reason: reason ?? 'cancelled by an operator', via: 'ops-console' } }),
    );
    this.relay?.wake();
    this.logger.info({ jobId, actor }, 'Job cancelled');
    return { jobId, ...result };
  }

  async retryJob(jobId: string, actor: string): Promise<ActionResultView> {
    const result = await this.prisma.$transaction((tx) => retryFailedStep(tx, { jobId, actor, detail: { via: 'ops-console' } }));
    this.relay?.wake();
    this.logger.info({ jobId, actor, to: result.to }, 'Failed step retried');
    return { jobId, ...result };
  }

  /**
   * Confirms that a drive found with data on it may be wiped. Only NEEDS_WIPE_CONFIRMATION drives, by a
   * conditional update, so two operators (or an agent that meanwhile pulled the drive) cannot race.
   */
  async releaseDriveForWipe(driveId: string, actor: string, forJobId: string | undefined): Promise<ActionResultView> {
    return this.prisma
      .$transaction(async (tx) => {
        const drive = await tx.drive.findUnique({ where: { id: driveId }, include: { node: { select: { nodeName: true } } } });
        if (!drive) throw new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No drive with id ${driveId}; list drives with GET /api/drives.`);
        if (drive.state !== 'NEEDS_WIPE_CONFIRMATION') {
          throw new OpsConsoleException(
            OpsConsoleErrorCode.WRONG_STATE,
            `Drive ${drive.serialNumber} is ${drive.state}; only a drive waiting for wipe confirmation (NEEDS_WIPE_CONFIRMATION) can be released for wiping.`,
            { state: drive.state },
          );
        }
        const jobId = forJobId ?? drive.jobId ?? undefined;
        if (jobId && (await tx.seedingJob.count({ where: { id: jobId } })) === 0) {
          throw new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No seeding job with id ${jobId} to release the drive for.`);
        }
        const updated = await tx.drive.updateMany({
          where: { id: driveId, state: 'NEEDS_WIPE_CONFIRMATION', version: drive.version },
          data: { state: 'AVAILABLE', wipeReleasedBy: actor, wipeReleasedAt: new Date(), version: { increment: 1 } },
        });
        if (updated.count !== 1) {
          throw new OpsConsoleException(
            OpsConsoleErrorCode.CONCURRENT_UPDATE,
            `Drive ${drive.serialNumber} changed while it was being released; reload it and decide again.`,
          );
        }
        if (jobId) {
          await recordJobAction(tx, {
            jobId,
            actor,
            action: 'drive-released-for-wipe',
            detail: { driveId, serialNumber: drive.serialNumber, nodeName: drive.node?.nodeName ?? null },
          });
        }
        const eventId = await enqueueEvent(tx, DiskPrepDriveWipeReleased, {
          driveId,
          serialNumber: drive.serialNumber,
          actor,
          ...(drive.node ? { nodeName: drive.node.nodeName } : {}),
          ...(jobId ? { jobId } : {}),
        });
        return { jobId: jobId ?? null, from: drive.state, to: 'AVAILABLE', eventId };
      })
      .then((result) => {
        this.relay?.wake();
        this.logger.info({ driveId, actor }, 'Drive released for wiping');
        return result;
      });
  }

  /**
   * Shows a drive's BitLocker recovery password (admins only; the guard checked the role). The reveal is
   * written to the job's timeline before the password leaves the service: no record, no password.
   */
  async revealRecoveryPassword(driveId: string, actor: string): Promise<RevealView> {
    const drive = await this.prisma.drive.findUnique({
      where: { id: driveId },
      select: { id: true, serialNumber: true, jobId: true, recoveryPasswordCiphertext: true },
    });
    if (!drive) throw new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No drive with id ${driveId}; list drives with GET /api/drives.`);
    if (!drive.recoveryPasswordCiphertext || !drive.jobId) {
      throw new OpsConsoleException(
        OpsConsoleErrorCode.NOT_FOUND,
        `Drive ${drive.serialNumber} has no BitLocker recovery password yet; it gets one when its agent encrypts it for a job.`,
      );
    }
    let recoveryPassword: string;
    try {
      recoveryPassword = decryptSecret(this.masterKey, drive.recoveryPasswordCiphertext, recoveryPasswordContext(drive.id));
    } catch (error) {
      if (error instanceof SecretDecryptionError || error instanceof SecretFormatError) {
        this.logger.error({ driveId }, `Recovery password unreadable: ${error.message}`);
        throw new OpsConsoleException(OpsConsoleErrorCode.SECRET_UNREADABLE, error.message);
      }
      throw error;
    }
    const jobId = drive.jobId;
    await this.prisma.$transaction((tx) =>
      recordJobAction(tx, { jobId, actor, action: 'recovery-password-revealed', detail: { driveId, serialNumber: drive.serialNumber } }),
    );
    this.logger.warn({ driveId, jobId, actor }, 'BitLocker recovery password revealed');
    return { driveId, serialNumber: drive.serialNumber, jobId, recoveryPassword };
  }
}
