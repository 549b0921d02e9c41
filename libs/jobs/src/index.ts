export {
  ConcurrentJobUpdateError,
  JobNotFoundError,
  recordJobAction,
  retryFailedStep,
  transitionJob,
  type JobActionRecord,
  type RetryRequest,
  type TransitionRequest,
  type TransitionResult,
} from './lib/transition-job';
