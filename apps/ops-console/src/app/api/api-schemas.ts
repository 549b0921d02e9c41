import { z } from 'zod';

import { DRIVE_STATES } from '@seedship/contracts';
import { JOB_STATES } from '@seedship/domain';

/**
 * The console API's response shapes, in one place: the TypeScript types, the OpenAPI document and the
 * tests that check responses against it all come from these schemas. Byte counts are decimal strings
 * (fleet totals exceed 2^53); times are ISO 8601 UTC.
 */
const bytes = z.string().regex(/^[0-9]+$/).describe('byte count, decimal string');
const time = z.string().describe('ISO 8601 timestamp');
const date = z.string().describe('YYYY-MM-DD');
export const jobStateSchema = z.enum(JOB_STATES);
export const driveStateSchema = z.enum(DRIVE_STATES);

export const alertSchema = z.object({
  id: z.string().describe('stable key: the same problem keeps the same id'),
  severity: z.enum(['critical', 'warning']),
  kind: z.enum(['JOB_FAILED', 'JOB_STUCK', 'DEADLINE_PASSED', 'DEADLINE_NEAR', 'DRIVE_FAILED', 'DRIVE_NEEDS_WIPE_CONFIRMATION', 'NODE_SILENT']),
  message: z.string().describe('what is wrong and what to do'),
  since: time,
  jobId: z.string().nullable(),
  importJobName: z.string().nullable(),
  driveId: z.string().nullable(),
  nodeName: z.string().nullable(),
});
export type AlertView = z.output<typeof alertSchema>;

export const driveSchema = z.object({
  id: z.string(),
  serialNumber: z.string(),
  model: z.string().nullable(),
  transport: z.string(),
  sizeBytes: bytes,
  state: driveStateSchema,
  stateReason: z.string().nullable(),
  jobId: z.string().nullable(),
  importJobName: z.string().nullable(),
  nodeId: z.string().nullable(),
  nodeName: z.string().nullable(),
  bayId: z.string().nullable(),
  baySlot: z.string().nullable(),
  bayLabel: z.string().nullable(),
  bytesPlanned: bytes,
  bytesWritten: bytes,
  verifiedAt: time.nullable(),
  wipeReleasedBy: z.string().nullable(),
  wipeReleasedAt: time.nullable(),
  hasRecoveryPassword: z.boolean(),
  updatedAt: time,
});
export type DriveView = z.output<typeof driveSchema>;

const deadlineSchema = z.object({
  shipmentId: z.string(),
  jobId: z.string(),
  importJobName: z.string(),
  direction: z.enum(['DELIVERY', 'RETURN']),
  carrierName: z.string(),
  trackingNumber: z.string().nullable(),
  arrivalDeadline: date,
  daysLeft: z.number().int().describe('negative once passed'),
});

export const overviewSchema = z.object({
  generatedAt: time,
  jobsByState: z.record(jobStateSchema, z.number().int()),
  jobs: z.object({ total: z.number().int(), active: z.number().int(), failed: z.number().int() }),
  bytes: z.object({
    staged: bytes.describe('logical bytes of sealed staging snapshots'),
    onDrives: bytes.describe('bytes written to drives that are still on copy nodes'),
    inTransit: bytes.describe('bytes on shipped drives of jobs the datacenter has not received yet'),
    imported: bytes.describe('bytes Azure reports copied, latest observation per drive'),
    verified: bytes.describe('staged bytes of SEEDED jobs, every blob verified in the storage account'),
  }),
  drivesByState: z.record(driveStateSchema, z.number().int()),
  fleet: z.object({ nodes: z.number().int(), silentNodes: z.number().int(), bays: z.number().int(), occupiedBays: z.number().int() }),
  alertCounts: z.object({ critical: z.number().int(), warning: z.number().int() }),
  alerts: z.array(alertSchema).describe('critical first, then oldest first; at most 50'),
  deadlines: z.array(deadlineSchema).describe('packages not yet delivered, earliest deadline first; at most 20'),
  activeDrives: z.array(driveSchema).describe('drives being claimed, written or verified; at most 50'),
});
export type OverviewView = z.output<typeof overviewSchema>;

export const jobRowSchema = z.object({
  id: z.string(),
  importJobName: z.string(),
  state: jobStateSchema,
  provider: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']),
  failureReason: z.string().nullable(),
  failedInState: jobStateSchema.nullable(),
  location: z.string(),
  storageAccount: z.string(),
  container: z.string(),
  bytesStaged: bytes,
  bytesNeedingDrives: bytes,
  drives: z.object({ total: z.number().int(), ready: z.number().int(), bytesPlanned: bytes, bytesWritten: bytes }),
  delivery: z
    .object({ carrierName: z.string(), trackingNumber: z.string().nullable(), arrivalDeadline: date.nullable(), carrierStatus: z.string().nullable() })
    .nullable(),
  azureState: z.string().nullable().describe("Azure's latest job state, verbatim"),
  createdAt: time,
  updatedAt: time,
});
export type JobRowView = z.output<typeof jobRowSchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('rows matching the filter'),
    nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last page'),
  });
}
export const jobPageSchema = pageSchema(jobRowSchema);
export const drivePageSchema = pageSchema(driveSchema);

export const timelineEntrySchema = z.object({
  id: z.string(),
  at: time,
  actor: z.string(),
  action: z.string(),
  fromState: jobStateSchema.nullable(),
  toState: jobStateSchema.nullable(),
  detail: z.unknown().nullable(),
});
export type TimelineEntryView = z.output<typeof timelineEntrySchema>;

