export {
  SUBJECT_PATTERN,
  PayloadValidationError,
  defineMessage,
  parsePayload,
  type MessageContract,
  type PayloadOf,
} from './lib/message-contract';
export { MESSAGE_CATALOG, STREAMS, deadLetterSubject } from './lib/catalog';
export * from './lib/events/diskprep-drive-progress';
export * from './lib/events/diskprep-drive-wipe-released';
export * from './lib/events/diskprep-job-drives-ready';
export * from './lib/events/orchestration-incremental-uploaded';
export * from './lib/events/orchestration-job-azure-status';
export * from './lib/events/orchestration-job-drives-planned';
export * from './lib/events/orchestration-job-ship-to';
export * from './lib/events/seeding-job-seeded';
export * from './lib/events/seeding-job-state-changed';
export * from './lib/events/shipping-carrier-status-changed';
export * from './lib/events/shipping-deadline';
export * from './lib/events/shipping-package-updated';
export * from './lib/events/staging-progress';
export * from './lib/events/staging-snapshot-sealed';
