export { eventually, type EventuallyOptions } from './lib/eventually';
export { WORKSPACE_ROOT, containerRuntimeAvailable, startDevServices } from './lib/dev-services';
export { startNatsServerProcess, type NatsServerProcess } from './lib/nats-server-process';
export { startNodeService, type NodeServiceOptions, type NodeServiceProcess } from './lib/node-service-process';
export { createTestDatabase, createTestNamespace, testServices, type TestDatabase } from './lib/test-services';
export { WINDOWS_BITLOCKER_ARCHIVE, sampleJobData } from './lib/fixtures';
export { captureLogger } from './lib/capture-logger';
export { type DemoFleet, randomRecoveryPassword, seedDemoFleet } from './lib/demo-fleet';
