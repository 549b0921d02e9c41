import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { describeAzureError } from '@seedship/azure';
import { PRISMA_CLIENT, type PrismaClient, type SeedingJobModel as SeedingJob } from '@seedship/db';
import { canTransition } from '@seedship/domain';
import { ConcurrentJobUpdateError, transitionJob } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';

import { ACTOR, ORCHESTRATOR_LOGGER } from '../common/logger.provider';
import { IMPORT_ORCHESTRATOR_CONFIG, type ImportOrchestratorConfig } from '../config/import-orchestrator-env';
import { IncrementalService } from '../incremental/incremental.service';
import { FOLLOWED_STATES, ImportSteps, PermanentStepError } from '../steps/import-steps';
import { IMPORT_STEPS } from '../steps/steps.tokens';

const LEASE_NAME = 'import-orchestrator';

/**
 * The orchestrator's one loop. Postgres is the truth: each tick the leader (one replica at a time, by a
 * lease row) looks at every job that needs the orchestrator and runs that job's next step. Events only
 * record facts and wake the loop, so a restart in the middle of any step simply runs the step again.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(IMPORT_STEPS) private readonly steps: ImportSteps,
    @Inject(IMPORT_ORCHESTRATOR_CONFIG) private readonly config: ImportOrchestratorConfig,
    @Inject(ORCHESTRATOR_LOGGER) private readonly logger: Logger,
    private readonly incrementals: IncrementalService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.incrementals.settled();
    await this.prisma.serviceLease.deleteMany({ where: { name: LEASE_NAME, owner: this.owner } }).catch(() => undefined);
  }

  /** Wakes the loop now (an event arrived). */
  nudge(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        const soon = this.again;
        this.again = false;
        this.schedule(soon ? 0 : this.config.RECONCILE_INTERVAL_MS);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      if (!(await this.holdLease())) return;
      await this.reconcile();
    } catch (error) {
      this.logger.error({ err: error }, 'Reconcile pass failed; trying again at the next tick');
    }
  }

  private async holdLease(): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ owner: string }>>`
      INSERT INTO service_lease (name, owner, expires_at)
      VALUES (${LEASE_NAME}, ${this.owner}, now() + ${this.config.LEASE_MS} * interval '1 millisecond')
      ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE service_lease.owner = EXCLUDED.owner OR service_lease.expires_at < now()
      RETURNING owner`;
    return rows.length === 1;
  }

  private async reconcile(): Promise<void> {
    const jobs = await this.prisma.seedingJob.findMany({
      where: {
        OR: [
          { state: { in: ['STAGED', 'DRIVES_READY', 'IMPORT_COMPLETED', 'VERIFYING', ...FOLLOWED_STATES] } },
          { importTracking: { cancelRequestedAt: { not: null } }, state: { notIn: ['CANCELLED', 'FAILED', 'SEEDED'] } },
        ],
      },
      include: { importTracking: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const job of jobs) {
      if (this.stopped) return;
      await this.step(job);
    }
    await this.incrementals.resumeInterrupted();
  }

  private async step(job: SeedingJob & { importTracking: { cancelRequestedAt: Date | null; cancelReason: string | null; cancelRequestedBy: string | null; deliveryCarrier: string | null; deliveryTrackingNumber: string | null; deliveryDriveCount: number | null; deliveryShipDate: string | null; shippedReportedAt: Date | null; nextPollAt: Date } | null }): Promise<void> {
    const tracking = job.importTracking;
    try {
      if (tracking?.cancelRequestedAt && canTransition(job.state, 'CANCELLED')) {
        await this.steps.cancel(job, tracking.cancelReason ?? 'cancelled by an operator', tracking.cancelRequestedBy ?? ACTOR);
        return;
      }
      if (job.state === 'STAGED') {
        if (await this.hasSealedFullSnapshot(job.id)) await this.steps.plan(job);
        return;
      }
      if (job.state === 'DRIVES_READY') {
        await this.steps.createImportJob(job);
        return;
      }
      if (job.state === 'IMPORT_COMPLETED' || job.state === 'VERIFYING') {
        await this.steps.verify(job);
        return;
      }
      if (!FOLLOWED_STATES.includes(job.state) || !tracking) return;
      // A new tracking number while Shipping can be sent again on Import/Export only; Data Box takes one shipment report.
      const mayReport = job.state === 'IMPORT_JOB_CREATED' || (job.state === 'SHIPPING' && job.provider === 'IMPORT_EXPORT');
      if (mayReport && tracking.deliveryTrackingNumber && tracking.deliveryCarrier && !tracking.shippedReportedAt) {
        await this.steps.reportShipped(job, {
          carrierName: tracking.deliveryCarrier,
          trackingNumber: tracking.deliveryTrackingNumber,
          driveCount: tracking.deliveryDriveCount,
          shipDate: tracking.deliveryShipDate,
        });
        return;
      }
      if (tracking.nextPollAt.getTime() <= Date.now()) await this.steps.follow(job);
    } catch (error) {
      await this.handleStepError(job, error);
    }
  }

  private async handleStepError(job: SeedingJob, error: unknown): Promise<void> {
    if (error instanceof ConcurrentJobUpdateError) return;
    const status = typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : undefined;
    // Azure refused the request itself (4xx other than throttling, conflicts and not-found): retrying the same call cannot help.
    const refused = status !== undefined && status >= 400 && status < 500 && ![404, 408, 409, 429].includes(status);
    if (error instanceof PermanentStepError || refused) {
      const reason = error instanceof PermanentStepError ? error.message : `Azure refused the request: ${describeAzureError(error)}`;
      this.logger.error({ jobId: job.id, state: job.state, reason }, 'Job step failed for good; the job is FAILED');
      await this.prisma.$transaction((tx) => transitionJob(tx, { jobId: job.id, to: 'FAILED', actor: ACTOR, reason })).catch((failure: unknown) => {
        this.logger.error({ jobId: job.id, err: failure }, 'Could not record the failure');
      });
      return;
    }
    this.logger.warn({ jobId: job.id, state: job.state, err: error }, 'Job step failed; trying again at the next tick');
  }

  private async hasSealedFullSnapshot(jobId: string): Promise<boolean> {
    return (await this.prisma.stagingSnapshot.count({ where: { jobId, kind: 'FULL', state: 'SEALED' } })) > 0;
  }
}
