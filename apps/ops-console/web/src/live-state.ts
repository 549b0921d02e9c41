import { type Drive, type DriveProgressPayload, type JobDetail, type Nodes, type Overview } from './types';

const ON_NODE: ReadonlySet<string> = new Set(['CLAIMED', 'WRITING', 'VERIFYING', 'READY']);
const ACTIVE: ReadonlySet<string> = new Set(['CLAIMED', 'WRITING', 'VERIFYING']);

function withProgress(drive: Drive, progress: DriveProgressPayload): Drive {
  return {
    ...drive,
    state: progress.state,
    bytesWritten: progress.bytesWritten,
    bytesPlanned: progress.bytesPlanned,
    bytesPerSecond: progress.bytesPerSecond,
    ...(progress.secondsLeft !== undefined ? { secondsLeft: progress.secondsLeft } : {}),
  };
}

/**
 * Applies a drive's progress event to the overview without a reload: the drive's row, and the fleet's
 * bytes-on-drives total by the change since the last figure we had for it. Returns `known: false` when
 * the drive was not on the page, so the caller reloads to pick it up.
 */
export function applyProgressToOverview(overview: Overview, progress: DriveProgressPayload): { overview: Overview; known: boolean } {
  const index = overview.activeDrives.findIndex((drive) => drive.id === progress.driveId);
  const before = overview.activeDrives[index];
  if (!before) return { overview, known: false };
  const was = ON_NODE.has(before.state) ? BigInt(before.bytesWritten) : 0n;
  const now = ON_NODE.has(progress.state) ? BigInt(progress.bytesWritten) : 0n;
  const updated = withProgress(before, progress);
  const activeDrives = ACTIVE.has(progress.state)
    ? overview.activeDrives.map((drive, position) => (position === index ? updated : drive))
    : overview.activeDrives.filter((_, position) => position !== index);
  const drivesByState = { ...overview.drivesByState };
  if (before.state !== progress.state) {
    drivesByState[before.state] = Math.max(0, (drivesByState[before.state] ?? 0) - 1);
    drivesByState[progress.state] = (drivesByState[progress.state] ?? 0) + 1;
  }
  return {
    overview: {
      ...overview,
      activeDrives,
      drivesByState,
      bytes: { ...overview.bytes, onDrives: (BigInt(overview.bytes.onDrives) - was + now).toString() },
    },
    known: true,
  };
}

export function applyProgressToJob(job: JobDetail, progress: DriveProgressPayload): { job: JobDetail; known: boolean } {
  if (!job.driveList.some((drive) => drive.id === progress.driveId)) return { job, known: false };
  const driveList = job.driveList.map((drive) => (drive.id === progress.driveId ? withProgress(drive, progress) : drive));
  const written = driveList.reduce((sum, drive) => sum + BigInt(drive.bytesWritten), 0n);
  return { job: { ...job, driveList, drives: { ...job.drives, bytesWritten: written.toString() } }, known: true };
}

export function applyProgressToNodes(nodes: Nodes, progress: DriveProgressPayload): { nodes: Nodes; known: boolean } {
  let known = false;
  const next = nodes.nodes.map((node) => ({
    ...node,
    bays: node.bays.map((bay) => {
      if (bay.drive?.id !== progress.driveId) return bay;
      known = true;
      return { ...bay, drive: withProgress(bay.drive, progress) };
    }),
  }));
  return { nodes: { ...nodes, nodes: next }, known };
}
