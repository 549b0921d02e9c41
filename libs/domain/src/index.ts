export * from './lib/job-state';
