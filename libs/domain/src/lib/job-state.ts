/**
 * The seeding job's state machine: one definition, used by every service.
 * Azure's own job states are mapped onto these elsewhere; they are never guessed here.
 */
export const JOB_STATES = [
  'DRAFT',
  'STAGING',
  'STAGED',
  'AWAITING_DRIVES',
  'PREPARING_DRIVES',
  'DRIVES_READY',
  'IMPORT_JOB_CREATED',
  'SHIPPING',
  'RECEIVED',
  'TRANSFERRING',
  'PACKAGING',
  'IMPORT_COMPLETED',
  'VERIFYING',
  'SEEDED',
  'FAILED',
  'CANCELLED',
] as const;

export type JobState = (typeof JOB_STATES)[number];

/** States after which nothing happens to the seed any more (incrementals run beside SEEDED). */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>(['SEEDED', 'CANCELLED']);

/** Once the datacenter has the drives, Azure no longer lets the job be cancelled. */
const CANCELLABLE: ReadonlySet<JobState> = new Set<JobState>([
  'DRAFT',
  'STAGING',
  'STAGED',
  'AWAITING_DRIVES',
  'PREPARING_DRIVES',
  'DRIVES_READY',
  'IMPORT_JOB_CREATED',
  'SHIPPING',
]);

/**
 * The Azure-driven stretch is observed by polling, so a poll may see a later state without having seen
 * the ones between (Shipping straight to Transferring). Forward moves inside it are allowed.
 */
const AZURE_DRIVEN: readonly JobState[] = ['SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED'];

const FORWARD: Readonly<Record<JobState, readonly JobState[]>> = {
  DRAFT: ['STAGING'],
  STAGING: ['STAGED'],
  STAGED: ['AWAITING_DRIVES'],
  AWAITING_DRIVES: ['PREPARING_DRIVES'],
  // A pulled or failed drive sends its blobs back to the plan, and the job back to waiting for space.
  PREPARING_DRIVES: ['AWAITING_DRIVES', 'DRIVES_READY'],
  DRIVES_READY: ['IMPORT_JOB_CREATED'],
  IMPORT_JOB_CREATED: ['SHIPPING'],
  SHIPPING: AZURE_DRIVEN.slice(1),
  RECEIVED: AZURE_DRIVEN.slice(2),
  TRANSFERRING: AZURE_DRIVEN.slice(3),
  PACKAGING: AZURE_DRIVEN.slice(4),
  IMPORT_COMPLETED: ['VERIFYING'],
  VERIFYING: ['SEEDED'],
  SEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export enum JobTransitionErrorCode {
  NotAllowed = 'JOB_TRANSITION_NOT_ALLOWED',
  AlreadyTerminal = 'JOB_ALREADY_TERMINAL',
  NotFailed = 'JOB_NOT_FAILED',
  MissingReason = 'JOB_FAILURE_REASON_MISSING',
}

export class JobTransitionError extends Error {
  constructor(
    readonly code: JobTransitionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobTransitionError';
  }
}

export function isJobState(value: string): value is JobState {
  return (JOB_STATES as readonly string[]).includes(value);
}

export function allowedNextStates(from: JobState): readonly JobState[] {
  if (TERMINAL_JOB_STATES.has(from)) return [];
  if (from === 'FAILED') return [];
  const next: JobState[] = [...FORWARD[from], 'FAILED'];
  if (CANCELLABLE.has(from)) next.push('CANCELLED');
  return next;
}

export function canTransition(from: JobState, to: JobState): boolean {
  return allowedNextStates(from).includes(to);
}

/** Throws a JobTransitionError that says what is allowed instead. */
export function assertTransition(from: JobState, to: JobState): void {
  if (canTransition(from, to)) return;
  if (TERMINAL_JOB_STATES.has(from)) {
    throw new JobTransitionError(
      JobTransitionErrorCode.AlreadyTerminal,
      `The job is ${from}, a final state; it cannot move to ${to}.`,
    );
  }
  if (from === 'FAILED') {
    throw new JobTransitionError(
      JobTransitionErrorCode.NotAllowed,
      `The job is FAILED; retry the failed step (back to the state it failed in) instead of moving it to ${to}.`,
    );
  }
  throw new JobTransitionError(
    JobTransitionErrorCode.NotAllowed,
    `A job cannot move from ${from} to ${to}; from ${from} it may move to ${allowedNextStates(from).join(', ')}.`,
  );
}

export interface JobFailure {
  readonly state: 'FAILED';
  readonly failedInState: JobState;
  readonly failureReason: string;
}

/** A failure always carries its reason and the step it happened in. */
export function failJob(from: JobState, reason: string): JobFailure {
  assertTransition(from, 'FAILED');
  const failureReason = reason.trim();
  if (failureReason.length === 0) {
    throw new JobTransitionError(JobTransitionErrorCode.MissingReason, 'A job cannot fail without a reason.');
  }
  return { state: 'FAILED', failedInState: from, failureReason };
}

/** Retrying a failed job puts it back in the state whose step failed, so that step runs again. */
export function retryFailedJob(state: JobState, failedInState: JobState | null): JobState {
  if (state !== 'FAILED' || failedInState === null) {
    throw new JobTransitionError(
      JobTransitionErrorCode.NotFailed,
      `Only a FAILED job can be retried; this job is ${state}.`,
    );
  }
  return failedInState;
}
