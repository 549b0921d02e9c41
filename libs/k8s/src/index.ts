export { mayHoldLease, objectName, type LeaseState } from './lib/lease-rules';
export { KubernetesNodeReporter, type EventType, type KubernetesConnection, type NodeReporterOptions } from './lib/node-reporter';
