// The console API's shapes as the browser sees them (the server's zod schemas in src/app/api are the source;
// GET /api/openapi.json documents them).
export type JobState =
  | 'DRAFT' | 'STAGING' | 'STAGED' | 'AWAITING_DRIVES' | 'PREPARING_DRIVES' | 'DRIVES_READY' | 'IMPORT_JOB_CREATED'
  | 'SHIPPING' | 'RECEIVED' | 'TRANSFERRING' | 'PACKAGING' | 'IMPORT_COMPLETED' | 'VERIFYING' | 'SEEDED' | 'FAILED' | 'CANCELLED';
export type DriveState =
  | 'DETECTED' | 'REJECTED' | 'NEEDS_WIPE_CONFIRMATION' | 'AVAILABLE' | 'CLAIMED' | 'WRITING' | 'VERIFYING' | 'READY'
  | 'FAILED' | 'REMOVED' | 'SHIPPED';
export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  subject: string;
  role: Role;
}

export interface Alert {
  id: string;
  severity: 'critical' | 'warning';
  kind: string;
  message: string;
  since: string;
  jobId: string | null;
  importJobName: string | null;
  driveId: string | null;
  nodeName: string | null;
}

export interface Drive {
  id: string;
  serialNumber: string;
  model: string | null;
  sizeBytes: string;
  state: DriveState;
  stateReason: string | null;
  jobId: string | null;
  importJobName: string | null;
  nodeName: string | null;
  baySlot: string | null;
  bayLabel: string | null;
  bytesPlanned: string;
  bytesWritten: string;
  verifiedAt: string | null;
  wipeReleasedBy: string | null;
  hasRecoveryPassword: boolean;
  updatedAt: string;
  /** Only from live events. */
  bytesPerSecond?: number;
  secondsLeft?: number;
}

export interface Bytes {
  staged: string;
  onDrives: string;
  inTransit: string;
  imported: string;
  verified: string;
}

export interface Deadline {
  shipmentId: string;
  jobId: string;
  importJobName: string;
  carrierName: string;
  trackingNumber: string | null;
  arrivalDeadline: string;
  daysLeft: number;
}

export interface Overview {
  generatedAt: string;
  jobsByState: Record<JobState, number>;
  jobs: { total: number; active: number; failed: number };
  bytes: Bytes;
  drivesByState: Record<DriveState, number>;
  fleet: { nodes: number; silentNodes: number; bays: number; occupiedBays: number };
  alertCounts: { critical: number; warning: number };
  alerts: Alert[];
  deadlines: Deadline[];
  activeDrives: Drive[];
}

export interface JobRow {
  id: string;
  importJobName: string;
  state: JobState;
  provider: string;
  failureReason: string | null;
  failedInState: JobState | null;
  location: string;
  storageAccount: string;
  container: string;
  bytesStaged: string;
  bytesNeedingDrives: string;
  drives: { total: number; ready: number; bytesPlanned: string; bytesWritten: string };
  delivery: { carrierName: string; trackingNumber: string | null; arrivalDeadline: string | null; carrierStatus: string | null } | null;
  azureState: string | null;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export interface TimelineEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  fromState: JobState | null;
  toState: JobState | null;
  detail: unknown;
}

export interface Shipment {
  id: string;
  jobId: string;
  importJobName: string;
  jobState: JobState;
  direction: 'DELIVERY' | 'RETURN';
  carrierName: string;
  trackingNumber: string | null;
  driveCount: number | null;
  shipDate: string | null;
  arrivalDeadline: string | null;
  daysToDeadline: number | null;
  carrierStatus: string | null;
  deliveredAt: string | null;
}

export interface JobDetail extends JobRow {
  subscriptionId: string;
  resourceGroup: string;
  azureJobResourceId: string | null;
  datacenterAddress: Record<string, unknown> | null;
  snapshots: Array<{ id: string; kind: string; state: string; sourceBytes: string; sealedAt: string | null }>;
  driveList: Drive[];
  azureJob: Array<{ azureState: string; percentComplete: number | null; observedAt: string }>;
  azureDrives: Array<{
    azureDriveId: string;
    azureState: string;
    copyStatus: string | null;
    percentComplete: number | null;
    bytesSucceeded: string | null;
    errorLogUri: string | null;
    observedAt: string;
  }>;
  shipments: Shipment[];
  timeline: TimelineEntry[];
  alerts: Alert[];
  allowedActions: { cancel: boolean; retry: boolean };
}

export interface Bay {
  id: string;
  slot: string;
  label: string | null;
  drive: Drive | null;
  instruction: { kind: string; text: string };
}

export interface CopyNode {
  id: string;
  nodeName: string;
  agentVersion: string | null;
  lastHeartbeatAt: string;
  silent: boolean;
  bays: Bay[];
}

export interface Nodes {
  nodes: CopyNode[];
  nextInsert: { jobId: string; importJobName: string; bytesNeedingDrives: string } | null;
}

/** One message of GET /api/events. */
export interface LiveEvent {
  subject: string;
  eventId: string;
  occurredAt: string | null;
  payload: Record<string, unknown>;
}

export interface DriveProgressPayload {
  driveId: string;
  jobId?: string;
  serialNumber: string;
  nodeName: string;
  state: DriveState;
  bytesWritten: string;
  bytesPlanned: string;
  bytesPerSecond: number;
  secondsLeft?: number;
}