export const shipmentSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  importJobName: z.string(),
  jobState: jobStateSchema,
  direction: z.enum(['DELIVERY', 'RETURN']),
  carrierName: z.string(),
  trackingNumber: z.string().nullable(),
  driveCount: z.number().int().nullable(),
  shipDate: date.nullable(),
  arrivalDeadline: date.nullable(),
  daysToDeadline: z.number().int().nullable(),
  carrierStatus: z.string().nullable(),
  deliveredAt: time.nullable(),
});
export type ShipmentView = z.output<typeof shipmentSchema>;

export const jobDetailSchema = jobRowSchema.extend({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  azureJobResourceId: z.string().nullable(),
  datacenterAddress: z.record(z.string(), z.unknown()).nullable().describe('as the Azure Locations API returned it'),
  snapshots: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['FULL', 'INCREMENTAL']),
      state: z.enum(['OPEN', 'SEALED', 'ABANDONED']),
      fileCount: bytes,
      sourceBytes: bytes,
      storedBytes: bytes,
      createdAt: time,
      sealedAt: time.nullable(),
    }),
  ),
  driveList: z.array(driveSchema),
  azureJob: z
    .array(z.object({ azureState: z.string(), percentComplete: z.number().int().nullable(), observedAt: time }))
    .describe('observations of the Azure job, newest first; at most 20'),
  azureDrives: z
    .array(
      z.object({
        azureDriveId: z.string(),
        driveId: z.string().nullable(),
        azureState: z.string(),
        copyStatus: z.string().nullable(),
        percentComplete: z.number().int().nullable(),
        bytesSucceeded: bytes.nullable(),
        errorLogUri: z.string().nullable(),
        verboseLogUri: z.string().nullable(),
        observedAt: time,
      }),
    )
    .describe('latest observation per drive'),
  shipments: z.array(shipmentSchema),
  timeline: z.array(timelineEntrySchema).describe('newest first; at most 200'),
  alerts: z.array(alertSchema),
  allowedActions: z.object({ cancel: z.boolean(), retry: z.boolean() }),
});
export type JobDetailView = z.output<typeof jobDetailSchema>;

export const bayInstructionSchema = z.object({
  kind: z.enum(['INSERT_BLANK', 'PULL_AND_SHIP', 'PULL', 'CONFIRM_WIPE', 'LEAVE', 'IDLE']),
  text: z.string(),
});
export const nodeSchema = z.object({
  id: z.string(),
  nodeName: z.string(),
  agentVersion: z.string().nullable(),
  lastHeartbeatAt: time,
  silent: z.boolean().describe('no heartbeat for 2 minutes'),
  bays: z.array(
    z.object({ id: z.string(), slot: z.string(), label: z.string().nullable(), drive: driveSchema.nullable(), instruction: bayInstructionSchema }),
  ),
});
export const nodesSchema = z.object({
  nodes: z.array(nodeSchema),
  nextInsert: z
    .object({ jobId: z.string(), importJobName: z.string(), bytesNeedingDrives: bytes })
    .nullable()
    .describe('the job that waits longest for drive space'),
});
export type NodesView = z.output<typeof nodesSchema>;
export type NodeView = z.output<typeof nodeSchema>;

export const shipmentListSchema = z.object({ items: z.array(shipmentSchema) });
export const alertListSchema = z.object({ items: z.array(alertSchema) });
export const timelineSchema = z.object({ items: z.array(timelineEntrySchema) });

export const sessionSchema = z.object({
  subject: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  via: z.enum(['token', 'session']),
  issuer: z.string(),
  expiresAt: time.nullable(),
});
export type SessionView = z.output<typeof sessionSchema>;

export const actionResultSchema = z.object({
  jobId: z.string().nullable(),
  from: z.string().describe('state before'),
  to: z.string().describe('state after'),
  eventId: z.string().describe('the outbox event the owning service acts on'),
});
export type ActionResultView = z.output<typeof actionResultSchema>;

export const revealSchema = z.object({ driveId: z.string(), serialNumber: z.string(), jobId: z.string(), recoveryPassword: z.string() });
export type RevealView = z.output<typeof revealSchema>;

export const errorSchema = z.object({ error: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

// Request bodies and queries.
export const signInBody = z.object({ token: z.string().min(1, 'paste the token you were given') }).strict();
export const cancelBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
export const releaseBody = z
  .object({ jobId: z.uuid('must be the id of the job the drive is released for').optional() })
  .strict();
const limit = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number')
  .transform(Number)
  .refine((value) => value <= 500, 'must be at most 500')
  .default(50);
export const jobListQuery = z
  .object({
    state: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim().toUpperCase()))
      .pipe(z.array(jobStateSchema))
      .optional(),
    search: z.string().trim().min(1).max(64).optional(),
    limit,
    cursor: z.string().min(1).optional(),
  })
  .strict();
export const driveListQuery = z
  .object({
    state: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim().toUpperCase()))
      .pipe(z.array(driveStateSchema))
      .optional(),
    jobId: z.uuid().optional(),
    nodeName: z.string().min(1).optional(),
    limit,
    cursor: z.string().min(1).optional(),
  })
  .strict();
export const shipmentListQuery = z.object({ pending: z.enum(['true', 'false']).optional() }).strict();
