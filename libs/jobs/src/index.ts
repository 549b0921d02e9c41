export {
  ConcurrentJobUpdateError,
  JobNotFoundError,
  transitionJob,
  type TransitionRequest,
  type TransitionResult,
} from './lib/transition-job';
