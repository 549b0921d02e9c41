import { Inject, Injectable } from '@nestjs/common';

import { PRISMA_CLIENT, Prisma, type PrismaClient } from '@seedship/db';
import { JOB_STATES, TERMINAL_JOB_STATES, type JobState, canTransition } from '@seedship/domain';
import { DRIVE_STATES } from '@seedship/contracts';

import {
  type AlertView,
  type DriveView,
  type JobDetailView,
  type JobRowView,
  type NodesView,
  type OverviewView,
  type ShipmentView,
  type TimelineEntryView,
  type driveListQuery,
  type jobListQuery,
} from '../api/api-schemas';
import { OpsConsoleErrorCode, OpsConsoleException } from '../common/ops-console.exception';
import {
  AZURE_PACED_STATES,
  type AlertSources,
  type DeadlineRow,
  type FailedJobRow,
  type ProblemDriveRow,
  SILENT_NODE_AFTER_MS,
  STUCK_AFTER_MS,
  type SilentNodeRow,
  type StuckJobRow,
  buildAlerts,
  daysUntil,
} from './alerts';
import { DRIVE_SELECT, type DriveRow, decodeCursor, encodeCursor, toDriveView } from './drive-rows';
import { instructionFor } from './bay-instructions';
import { type z } from 'zod';

type JobListQuery = z.output<typeof jobListQuery>;
type DriveListQuery = z.output<typeof driveListQuery>;

/** Drive states in which the data is on a drive that still sits on a copy node. */
const ON_NODE_STATES = ['CLAIMED', 'WRITING', 'VERIFYING', 'READY'] as const;
const ACTIVE_DRIVE_STATES = ['CLAIMED', 'WRITING', 'VERIFYING'] as const;
/** Job states in which shipped drives are on their way to the datacenter. */
const IN_TRANSIT_JOB_STATES = ['DRIVES_READY', 'IMPORT_JOB_CREATED', 'SHIPPING'] as const;
const STUCK_CANDIDATE_STATES = JOB_STATES.filter(
  (state) => !TERMINAL_JOB_STATES.has(state) && state !== 'FAILED' && !(AZURE_PACED_STATES as readonly string[]).includes(state),
);
const ALERT_ROWS = 200;

interface JobRowBase {
  id: string;
  importJobName: string;
  state: JobState;
  provider: 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';
  failureReason: string | null;
  failedInState: JobState | null;
  location: string;
  storageAccount: string;
  container: string;
  bytesNeedingDrives: string;
  createdAt: Date;
  updatedAt: Date;
}

const JOB_SELECT = Prisma.sql`
  SELECT j.id::text AS id, j.import_job_name AS "importJobName", j.state::text AS state, j.provider::text AS provider,
         j.failure_reason AS "failureReason", j.failed_in_state::text AS "failedInState", j.location,
         j.storage_account AS "storageAccount", j.container, j.bytes_needing_drives::text AS "bytesNeedingDrives",
         j.created_at AS "createdAt", j.updated_at AS "updatedAt"
  FROM seeding_job j`;

/** `= ANY(...)` over the enum itself, not its text, so Postgres can use the state indexes. */
function jobStateIn(column: Prisma.Sql, values: readonly string[]): Prisma.Sql {
  return Prisma.sql`${column} = ANY(${[...values]}::job_state[])`;
}
function driveStateIn(column: Prisma.Sql, values: readonly string[]): Prisma.Sql {
  return Prisma.sql`${column} = ANY(${[...values]}::drive_state[])`;
}

/** The read side of the console: every query behind the API, over the shared schema. */
@Injectable()
export class FleetService {
  constructor(@Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient) {}

