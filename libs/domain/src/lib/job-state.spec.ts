import {
  JOB_STATES,
  JobTransitionError,
  JobTransitionErrorCode,
  allowedNextStates,
  assertTransition,
  canTransition,
  failJob,
  retryFailedJob,
  type JobState,
} from './job-state';

describe('job state machine', () => {
  const happyPath: JobState[] = [
    'DRAFT', 'STAGING', 'STAGED', 'AWAITING_DRIVES', 'PREPARING_DRIVES', 'DRIVES_READY', 'IMPORT_JOB_CREATED',
    'SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED',
  ];

  it('allows every step of the seeding flow in order', () => {
    for (let i = 1; i < happyPath.length; i++) {
      const from = happyPath[i - 1] as JobState;
      const to = happyPath[i] as JobState;
      expect([from, to, canTransition(from, to)]).toEqual([from, to, true]);
    }
  });

  it('refuses to skip a step outside the Azure-driven stretch, naming what is allowed', () => {
    expect(canTransition('STAGED', 'DRIVES_READY')).toBe(false);
    expect(() => assertTransition('STAGED', 'DRIVES_READY')).toThrow(
      'A job cannot move from STAGED to DRIVES_READY; from STAGED it may move to AWAITING_DRIVES, FAILED, CANCELLED.',
    );
  });

  it('lets polling jump forward inside the Azure-driven stretch but never backwards', () => {
    expect(canTransition('SHIPPING', 'TRANSFERRING')).toBe(true);
    expect(canTransition('RECEIVED', 'IMPORT_COMPLETED')).toBe(true);
    expect(canTransition('TRANSFERRING', 'RECEIVED')).toBe(false);
    expect(canTransition('SHIPPING', 'VERIFYING')).toBe(false);
  });

  it('sends a job whose drive was pulled back to waiting for drives', () => {
    expect(canTransition('PREPARING_DRIVES', 'AWAITING_DRIVES')).toBe(true);
  });

  it('allows cancelling only before the datacenter has the drives', () => {
    expect(canTransition('SHIPPING', 'CANCELLED')).toBe(true);
    expect(canTransition('RECEIVED', 'CANCELLED')).toBe(false);
    expect(canTransition('TRANSFERRING', 'CANCELLED')).toBe(false);
  });

  it('treats SEEDED and CANCELLED as final', () => {
    expect(allowedNextStates('SEEDED')).toEqual([]);
    expect(allowedNextStates('CANCELLED')).toEqual([]);
    const error = captureError(() => assertTransition('SEEDED', 'FAILED'));
    expect(error.code).toBe(JobTransitionErrorCode.AlreadyTerminal);
  });

  it('can fail from every non-final state, always with a reason and the failed step', () => {
    for (const state of JOB_STATES) {
      if (state === 'SEEDED' || state === 'CANCELLED' || state === 'FAILED') continue;
      expect(failJob(state, ' drive pulled ')).toEqual({
        state: 'FAILED',
        failedInState: state,
        failureReason: 'drive pulled',
      });
    }
    expect(captureError(() => failJob('STAGING', '  ')).code).toBe(JobTransitionErrorCode.MissingReason);
  });

  it('retries a failed job in the state it failed in, and only a failed job', () => {
    expect(retryFailedJob('FAILED', 'PREPARING_DRIVES')).toBe('PREPARING_DRIVES');
    expect(captureError(() => retryFailedJob('STAGED', null)).code).toBe(JobTransitionErrorCode.NotFailed);
    expect(allowedNextStates('FAILED')).toEqual([]);
  });
});

function captureError(fn: () => unknown): JobTransitionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof JobTransitionError) return error;
    throw error;
  }
  throw new Error('expected a JobTransitionError');
}
