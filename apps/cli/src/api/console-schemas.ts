import { z } from 'zod';

import { DRIVE_STATES } from '@seedship/contracts';
import { JOB_STATES } from '@seedship/domain';

/**
 * The parts of the ops console's responses the CLI reads, checked before use so a console of another
 * version fails with a message instead of a table of "undefined". The console's own schemas (and its
 * OpenAPI document, /api/openapi.json) live in the app, which the CLI may not import; these name only
 * the fields the CLI shows and ignore the rest, so the console may add fields freely. `--json` prints
 * the console's answer as it came.
 */
const bytes = z.string().regex(/^[0-9]+$/, 'must be a decimal byte count');
const jobState = z.enum(JOB_STATES);
const driveState = z.enum(DRIVE_STATES);

export const alertSchema = z.object({
  severity: z.enum(['critical', 'warning']),
  kind: z.string(),
  message: z.string(),
  since: z.string(),
  importJobName: z.string().nullable(),
  nodeName: z.string().nullable(),
});

export const driveSchema = z.object({
  id: z.string(),
  serialNumber: z.string(),
  model: z.string().nullable(),
  sizeBytes: bytes,
  state: driveState,
  stateReason: z.string().nullable(),
  jobId: z.string().nullable(),
  importJobName: z.string().nullable(),
  nodeName: z.string().nullable(),
  baySlot: z.string().nullable(),
  bayLabel: z.string().nullable(),
  bytesPlanned: bytes,
  bytesWritten: bytes,
  wipeReleasedBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type Drive = z.output<typeof driveSchema>;

export const overviewSchema = z.object({
  generatedAt: z.string(),
  jobsByState: z.record(z.string(), z.number().int()),
  jobs: z.object({ total: z.number().int(), active: z.number().int(), failed: z.number().int() }),
  bytes: z.object({ staged: bytes, onDrives: bytes, inTransit: bytes, imported: bytes, verified: bytes }),
  drivesByState: z.record(z.string(), z.number().int()),
  fleet: z.object({ nodes: z.number().int(), silentNodes: z.number().int(), bays: z.number().int(), occupiedBays: z.number().int() }),
  alertCounts: z.object({ critical: z.number().int(), warning: z.number().int() }),
  alerts: z.array(alertSchema),
  deadlines: z.array(
    z.object({
      importJobName: z.string(),
      direction: z.enum(['DELIVERY', 'RETURN']),
      carrierName: z.string(),
      trackingNumber: z.string().nullable(),
      arrivalDeadline: z.string(),
      daysLeft: z.number().int(),
    }),
  ),
  activeDrives: z.array(driveSchema),
});
export type Overview = z.output<typeof overviewSchema>;

export const jobRowSchema = z.object({
  id: z.string(),
  importJobName: z.string(),
  state: jobState,
  provider: z.string(),
  failureReason: z.string().nullable(),
  location: z.string(),
  bytesStaged: bytes,
  drives: z.object({ total: z.number().int(), ready: z.number().int(), bytesPlanned: bytes, bytesWritten: bytes }),
  delivery: z
    .object({ carrierName: z.string(), trackingNumber: z.string().nullable(), arrivalDeadline: z.string().nullable(), carrierStatus: z.string().nullable() })
    .nullable(),
  azureState: z.string().nullable(),
  createdAt: z.string(),
});
export type JobRow = z.output<typeof jobRowSchema>;

function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable() });
}
export const jobPageSchema = pageSchema(jobRowSchema);
export const drivePageSchema = pageSchema(driveSchema);
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export const jobDetailSchema = jobRowSchema.extend({
  failedInState: jobState.nullable(),
  storageAccount: z.string(),
  container: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  azureJobResourceId: z.string().nullable(),
  datacenterAddress: z.record(z.string(), z.unknown()).nullable(),
  snapshots: z.array(z.object({ kind: z.string(), state: z.string(), sourceBytes: bytes, sealedAt: z.string().nullable() })),
  driveList: z.array(driveSchema),
  azureJob: z.array(z.object({ azureState: z.string(), percentComplete: z.number().int().nullable(), observedAt: z.string() })),
  azureDrives: z.array(
    z.object({
      azureDriveId: z.string(),
      driveId: z.string().nullable(),
      azureState: z.string(),
      copyStatus: z.string().nullable(),
      percentComplete: z.number().int().nullable(),
      bytesSucceeded: bytes.nullable(),
      errorLogUri: z.string().nullable(),
    }),
  ),
  shipments: z.array(
    z.object({
      direction: z.enum(['DELIVERY', 'RETURN']),
      carrierName: z.string(),
      trackingNumber: z.string().nullable(),
      driveCount: z.number().int().nullable(),
      shipDate: z.string().nullable(),
      arrivalDeadline: z.string().nullable(),
      daysToDeadline: z.number().int().nullable(),
      carrierStatus: z.string().nullable(),
      deliveredAt: z.string().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({ at: z.string(), actor: z.string(), action: z.string(), fromState: jobState.nullable(), toState: jobState.nullable(), detail: z.unknown().nullable() }),
  ),
  alerts: z.array(alertSchema),
  allowedActions: z.object({ cancel: z.boolean(), retry: z.boolean() }),
});
export type JobDetail = z.output<typeof jobDetailSchema>;

export const nodesSchema = z.object({
  nodes: z.array(
    z.object({
      nodeName: z.string(),
      agentVersion: z.string().nullable(),
      lastHeartbeatAt: z.string(),
      silent: z.boolean(),
      bays: z.array(
        z.object({
          slot: z.string(),
          label: z.string().nullable(),
          drive: driveSchema.nullable(),
          instruction: z.object({ kind: z.string(), text: z.string() }),
        }),
      ),
    }),
  ),
  nextInsert: z.object({ importJobName: z.string(), bytesNeedingDrives: bytes }).nullable(),
});
export type Nodes = z.output<typeof nodesSchema>;

export const actionResultSchema = z.object({ jobId: z.string().nullable(), from: z.string(), to: z.string(), eventId: z.string() });