  async overview(now = new Date()): Promise<OverviewView> {
    const [jobCounts, driveCounts, inTransit, snapshotBytes, imported, fleet, alertSources, deadlines, active] = await Promise.all([
      this.prisma.$queryRaw<Array<{ state: JobState; count: number }>>`
        SELECT state::text AS state, count(*)::int AS count FROM seeding_job GROUP BY state`,
      this.prisma.$queryRaw<Array<{ state: string; count: number; written: string }>>`
        SELECT state::text AS state, count(*)::int AS count, coalesce(sum(bytes_written), 0)::text AS written FROM drive GROUP BY state`,
      this.prisma.$queryRaw<Array<{ bytes: string }>>`
        SELECT coalesce(sum(d.bytes_written), 0)::text AS bytes
        FROM drive d JOIN seeding_job j ON j.id = d.job_id
        WHERE d.state = 'SHIPPED' AND ${jobStateIn(Prisma.sql`j.state`, IN_TRANSIT_JOB_STATES)}`,
      this.prisma.$queryRaw<Array<{ staged: string; verified: string }>>`
        SELECT coalesce(sum(s.source_bytes), 0)::text AS staged,
               coalesce(sum(s.source_bytes) FILTER (WHERE j.state = 'SEEDED'), 0)::text AS verified
        FROM staging_snapshot s JOIN seeding_job j ON j.id = s.job_id
        WHERE s.state = 'SEALED'`,
      this.prisma.$queryRaw<Array<{ bytes: string }>>`
        SELECT coalesce(sum(bytes_succeeded), 0)::text AS bytes FROM (
          SELECT DISTINCT ON (job_id, azure_drive_id) bytes_succeeded
          FROM azure_drive_status ORDER BY job_id DESC, azure_drive_id DESC, observed_at DESC) latest`,
      this.prisma.$queryRaw<Array<{ nodes: number; silentNodes: number; bays: number; occupiedBays: number }>>`
        SELECT (SELECT count(*)::int FROM copy_node) AS nodes,
               (SELECT count(*)::int FROM copy_node WHERE last_heartbeat_at < ${new Date(now.getTime() - SILENT_NODE_AFTER_MS)}) AS "silentNodes",
               (SELECT count(*)::int FROM bay) AS bays,
               (SELECT count(DISTINCT bay_id)::int FROM drive WHERE bay_id IS NOT NULL AND state NOT IN ('SHIPPED', 'REMOVED')) AS "occupiedBays"`,
      this.alertSources(now),
      this.prisma.$queryRaw<Array<DeadlineRow & { direction: 'DELIVERY' | 'RETURN' }>>`
        SELECT s.id::text AS "shipmentId", s.job_id::text AS "jobId", j.import_job_name AS "importJobName", s.direction::text AS direction,
               s.carrier_name AS "carrierName", s.tracking_number AS "trackingNumber", s.arrival_deadline AS "arrivalDeadline"
        FROM shipment s JOIN seeding_job j ON j.id = s.job_id
        WHERE s.delivered_at IS NULL AND s.arrival_deadline IS NOT NULL AND s.direction = 'DELIVERY'
          AND ${jobStateIn(Prisma.sql`j.state`, IN_TRANSIT_JOB_STATES)}
        ORDER BY s.arrival_deadline, s.id LIMIT 20`,
      this.prisma.$queryRaw<DriveRow[]>`
        ${DRIVE_SELECT} WHERE ${driveStateIn(Prisma.sql`d.state`, ACTIVE_DRIVE_STATES)} ORDER BY d.updated_at DESC LIMIT 50`,
    ]);

    const jobsByState = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    for (const row of jobCounts) jobsByState[row.state] = row.count;
    const drivesByState = Object.fromEntries(DRIVE_STATES.map((state) => [state, 0])) as Record<(typeof DRIVE_STATES)[number], number>;
    let onDrives = 0n;
    for (const row of driveCounts) {
      drivesByState[row.state as (typeof DRIVE_STATES)[number]] = row.count;
      if ((ON_NODE_STATES as readonly string[]).includes(row.state)) onDrives += BigInt(row.written);
    }
    const total = jobCounts.reduce((sum, row) => sum + row.count, 0);
    const finished = jobsByState.SEEDED + jobsByState.CANCELLED + jobsByState.FAILED;
    const alerts = buildAlerts(alertSources.sources, now);
    return {
      generatedAt: now.toISOString(),
      jobsByState,
      jobs: { total, active: total - finished, failed: jobsByState.FAILED },
      bytes: {
        staged: snapshotBytes[0]?.staged ?? '0',
        onDrives: onDrives.toString(),
        inTransit: inTransit[0]?.bytes ?? '0',
        imported: imported[0]?.bytes ?? '0',
        verified: snapshotBytes[0]?.verified ?? '0',
      },
      drivesByState,
      fleet: fleet[0] ?? { nodes: 0, silentNodes: 0, bays: 0, occupiedBays: 0 },
      alertCounts: alertSources.counts,
      alerts: alerts.slice(0, 50),
      deadlines: deadlines.map((row) => ({
        shipmentId: row.shipmentId,
        jobId: row.jobId,
        importJobName: row.importJobName,
        direction: row.direction,
        carrierName: row.carrierName,
        trackingNumber: row.trackingNumber,
        arrivalDeadline: row.arrivalDeadline.toISOString().slice(0, 10),
        daysLeft: daysUntil(row.arrivalDeadline, now),
      })),
      activeDrives: active.map(toDriveView),
    };
  }

