export * from './lib/job-state';
export * from './lib/recovery-password';
export * from './lib/shipping-deadline';
export * from './lib/tracking-number';
