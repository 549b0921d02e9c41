import { SeedingJobStateChanged } from '@seedship/contracts';
import { type Prisma } from '@seedship/db';
import { type JobState, assertTransition, failJob, retryFailedJob } from '@seedship/domain';
import { enqueueEvent } from '@seedship/messaging';

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`No seeding job with id ${jobId}.`);
    this.name = 'JobNotFoundError';
  }
}

/** Another writer changed the job between our read and our write; the caller should re-read and decide again. */
export class ConcurrentJobUpdateError extends Error {
  constructor(readonly jobId: string) {
    super(`Seeding job ${jobId} was changed by someone else at the same time; reload it and try again.`);
    this.name = 'ConcurrentJobUpdateError';
  }
}

export interface TransitionRequest {
  jobId: string;
  to: JobState;
  /** `system:<service>` or `user:<subject>`. */
  actor: string;
  /** Required when `to` is FAILED. */
  reason?: string;
  detail?: Prisma.InputJsonValue;
}

export interface TransitionResult {
  from: JobState;
  to: JobState;
  eventId: string;
}

/**
 * Moves a job to a new state inside the caller's transaction: checks the domain's state machine, updates
 * the row only if nobody else did meanwhile (version check), appends the timeline entry and writes the
 * state-changed event to the outbox. All of it commits or none of it does.
 */
export async function transitionJob(tx: Prisma.TransactionClient, request: TransitionRequest): Promise<TransitionResult> {
  const job = await tx.seedingJob.findUnique({
    where: { id: request.jobId },
    select: { state: true, version: true },
  });
  if (!job) throw new JobNotFoundError(request.jobId);
  const from = job.state;

  let failure: { failedInState: JobState; failureReason: string } | undefined;
  if (request.to === 'FAILED') {
    const failed = failJob(from, request.reason ?? '');
    failure = { failedInState: failed.failedInState, failureReason: failed.failureReason };
  } else {
    assertTransition(from, request.to);
  }

  const updated = await tx.seedingJob.updateMany({
    where: { id: request.jobId, version: job.version },
    data: {
      state: request.to,
      version: { increment: 1 },
      failureReason: failure?.failureReason ?? null,
      failedInState: failure?.failedInState ?? null,
    },
  });
  if (updated.count !== 1) throw new ConcurrentJobUpdateError(request.jobId);

  await tx.jobTimelineEntry.create({
    data: {
      jobId: request.jobId,
      actor: request.actor,
      action: 'state-changed',
      fromState: from,
      toState: request.to,
      ...(request.detail !== undefined || failure ? { detail: request.detail ?? { reason: failure?.failureReason } } : {}),
    },
  });
  const eventId = await enqueueEvent(tx, SeedingJobStateChanged, {
    jobId: request.jobId,
    from,
    to: request.to,
    actor: request.actor,
    ...(failure ? { reason: failure.failureReason } : {}),
  });
  return { from, to: request.to, eventId };
}

export interface RetryRequest {
  jobId: string;
  /** `system:<service>` or `user:<subject>`. */
  actor: string;
  detail?: Prisma.InputJsonValue;
}

/**
 * Retries the failed step of a FAILED job: puts it back in the state it failed in (the domain's rule),
 * clears the failure, and announces the move like any other, so the service owning that step runs it
 * again. The timeline keeps the failure that was retried.
 */
export async function retryFailedStep(tx: Prisma.TransactionClient, request: RetryRequest): Promise<TransitionResult> {
  const job = await tx.seedingJob.findUnique({
    where: { id: request.jobId },
    select: { state: true, version: true, failedInState: true, failureReason: true },
  });
  if (!job) throw new JobNotFoundError(request.jobId);
  const to = retryFailedJob(job.state, job.failedInState);
  const updated = await tx.seedingJob.updateMany({
    where: { id: request.jobId, version: job.version },
    data: { state: to, version: { increment: 1 }, failureReason: null, failedInState: null },
  });
  if (updated.count !== 1) throw new ConcurrentJobUpdateError(request.jobId);
  await tx.jobTimelineEntry.create({
    data: {
      jobId: request.jobId,
      actor: request.actor,
      action: 'failed-step-retried',
      fromState: job.state,
      toState: to,
      detail: { retriedFailure: job.failureReason, ...(isJsonObject(request.detail) ? request.detail : {}) },
    },
  });
  const eventId = await enqueueEvent(tx, SeedingJobStateChanged, {
    jobId: request.jobId,
    from: job.state,
    to,
    actor: request.actor,
  });
  return { from: job.state, to, eventId };
}

export interface JobActionRecord {
  jobId: string;
  actor: string;
  /** What happened, kebab-case (e.g. `recovery-password-revealed`). */
  action: string;
  detail?: Prisma.InputJsonValue;
}

/** Records in the job's timeline something done to the job that is not a state change. */
export async function recordJobAction(tx: Prisma.TransactionClient, record: JobActionRecord): Promise<void> {
  await tx.jobTimelineEntry.create({
    data: {
      jobId: record.jobId,
      actor: record.actor,
      action: record.action,
      ...(record.detail !== undefined ? { detail: record.detail } : {}),
    },
  });
}

function isJsonObject(value: Prisma.InputJsonValue | undefined): value is Prisma.InputJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