  async alerts(now = new Date()): Promise<AlertView[]> {
    return buildAlerts((await this.alertSources(now)).sources, now);
  }

  /** The rows behind the alerts (at most ALERT_ROWS of each kind) and exact counts by severity. */
  private async alertSources(now: Date): Promise<{ sources: AlertSources; counts: { critical: number; warning: number } }> {
    const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
    const silentBefore = new Date(now.getTime() - SILENT_NODE_AFTER_MS);
    type Counted<T> = T & { total: number };
    const [failedJobs, stuckJobs, deadlines, problemDrives, silentNodes] = await Promise.all([
      this.prisma.$queryRaw<Array<Counted<FailedJobRow>>>`
        SELECT id::text AS id, import_job_name AS "importJobName", failed_in_state::text AS "failedInState",
               failure_reason AS "failureReason", updated_at AS "updatedAt", count(*) OVER ()::int AS total
        FROM seeding_job WHERE state = 'FAILED' ORDER BY updated_at LIMIT ${ALERT_ROWS}`,
      this.prisma.$queryRaw<Array<Counted<StuckJobRow>>>`
        SELECT id::text AS id, import_job_name AS "importJobName", state::text AS state,
               bytes_needing_drives::text AS "bytesNeedingDrives", updated_at AS "updatedAt", count(*) OVER ()::int AS total
        FROM seeding_job WHERE ${jobStateIn(Prisma.sql`state`, STUCK_CANDIDATE_STATES)} AND updated_at < ${stuckBefore}
        ORDER BY updated_at LIMIT ${ALERT_ROWS}`,
      this.prisma.$queryRaw<Array<Counted<DeadlineRow> & { passed: boolean }>>`
        SELECT s.id::text AS "shipmentId", s.job_id::text AS "jobId", j.import_job_name AS "importJobName",
               s.carrier_name AS "carrierName", s.tracking_number AS "trackingNumber", s.arrival_deadline AS "arrivalDeadline",
               count(*) OVER ()::int AS total, count(*) FILTER (WHERE s.arrival_deadline < current_date) OVER ()::int AS passed
        FROM shipment s JOIN seeding_job j ON j.id = s.job_id
        WHERE s.delivered_at IS NULL AND s.direction = 'DELIVERY' AND s.arrival_deadline <= current_date + 3
          AND ${jobStateIn(Prisma.sql`j.state`, IN_TRANSIT_JOB_STATES)}
        ORDER BY s.arrival_deadline LIMIT ${ALERT_ROWS}`,
      this.prisma.$queryRaw<Array<Counted<ProblemDriveRow> & { failed: number }>>`
        SELECT d.id::text AS id, d.serial_number AS "serialNumber", d.state::text AS state, d.state_reason AS "stateReason",
               d.job_id::text AS "jobId", j.import_job_name AS "importJobName", n.node_name AS "nodeName", b.slot AS "baySlot",
               d.updated_at AS "updatedAt", count(*) OVER ()::int AS total,
               count(*) FILTER (WHERE d.state = 'FAILED') OVER ()::int AS failed
        FROM drive d
        LEFT JOIN seeding_job j ON j.id = d.job_id
        LEFT JOIN copy_node n ON n.id = d.node_id
        LEFT JOIN bay b ON b.id = d.bay_id
        WHERE d.state IN ('FAILED', 'NEEDS_WIPE_CONFIRMATION') AND (d.state <> 'FAILED' OR d.bay_id IS NOT NULL)
        ORDER BY d.updated_at LIMIT ${ALERT_ROWS}`,
      this.prisma.$queryRaw<Array<Counted<SilentNodeRow>>>`
        SELECT node_name AS "nodeName", last_heartbeat_at AS "lastHeartbeatAt", count(*) OVER ()::int AS total
        FROM copy_node WHERE last_heartbeat_at < ${silentBefore} ORDER BY last_heartbeat_at LIMIT ${ALERT_ROWS}`,
    ]);
    const total = (rows: ReadonlyArray<{ total: number }>) => rows[0]?.total ?? 0;
    const passed = deadlines[0] ? Number((deadlines[0] as { passed: number | boolean }).passed) : 0;
    const failedDrives = problemDrives[0]?.failed ?? 0;
    const nearDeadlines = total(deadlines) - passed;
    return {
      sources: { failedJobs, stuckJobs, deadlines, problemDrives, silentNodes },
      counts: {
        critical: total(failedJobs) + passed + failedDrives,
        warning: total(stuckJobs) + nearDeadlines + (total(problemDrives) - failedDrives) + total(silentNodes),
      },
    };
  }

