export * from './lib/job-state';
export * from './lib/recovery-password';
