import { type AlertView } from '../api/api-schemas';

/** How long an active job may sit in one state before it counts as stuck (the Azure stretch excepted). */
export const STUCK_AFTER_MS = 24 * 3600 * 1000;
/** A copy node that has not sent a heartbeat for this long is reported silent. */
export const SILENT_NODE_AFTER_MS = 2 * 60 * 1000;
/** Warn this many days before a package's arrival deadline. */
export const DEADLINE_WARNING_DAYS = 3;
/** States where waiting days is normal: the datacenter and Azure are working. */
export const AZURE_PACED_STATES = ['SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED'] as const;

export interface FailedJobRow {
  id: string;
  importJobName: string;
  failedInState: string | null;
  failureReason: string | null;
  updatedAt: Date;
}
export interface StuckJobRow {
  id: string;
  importJobName: string;
  state: string;
  bytesNeedingDrives: string;
  updatedAt: Date;
}
export interface DeadlineRow {
  shipmentId: string;
  jobId: string;
  importJobName: string;
  carrierName: string;
  trackingNumber: string | null;
  arrivalDeadline: Date;
}
export interface ProblemDriveRow {
  id: string;
  serialNumber: string;
  state: string;
  stateReason: string | null;
  jobId: string | null;
  importJobName: string | null;
  nodeName: string | null;
  baySlot: string | null;
  updatedAt: Date;
}
export interface SilentNodeRow {
  nodeName: string;
  lastHeartbeatAt: Date;
}

export interface AlertSources {
  failedJobs: readonly FailedJobRow[];
  stuckJobs: readonly StuckJobRow[];
  deadlines: readonly DeadlineRow[];
  problemDrives: readonly ProblemDriveRow[];
  silentNodes: readonly SilentNodeRow[];
}

const DAY_MS = 24 * 3600 * 1000;

/** Whole days from today (UTC) to a date-only deadline; negative once it has passed. */
export function daysUntil(deadline: Date, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = Date.UTC(deadline.getUTCFullYear(), deadline.getUTCMonth(), deadline.getUTCDate());
  return Math.round((day - today) / DAY_MS);
}

function where(nodeName: string | null, baySlot: string | null): string {
  if (nodeName && baySlot) return ` in ${nodeName} bay ${baySlot}`;
  return nodeName ? ` on ${nodeName}` : '';
}

function hours(ms: number): string {
  const total = Math.floor(ms / 3600_000);
  return total >= 48 ? `${Math.floor(total / 24)} days` : `${total} hours`;
}

/** Turns what the queries found into alerts that say what is wrong and what to do, critical first. */
export function buildAlerts(sources: AlertSources, now: Date): AlertView[] {
  const alerts: AlertView[] = [];
  const base = { jobId: null, importJobName: null, driveId: null, nodeName: null };
  for (const job of sources.failedJobs) {
    alerts.push({
      ...base,
      id: `job-failed:${job.id}`,
      severity: 'critical',
      kind: 'JOB_FAILED',
      message: `Job ${job.importJobName} failed in ${job.failedInState ?? 'an unknown step'}: ${job.failureReason ?? 'no reason recorded'}. Fix the cause, then retry the failed step.`,
      since: job.updatedAt.toISOString(),
      jobId: job.id,
      importJobName: job.importJobName,
    });
  }
  for (const shipment of sources.deadlines) {
    const days = daysUntil(shipment.arrivalDeadline, now);
    if (days > DEADLINE_WARNING_DAYS) continue;
    const deadline = shipment.arrivalDeadline.toISOString().slice(0, 10);
    const tracking = shipment.trackingNumber ? ` (${shipment.carrierName} ${shipment.trackingNumber})` : ` (${shipment.carrierName}, no tracking number yet)`;
    alerts.push({
      ...base,
      id: `deadline:${shipment.shipmentId}`,
      severity: days < 0 ? 'critical' : 'warning',
      kind: days < 0 ? 'DEADLINE_PASSED' : 'DEADLINE_NEAR',
      message:
        days < 0
          ? `The drives of job ${shipment.importJobName}${tracking} had to arrive by ${deadline} and have not been received; check with the carrier and the datacenter.`
          : `The drives of job ${shipment.importJobName}${tracking} must arrive by ${deadline} (${days} day${days === 1 ? '' : 's'} left).`,
      since: shipment.arrivalDeadline.toISOString(),
      jobId: shipment.jobId,
      importJobName: shipment.importJobName,
    });
  }
  for (const drive of sources.problemDrives) {
    const place = where(drive.nodeName, drive.baySlot);
    const failed = drive.state === 'FAILED';
    alerts.push({
      ...base,
      id: `drive:${drive.id}:${drive.state}`,
      severity: failed ? 'critical' : 'warning',
      kind: failed ? 'DRIVE_FAILED' : 'DRIVE_NEEDS_WIPE_CONFIRMATION',
      message: failed
        ? `Drive ${drive.serialNumber}${place} failed${drive.stateReason ? `: ${drive.stateReason}` : ''}. Pull it; its data goes back to the plan.`
        : `Drive ${drive.serialNumber}${place} has data on it. Release it for wiping if it may be erased, or pull it.`,
      since: drive.updatedAt.toISOString(),
      jobId: drive.jobId,
      importJobName: drive.importJobName,
      driveId: drive.id,
      nodeName: drive.nodeName,
    });
  }
  for (const job of sources.stuckJobs) {
    const waitingForDrives = job.state === 'AWAITING_DRIVES' && job.bytesNeedingDrives !== '0';
    alerts.push({
      ...base,
      id: `job-stuck:${job.id}:${job.state}`,
      severity: 'warning',
      kind: 'JOB_STUCK',
      message: waitingForDrives
        ? `Job ${job.importJobName} has waited ${hours(now.getTime() - job.updatedAt.getTime())} for drives; insert blank drives on a copy node.`
        : `Job ${job.importJobName} has been ${job.state} for ${hours(now.getTime() - job.updatedAt.getTime())}; check the service that owns that step.`,
      since: job.updatedAt.toISOString(),
      jobId: job.id,
      importJobName: job.importJobName,
    });
  }
  for (const node of sources.silentNodes) {
    alerts.push({
      ...base,
      id: `node-silent:${node.nodeName}`,
      severity: 'warning',
      kind: 'NODE_SILENT',
      message: `Copy node ${node.nodeName} has sent no heartbeat since ${node.lastHeartbeatAt.toISOString()}; check its disk-prep agent pod.`,
      since: node.lastHeartbeatAt.toISOString(),
      nodeName: node.nodeName,
    });
  }
  return alerts.sort((a, b) => (a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === 'critical' ? -1 : 1));
}