  async listJobs(query: JobListQuery): Promise<{ items: JobRowView[]; total: number; nextCursor: string | null }> {
    const filters: Prisma.Sql[] = [];
    if (query.state && query.state.length > 0) filters.push(jobStateIn(Prisma.sql`j.state`, query.state));
    if (query.search) filters.push(Prisma.sql`j.import_job_name ILIKE ${`%${query.search.replace(/[\\%_]/g, '\\$&')}%`}`);
    const countWhere = filters.length > 0 ? Prisma.sql`WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
    const pageFilters = [...filters];
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw invalidCursor(query.cursor);
      pageFilters.push(Prisma.sql`(j.created_at, j.id) < (${cursor.createdAt}, ${cursor.id}::uuid)`);
    }
    const pageWhere = pageFilters.length > 0 ? Prisma.sql`WHERE ${Prisma.join(pageFilters, ' AND ')}` : Prisma.empty;
    const [rows, counted] = await Promise.all([
      this.prisma.$queryRaw<JobRowBase[]>`${JOB_SELECT} ${pageWhere} ORDER BY j.created_at DESC, j.id DESC LIMIT ${query.limit + 1}`,
      this.prisma.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM seeding_job j ${countWhere}`,
    ]);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.enrichJobs(page),
      total: counted[0]?.total ?? 0,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Drive, staging, shipping and Azure figures for a page of jobs, one query each. */
  private async enrichJobs(jobs: readonly JobRowBase[]): Promise<JobRowView[]> {
    if (jobs.length === 0) return [];
    const ids = jobs.map((job) => job.id);
    const [drives, staged, deliveries, azure] = await Promise.all([
      this.prisma.$queryRaw<Array<{ jobId: string; total: number; ready: number; planned: string; written: string }>>`
        SELECT job_id::text AS "jobId", count(*)::int AS total,
               count(*) FILTER (WHERE state IN ('READY', 'SHIPPED'))::int AS ready,
               coalesce(sum(bytes_planned), 0)::text AS planned, coalesce(sum(bytes_written), 0)::text AS written
        FROM drive WHERE job_id = ANY(${ids}::uuid[]) GROUP BY job_id`,
      this.prisma.$queryRaw<Array<{ jobId: string; bytes: string }>>`
        SELECT job_id::text AS "jobId", coalesce(sum(source_bytes), 0)::text AS bytes
        FROM staging_snapshot WHERE state = 'SEALED' AND job_id = ANY(${ids}::uuid[]) GROUP BY job_id`,
      this.prisma.$queryRaw<Array<{ jobId: string; carrierName: string; trackingNumber: string | null; arrivalDeadline: Date | null; carrierStatus: string | null }>>`
        SELECT job_id::text AS "jobId", carrier_name AS "carrierName", tracking_number AS "trackingNumber",
               arrival_deadline AS "arrivalDeadline", carrier_status AS "carrierStatus"
        FROM shipment WHERE direction = 'DELIVERY' AND job_id = ANY(${ids}::uuid[])`,
      this.prisma.$queryRaw<Array<{ jobId: string; azureState: string }>>`
        SELECT DISTINCT ON (job_id) job_id::text AS "jobId", azure_state AS "azureState"
        FROM azure_job_status WHERE job_id = ANY(${ids}::uuid[]) ORDER BY job_id, observed_at DESC`,
    ]);
    const byJob = <T extends { jobId: string }>(rows: readonly T[]) => new Map(rows.map((row) => [row.jobId, row]));
    const drivesOf = byJob(drives);
    const stagedOf = byJob(staged);
    const deliveryOf = byJob(deliveries);
    const azureOf = byJob(azure);
    return jobs.map((job) => {
      const drive = drivesOf.get(job.id);
      const delivery = deliveryOf.get(job.id);
      return {
        id: job.id,
        importJobName: job.importJobName,
        state: job.state,
        provider: job.provider,
        failureReason: job.failureReason,
        failedInState: job.failedInState,
        location: job.location,
        storageAccount: job.storageAccount,
        container: job.container,
        bytesStaged: stagedOf.get(job.id)?.bytes ?? '0',
        bytesNeedingDrives: job.bytesNeedingDrives,
        drives: { total: drive?.total ?? 0, ready: drive?.ready ?? 0, bytesPlanned: drive?.planned ?? '0', bytesWritten: drive?.written ?? '0' },
        delivery: delivery
          ? {
              carrierName: delivery.carrierName,
              trackingNumber: delivery.trackingNumber,
              arrivalDeadline: delivery.arrivalDeadline?.toISOString().slice(0, 10) ?? null,
              carrierStatus: delivery.carrierStatus,
            }
          : null,
        azureState: azureOf.get(job.id)?.azureState ?? null,
        createdAt: job.createdAt.toISOString(),
        updatedAt: job.updatedAt.toISOString(),
      };
    });
  }

  async jobDetail(jobId: string, now = new Date()): Promise<JobDetailView> {
    const [base] = await this.prisma.$queryRaw<JobRowBase[]>`${JOB_SELECT} WHERE j.id = ${jobId}::uuid`;
    if (!base) throw jobNotFound(jobId);
    const [job, [row], driveRows, azureDrives, shipments, timeline] = await Promise.all([
      this.prisma.seedingJob.findUniqueOrThrow({
        where: { id: jobId },
        select: {
          subscriptionId: true,
          resourceGroup: true,
          azureJobResourceId: true,
          datacenterAddress: true,
          snapshots: { orderBy: { createdAt: 'asc' } },
          azureStatuses: { orderBy: { observedAt: 'desc' }, take: 20, select: { azureState: true, percentComplete: true, observedAt: true } },
        },
      }),
      this.enrichJobs([base]),
      this.prisma.$queryRaw<DriveRow[]>`${DRIVE_SELECT} WHERE d.job_id = ${jobId}::uuid ORDER BY d.created_at, d.id`,
      this.prisma.$queryRaw<
        Array<{
          azureDriveId: string;
          driveId: string | null;
          azureState: string;
          copyStatus: string | null;
          percentComplete: number | null;
          bytesSucceeded: string | null;
          errorLogUri: string | null;
          verboseLogUri: string | null;
          observedAt: Date;
        }>
      >`
        SELECT DISTINCT ON (azure_drive_id) azure_drive_id AS "azureDriveId", drive_id::text AS "driveId", azure_state AS "azureState",
               copy_status AS "copyStatus", percent_complete AS "percentComplete", bytes_succeeded::text AS "bytesSucceeded",
               error_log_uri AS "errorLogUri", verbose_log_uri AS "verboseLogUri", observed_at AS "observedAt"
        FROM azure_drive_status WHERE job_id = ${jobId}::uuid ORDER BY azure_drive_id, observed_at DESC`,
      this.shipments({ jobId }),
      this.timeline(jobId, 200),
    ]);
    if (!row) throw jobNotFound(jobId);
    const drives = driveRows.map(toDriveView);
    const alerts = buildAlerts(
      {
        failedJobs: base.state === 'FAILED' ? [base] : [],
        stuckJobs:
          STUCK_CANDIDATE_STATES.includes(base.state) && now.getTime() - base.updatedAt.getTime() > STUCK_AFTER_MS ? [base] : [],
        deadlines: shipments
          .filter((shipment) => shipment.direction === 'DELIVERY' && !shipment.deliveredAt && shipment.arrivalDeadline)
          .filter(() => (IN_TRANSIT_JOB_STATES as readonly string[]).includes(base.state))
          .map((shipment) => ({
            shipmentId: shipment.id,
            jobId,
            importJobName: base.importJobName,
            carrierName: shipment.carrierName,
            trackingNumber: shipment.trackingNumber,
            arrivalDeadline: new Date(`${shipment.arrivalDeadline ?? ''}T00:00:00Z`),
          })),
        problemDrives: driveRows
          .filter((drive) => drive.state === 'NEEDS_WIPE_CONFIRMATION' || (drive.state === 'FAILED' && drive.bayId))
          .map((drive) => ({ ...drive, updatedAt: drive.updatedAt })),
        silentNodes: [],
      },
      now,
    );
    return {
      ...row,
      subscriptionId: job.subscriptionId,
      resourceGroup: job.resourceGroup,
      azureJobResourceId: job.azureJobResourceId,
      datacenterAddress: isRecord(job.datacenterAddress) ? job.datacenterAddress : null,
      snapshots: job.snapshots.map((snapshot) => ({
        id: snapshot.id,
        kind: snapshot.kind,
        state: snapshot.state,
        fileCount: snapshot.fileCount.toString(),
        sourceBytes: snapshot.sourceBytes.toString(),
        storedBytes: snapshot.storedBytes.toString(),
        createdAt: snapshot.createdAt.toISOString(),
        sealedAt: snapshot.sealedAt?.toISOString() ?? null,
      })),
      driveList: drives,
      azureJob: job.azureStatuses.map((status) => ({ ...status, observedAt: status.observedAt.toISOString() })),
      azureDrives: azureDrives.map((status) => ({ ...status, observedAt: status.observedAt.toISOString() })),
      shipments,
      timeline,
      alerts,
      allowedActions: { cancel: canTransition(base.state, 'CANCELLED'), retry: base.state === 'FAILED' && base.failedInState !== null },
    };
  }

  async timeline(jobId: string, limit: number): Promise<TimelineEntryView[]> {
    const entries = await this.prisma.jobTimelineEntry.findMany({ where: { jobId }, orderBy: { id: 'desc' }, take: limit });
    return entries.map((entry) => ({
      id: entry.id.toString(),
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      fromState: entry.fromState,
      toState: entry.toState,
      detail: entry.detail ?? null,
    }));
  }

  async jobExists(jobId: string): Promise<boolean> {
    return (await this.prisma.seedingJob.count({ where: { id: jobId } })) === 1;
  }

  async listDrives(query: DriveListQuery): Promise<{ items: DriveView[]; total: number; nextCursor: string | null }> {
    const filters: Prisma.Sql[] = [];
    if (query.state && query.state.length > 0) filters.push(driveStateIn(Prisma.sql`d.state`, query.state));
    if (query.jobId) filters.push(Prisma.sql`d.job_id = ${query.jobId}::uuid`);
    if (query.nodeName) filters.push(Prisma.sql`n.node_name = ${query.nodeName}`);
    const countWhere = filters.length > 0 ? Prisma.sql`WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
    const pageFilters = [...filters];
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw invalidCursor(query.cursor);
      pageFilters.push(Prisma.sql`(d.created_at, d.id) < (${cursor.createdAt}, ${cursor.id}::uuid)`);
    }
    const pageWhere = pageFilters.length > 0 ? Prisma.sql`WHERE ${Prisma.join(pageFilters, ' AND ')}` : Prisma.empty;
    const [rows, counted] = await Promise.all([
      this.prisma.$queryRaw<DriveRow[]>`${DRIVE_SELECT} ${pageWhere} ORDER BY d.created_at DESC, d.id DESC LIMIT ${query.limit + 1}`,
      this.prisma.$queryRaw<Array<{ total: number }>>`
        SELECT count(*)::int AS total FROM drive d LEFT JOIN copy_node n ON n.id = d.node_id ${countWhere}`,
    ]);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDriveView),
      total: counted[0]?.total ?? 0,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async drive(driveId: string): Promise<DriveView> {
    const [row] = await this.prisma.$queryRaw<DriveRow[]>`${DRIVE_SELECT} WHERE d.id = ${driveId}::uuid`;
    if (!row) throw new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No drive with id ${driveId}; list drives with GET /api/drives.`);
    return toDriveView(row);
  }

  async nodes(now = new Date()): Promise<NodesView> {
    const [nodes, bays, drives, waiting] = await Promise.all([
      this.prisma.copyNode.findMany({ orderBy: { nodeName: 'asc' } }),
      this.prisma.bay.findMany({ orderBy: [{ nodeId: 'asc' }, { slot: 'asc' }] }),
      this.prisma.$queryRaw<DriveRow[]>`
        ${DRIVE_SELECT} WHERE d.bay_id IS NOT NULL AND d.state NOT IN ('SHIPPED', 'REMOVED') ORDER BY d.updated_at DESC`,
      this.prisma.seedingJob.findFirst({
        where: { state: { in: ['AWAITING_DRIVES', 'PREPARING_DRIVES'] }, bytesNeedingDrives: { gt: 0 } },
        orderBy: { createdAt: 'asc' },
        select: { id: true, importJobName: true, bytesNeedingDrives: true },
      }),
    ]);
    const nextInsert = waiting
      ? { jobId: waiting.id, importJobName: waiting.importJobName, bytesNeedingDrives: waiting.bytesNeedingDrives.toString() }
      : null;
    const driveInBay = new Map<string, DriveView>();
    for (const row of drives) if (row.bayId && !driveInBay.has(row.bayId)) driveInBay.set(row.bayId, toDriveView(row));
    return {
      nextInsert,
      nodes: nodes.map((node) => {
        const silent = now.getTime() - node.lastHeartbeatAt.getTime() > SILENT_NODE_AFTER_MS;
        return {
          id: node.id,
          nodeName: node.nodeName,
          agentVersion: node.agentVersion,
          lastHeartbeatAt: node.lastHeartbeatAt.toISOString(),
          silent,
          bays: bays
            .filter((bay) => bay.nodeId === node.id)
            .map((bay) => {
              const drive = driveInBay.get(bay.id) ?? null;
              return { id: bay.id, slot: bay.slot, label: bay.label, drive, instruction: instructionFor(drive, nextInsert, silent) };
            }),
        };
      }),
    };
  }

  async shipments(filter: { jobId?: string; pending?: boolean } = {}, now = new Date()): Promise<ShipmentView[]> {
    const filters: Prisma.Sql[] = [];
    if (filter.jobId) filters.push(Prisma.sql`s.job_id = ${filter.jobId}::uuid`);
    if (filter.pending) filters.push(Prisma.sql`s.delivered_at IS NULL`);
    const where = filters.length > 0 ? Prisma.sql`WHERE ${Prisma.join(filters, ' AND ')}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<
      Array<{
        id: string;
        jobId: string;
        importJobName: string;
        jobState: JobState;
        direction: 'DELIVERY' | 'RETURN';
        carrierName: string;
        trackingNumber: string | null;
        driveCount: number | null;
        shipDate: Date | null;
        arrivalDeadline: Date | null;
        carrierStatus: string | null;
        deliveredAt: Date | null;
      }>
    >`
      SELECT s.id::text AS id, s.job_id::text AS "jobId", j.import_job_name AS "importJobName", j.state::text AS "jobState",
             s.direction::text AS direction, s.carrier_name AS "carrierName", s.tracking_number AS "trackingNumber",
             s.drive_count AS "driveCount", s.ship_date AS "shipDate", s.arrival_deadline AS "arrivalDeadline",
             s.carrier_status AS "carrierStatus", s.delivered_at AS "deliveredAt"
      FROM shipment s JOIN seeding_job j ON j.id = s.job_id ${where}
      ORDER BY s.delivered_at IS NOT NULL, s.arrival_deadline NULLS LAST, s.created_at DESC
      LIMIT 1000`;
    return rows.map((row) => ({
      ...row,
      shipDate: row.shipDate?.toISOString().slice(0, 10) ?? null,
      arrivalDeadline: row.arrivalDeadline?.toISOString().slice(0, 10) ?? null,
      daysToDeadline: row.arrivalDeadline && !row.deliveredAt ? daysUntil(row.arrivalDeadline, now) : null,
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jobNotFound(jobId: string): OpsConsoleException {
  return new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No seeding job with id ${jobId}; list jobs with GET /api/jobs.`);
}

function invalidCursor(cursor: string): OpsConsoleException {
  return new OpsConsoleException(
    OpsConsoleErrorCode.VALIDATION,
    `The cursor '${cursor}' is not one this API returned; pass nextCursor from the previous page unchanged.`,
  );
}
