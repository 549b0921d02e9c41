import { Inject, Injectable } from '@nestjs/common';

import {
  DiskPrepJobDrivesReady,
  type DiskPrepJobDrivesReadyPayload,
  ShippingPackageUpdated,
  type ShippingPackageUpdatedPayload,
  StagingSnapshotSealed,
  type StagingSnapshotSealedPayload,
} from '@seedship/contracts';
import { PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { type EventContext, EventHandler, processOnce } from '@seedship/messaging';

import { ACTOR, ORCHESTRATOR_LOGGER } from '../common/logger.provider';
import { Reconciler } from '../reconciler/reconciler';

/**
 * The events the orchestrator consumes. Each records the fact it carries in Postgres (once, through the
 * inbox) and wakes the reconciler, which does the Azure work; a handler never calls Azure itself.
 */
@Injectable()
export class OrchestratorEventsHandler {
  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(ORCHESTRATOR_LOGGER) private readonly logger: Logger,
    private readonly reconciler: Reconciler,
  ) {}

  @EventHandler(StagingSnapshotSealed, { durable: 'orchestrator-on-snapshot-sealed' })
  async onSnapshotSealed(payload: StagingSnapshotSealedPayload, context: EventContext): Promise<void> {
    await processOnce(this.prisma, 'orchestrator-on-snapshot-sealed', context.eventId, async (tx) => {
      if (payload.kind !== 'INCREMENTAL') return;
      const job = await tx.seedingJob.findUnique({ where: { id: payload.jobId }, select: { state: true } });
      if (job?.state !== 'SEEDED') {
        this.logger.warn({ jobId: payload.jobId, snapshotId: payload.snapshotId, state: job?.state }, 'An incremental snapshot of a job that is not SEEDED; it goes online once the job is seeded');
        return;
      }
      await tx.onlineUpload.upsert({
        where: { snapshotId: payload.snapshotId },
        create: { snapshotId: payload.snapshotId, jobId: payload.jobId, source: 'staging-ingest' },
        update: {},
      });
    });
    this.reconciler.nudge();
  }

  @EventHandler(DiskPrepJobDrivesReady, { durable: 'orchestrator-on-drives-ready' })
  async onDrivesReady(payload: DiskPrepJobDrivesReadyPayload, context: EventContext): Promise<void> {
    await processOnce(this.prisma, 'orchestrator-on-drives-ready', context.eventId, async (tx) => {
      const job = await tx.seedingJob.findUnique({ where: { id: payload.jobId }, select: { state: true } });
      if (!job) {
        this.logger.error({ jobId: payload.jobId }, 'Drives ready for a job that does not exist; ignored');
        return;
      }
      const drives = await tx.drive.findMany({ where: { id: { in: payload.driveIds } } });
      const problems = [
        ...payload.driveIds.filter((id) => !drives.some((drive) => drive.id === id)).map((id) => `drive ${id} does not exist`),
        ...drives.filter((drive) => drive.jobId !== payload.jobId).map((drive) => `drive ${drive.serialNumber} is not claimed by this job`),
        ...drives.filter((drive) => drive.state !== 'READY').map((drive) => `drive ${drive.serialNumber} is ${drive.state}, not READY`),
        ...drives
          .filter((drive) => !drive.recoveryPasswordCiphertext || !drive.manifestFile || !drive.manifestHash)
          .map((drive) => `drive ${drive.serialNumber} has no BitLocker key, manifest file or manifest hash`),
      ];
      if (problems.length > 0) {
        // Bad input changes nothing: the job keeps waiting, and says why.
        this.logger.error({ jobId: payload.jobId, problems }, 'Drives-ready event refused');
        await tx.importTracking.updateMany({ where: { jobId: payload.jobId }, data: { statusLine: `Drives reported ready but refused: ${problems.join('; ')}` } });
        return;
      }
      if (job.state === 'AWAITING_DRIVES') {
        await transitionJob(tx, { jobId: payload.jobId, to: 'PREPARING_DRIVES', actor: ACTOR });
      }
      if (job.state === 'AWAITING_DRIVES' || job.state === 'PREPARING_DRIVES') {
        await transitionJob(tx, { jobId: payload.jobId, to: 'DRIVES_READY', actor: ACTOR, detail: { drives: drives.map((drive) => drive.serialNumber) } });
      } else if (job.state !== 'DRIVES_READY') {
        this.logger.warn({ jobId: payload.jobId, state: job.state }, 'Drives ready for a job past that point; nothing to do');
      }
    });
    this.reconciler.nudge();
  }

  @EventHandler(ShippingPackageUpdated, { durable: 'orchestrator-on-package-updated' })
  async onPackageUpdated(payload: ShippingPackageUpdatedPayload, context: EventContext): Promise<void> {
    if (payload.direction !== 'DELIVERY' || !payload.trackingNumber) return;
    const trackingNumber = payload.trackingNumber;
    await processOnce(this.prisma, 'orchestrator-on-package-updated', context.eventId, async (tx) => {
      const tracking = await tx.importTracking.findUnique({ where: { jobId: payload.jobId } });
      if (!tracking) {
        this.logger.error({ jobId: payload.jobId }, 'Delivery package for a job the orchestrator has not planned; ignored');
        return;
      }
      if (tracking.shippedReportedAt && tracking.deliveryTrackingNumber !== trackingNumber) {
        this.logger.warn({ jobId: payload.jobId, reported: tracking.deliveryTrackingNumber, now: trackingNumber }, 'The package was already reported to Azure with another tracking number; the new one is recorded and reported again');
      }
      await tx.importTracking.update({
        where: { jobId: payload.jobId },
        data: {
          deliveryCarrier: payload.carrierName,
          deliveryTrackingNumber: trackingNumber,
          deliveryDriveCount: payload.driveCount ?? null,
          deliveryShipDate: payload.shipDate ?? null,
          ...(tracking.deliveryTrackingNumber !== trackingNumber ? { shippedReportedAt: null } : {}),
        },
      });
    });
    this.reconciler.nudge();
  }
}
