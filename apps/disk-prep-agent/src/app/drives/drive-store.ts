import { Inject, Injectable } from '@nestjs/common';

import { DiskPrepDriveProgress, DiskPrepJobDrivesReady, type DiskPrepDriveProgressPayload } from '@seedship/contracts';
import { type DriveModel as Drive, type DriveState, PRISMA_CLIENT, type Prisma, type PrismaClient } from '@seedship/db';
import { type DriveCapacity, blobFilePath, planDrives } from '@seedship/drive-format';
import { transitionJob } from '@seedship/jobs';
import { enqueueEvent } from '@seedship/messaging';

import { DISK_PREP_CONFIG, type DiskPrepAgentConfig } from '../config/disk-prep-agent-env';

export const AGENT_ACTOR = 'system:disk-prep-agent';
/** States in which a drive's planned blobs count as placed (a FAILED or REMOVED drive gives them back). */
const PLACING_STATES: DriveState[] = ['CLAIMED', 'WRITING', 'VERIFYING', 'READY', 'SHIPPED'];
const IN_PROGRESS_STATES: DriveState[] = ['CLAIMED', 'WRITING', 'VERIFYING'];
const WAITING_JOB_STATES = ['AWAITING_DRIVES', 'PREPARING_DRIVES'] as const;

/** What the scanner found out about a present drive, for its row. */
export interface DriveObservation {
  readonly serialNumber: string;
  readonly model: string | undefined;
  readonly transport: string;
  readonly sizeBytes: number;
  readonly logicalSectorSize: number;
  readonly rotational: boolean;
  readonly devicePath: string;
  readonly nodeId: string;
  readonly bayId: string;
  /** Broken drive rules; non-empty means REJECTED. */
  readonly ruleViolations: readonly string[];
  /** Partition-table or filesystem signatures found (empty: blank). */
  readonly signatures: readonly string[];
}

export interface ClaimedDrive {
  readonly jobId: string;
  readonly importJobName: string;
  readonly blobCount: number;
  readonly bytesPlanned: number;
}

export interface FillPlan {
  readonly drive: Drive;
  readonly job: { id: string; container: string; stagingLocation: string; storageAccount: string; importJobName: string };
  readonly blobs: readonly { stagedBlobId: string; blobName: string; sizeBytes: number; md5: string; pathOnDrive: string }[];
}

export interface ReadyResult {
  /** Set when this drive was the last one the job needed: drives-ready was written to the outbox. */
  readonly jobDrivesReady: readonly string[] | undefined;
}

interface UnplacedBlob {
  id: string;
  blobName: string;
  sizeBytes: bigint;
}

/**
 * Everything the agent writes to Postgres. Claims and planning run under a row lock on the job, so
 * agents on different nodes filling drives for one job never plan the same blob twice.
 */
@Injectable()
export class DriveStore {
  private readonly nodeName: string;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(DISK_PREP_CONFIG) config: DiskPrepAgentConfig,
  ) {
    this.nodeName = config.NODE_NAME;
  }

  async registerNode(nodeName: string, agentVersion: string): Promise<string> {
    const node = await this.prisma.copyNode.upsert({
      where: { nodeName },
      create: { nodeName, agentVersion, lastHeartbeatAt: new Date() },
      update: { agentVersion, lastHeartbeatAt: new Date() },
    });
    return node.id;
  }

  async heartbeat(nodeId: string): Promise<void> {
    await this.prisma.copyNode.update({ where: { id: nodeId }, data: { lastHeartbeatAt: new Date() } });
  }

  async bayId(nodeId: string, slot: string): Promise<string> {
    const bay = await this.prisma.bay.upsert({
      where: { nodeId_slot: { nodeId, slot } },
      create: { nodeId, slot, label: slot },
      update: {},
    });
    return bay.id;
  }

  async findBySerial(serialNumber: string): Promise<Drive | null> {
    return this.prisma.drive.findUnique({ where: { serialNumber } });
  }

  async nodeDrives(nodeId: string): Promise<Drive[]> {
    return this.prisma.drive.findMany({ where: { nodeId }, orderBy: { serialNumber: 'asc' } });
  }

  /**
   * A drive appeared in a bay (or the agent started and found it there). A drive that is READY or
   * being written keeps its state; anything else is judged afresh by the rules and its blankness.
   */
  async driveArrived(observation: DriveObservation): Promise<Drive> {
    const existing = await this.findBySerial(observation.serialNumber);
    const location = {
      nodeId: observation.nodeId,
      bayId: observation.bayId,
      devicePath: observation.devicePath,
      model: observation.model ?? null,
      transport: observation.transport,
      sizeBytes: BigInt(observation.sizeBytes),
      logicalSectorSize: observation.logicalSectorSize,
      rotational: observation.rotational,
    };
    if (existing && (['READY', 'SHIPPED'] as DriveState[]).includes(existing.state)) {
      return this.prisma.drive.update({ where: { id: existing.id }, data: { ...location, version: { increment: 1 } } });
    }
    if (existing && IN_PROGRESS_STATES.includes(existing.state) && existing.nodeId === observation.nodeId) {
      // Ours from before a restart: the fill starts again from scratch.
      return this.prisma.drive.update({ where: { id: existing.id }, data: { ...location, version: { increment: 1 } } });
    }
    const judged = judge(observation, (existing?.wipeReleasedAt ?? null) !== null);
    if (!existing) {
      return this.prisma.drive.create({ data: { serialNumber: observation.serialNumber, ...location, ...judged } });
    }
    // A drive back in a bay starts a new life: no job and no plan until it is claimed again (a drive
    // carried to another node mid-copy still has the plan of its old claim).
    return this.prisma.$transaction(async (tx) => {
      await tx.driveBlob.deleteMany({ where: { driveId: existing.id } });
      return tx.drive.update({
        where: { id: existing.id },
        data: { ...location, ...judged, jobId: null, claimedAt: null, bytesPlanned: 0n, bytesWritten: 0n, version: { increment: 1 } },
      });
    });
  }

  /** An operator may have released a waiting drive for wiping since the last scan. */
  async releasedForWipe(driveId: string): Promise<boolean> {
    const released = await this.prisma.drive.updateMany({
      where: { id: driveId, state: 'NEEDS_WIPE_CONFIRMATION', wipeReleasedAt: { not: null } },
      data: { state: 'AVAILABLE', stateReason: 'released for wiping by an operator', version: { increment: 1 } },
    });
    return released.count === 1;
  }

  /**
   * A drive left its bay. Written or shipped drives keep their state (the technician pulled them to
   * ship); a drive being written is FAILED and its blobs go back to the plan; others become REMOVED.
   */
  async driveGone(drive: Drive, reason: string): Promise<Drive> {
    if (IN_PROGRESS_STATES.includes(drive.state)) {
      return this.failDrive(drive.id, drive.nodeId ?? '', reason, { clearLocation: true });
    }
    const keep = (['READY', 'SHIPPED', 'FAILED'] as DriveState[]).includes(drive.state);
    return this.prisma.drive.update({
      where: { id: drive.id },
      data: { devicePath: null, bayId: null, ...(keep ? {} : { state: 'REMOVED', stateReason: reason }), version: { increment: 1 } },
    });
  }

  /**
   * Claims an AVAILABLE drive of this node for the oldest job that still has blobs on no drive, and
   * plans which of them go on it. The job row is locked while planning; the claim itself is one
   * conditional update (AVAILABLE, no job, this node), so no drive is ever claimed twice.
   */
  async claim(driveId: string, nodeId: string, capacity: DriveCapacity): Promise<ClaimedDrive | undefined> {
    const candidates = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT j.id::text AS id FROM seeding_job j
      WHERE j.state IN ('AWAITING_DRIVES', 'PREPARING_DRIVES')
        AND EXISTS (
          SELECT 1 FROM staged_blob b WHERE b.job_id = j.id
            AND NOT EXISTS (
              SELECT 1 FROM drive_blob db JOIN drive d ON d.id = db.drive_id
              WHERE db.staged_blob_id = b.id AND d.state::text = ANY(${PLACING_STATES}::text[])))
      ORDER BY j.created_at, j.id`;
    for (const candidate of candidates) {
      const claimed = await this.prisma.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<{ id: string; state: string; container: string; importJobName: string }[]>`
          SELECT id::text AS id, state::text AS state, container, import_job_name AS "importJobName"
          FROM seeding_job WHERE id = ${candidate.id}::uuid FOR UPDATE`;
        const job = locked[0];
        if (!job || !(WAITING_JOB_STATES as readonly string[]).includes(job.state)) return undefined;
        const unplaced = await unplacedBlobs(tx, job.id);
        if (unplaced.length === 0) return undefined;
        const drive = await tx.drive.findUnique({ where: { id: driveId } });
        if (!drive) return undefined;
        const plan = planDrives({
          container: job.container,
          blobs: unplaced.map((blob) => ({ blobName: blob.blobName, size: Number(blob.sizeBytes) })),
          drives: [{ driveId: drive.serialNumber, capacity }],
        });
        const names = plan.drives[0]?.blobNames ?? [];
        if (names.length === 0) return undefined;
        const byName = new Map(unplaced.map((blob) => [blob.blobName, blob]));
        const planned = names.map((name) => byName.get(name)).filter((blob): blob is UnplacedBlob => blob !== undefined);
        const bytesPlanned = planned.reduce((sum, blob) => sum + blob.sizeBytes, 0n);
        const updated = await tx.drive.updateMany({
          where: { id: driveId, nodeId, state: 'AVAILABLE', jobId: null },
          data: { state: 'CLAIMED', jobId: job.id, claimedAt: new Date(), bytesPlanned, bytesWritten: 0n, stateReason: null, version: { increment: 1 } },
        });
        if (updated.count !== 1) return undefined;
        await tx.driveBlob.createMany({
          data: planned.map((blob, index) => ({ driveId, stagedBlobId: blob.id, pathOnDrive: blobFilePath(index), verified: false })),
        });
        const remaining = unplaced.reduce((sum, blob) => sum + blob.sizeBytes, 0n) - bytesPlanned;
        await tx.seedingJob.update({ where: { id: job.id }, data: { bytesNeedingDrives: remaining } });
        if (job.state === 'AWAITING_DRIVES') {
          await transitionJob(tx, { jobId: job.id, to: 'PREPARING_DRIVES', actor: AGENT_ACTOR, detail: { firstDrive: drive.serialNumber } });
        }
        await enqueueEvent(tx, DiskPrepDriveProgress, await progressPayload(tx, this.nodeName, { ...drive, state: 'CLAIMED', jobId: job.id, bytesPlanned, bytesWritten: 0n }, { bytesPerSecond: 0 }));
        return { jobId: job.id, importJobName: job.importJobName, blobCount: planned.length, bytesPlanned: Number(bytesPlanned) };
      });
      if (claimed) return claimed;
    }
    return undefined;
  }

  /** The drive, its job and its planned blobs in the order they go on the drive. */
  async fillPlan(driveId: string): Promise<FillPlan | undefined> {
    const drive = await this.prisma.drive.findUnique({ where: { id: driveId } });
    if (!drive?.jobId) return undefined;
    const job = await this.prisma.seedingJob.findUniqueOrThrow({
      where: { id: drive.jobId },
      select: { id: true, container: true, stagingLocation: true, storageAccount: true, importJobName: true },
    });
    const rows = await this.prisma.driveBlob.findMany({ where: { driveId }, include: { stagedBlob: true }, orderBy: { pathOnDrive: 'asc' } });
    return {
      drive,
      job,
      blobs: rows.map((row) => ({
        stagedBlobId: row.stagedBlobId,
        blobName: row.stagedBlob.blobName,
        sizeBytes: Number(row.stagedBlob.sizeBytes),
        md5: row.stagedBlob.md5,
        pathOnDrive: row.pathOnDrive,
      })),
    };
  }

  /** Only a drive this node claimed, still in progress, may start writing. */
  async startWriting(driveId: string, nodeId: string): Promise<boolean> {
    const updated = await this.prisma.drive.updateMany({
      where: { id: driveId, nodeId, state: { in: IN_PROGRESS_STATES } },
      data: { state: 'WRITING', bytesWritten: 0n, stateReason: null, version: { increment: 1 } },
    });
    return updated.count === 1;
  }

  /** Bytes written saved on the row and announced on NATS in one transaction. */
  async saveProgress(driveId: string, nodeId: string, progress: { state: 'WRITING' | 'VERIFYING'; bytesWritten: number; bytesVerified?: number; bytesPerSecond: number; secondsLeft?: number }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const updated = await tx.drive.updateMany({
        where: { id: driveId, nodeId, state: { in: ['WRITING', 'VERIFYING'] } },
        data: { state: progress.state, bytesWritten: BigInt(Math.round(progress.bytesWritten)) },
      });
      if (updated.count !== 1) return;
      const drive = await tx.drive.findUniqueOrThrow({ where: { id: driveId } });
      await enqueueEvent(tx, DiskPrepDriveProgress, await progressPayload(tx, this.nodeName, drive, progress));
    });
  }

  /**
   * The drive was written and verified: READY with what the import job's drive list needs, its blobs
   * verified, and, when it was the job's last missing drive, diskprep.job.drives-ready in the outbox.
   * Runs under the job's row lock, so of two agents finishing at once exactly one announces the job.
   */
  async markReady(
    driveId: string,
    nodeId: string,
    result: { sealedRecoveryPassword: Buffer<ArrayBuffer>; manifestFile: string; manifestHash: string; driveHeaderHash: string; bytesWritten: number; files: ReadonlyMap<string, string> },
  ): Promise<ReadyResult | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const drive = await tx.drive.findUnique({ where: { id: driveId } });
      if (!drive?.jobId) return undefined;
      await tx.$queryRaw`SELECT id FROM seeding_job WHERE id = ${drive.jobId}::uuid FOR UPDATE`;
      const updated = await tx.drive.updateMany({
        where: { id: driveId, nodeId, state: { in: ['WRITING', 'VERIFYING'] } },
        data: {
          state: 'READY',
          stateReason: null,
          recoveryPasswordCiphertext: result.sealedRecoveryPassword,
          manifestFile: result.manifestFile,
          manifestHash: result.manifestHash,
          driveHeaderHash: result.driveHeaderHash,
          bytesWritten: BigInt(result.bytesWritten),
          verifiedAt: new Date(),
          version: { increment: 1 },
        },
      });
      if (updated.count !== 1) return undefined;
      const rows = await tx.driveBlob.findMany({ where: { driveId }, include: { stagedBlob: { select: { blobName: true } } } });
      for (const row of rows) {
        const pathOnDrive = result.files.get(row.stagedBlob.blobName);
        if (pathOnDrive === undefined) throw new Error(`Drive ${drive.serialNumber} was prepared without blob ${row.stagedBlob.blobName} of its plan.`);
        await tx.driveBlob.update({ where: { driveId_stagedBlobId: { driveId, stagedBlobId: row.stagedBlobId } }, data: { verified: true, pathOnDrive } });
      }
      const ready = await tx.drive.findUniqueOrThrow({ where: { id: driveId } });
      await enqueueEvent(tx, DiskPrepDriveProgress, await progressPayload(tx, this.nodeName, ready, { bytesPerSecond: 0, secondsLeft: 0 }));
      const jobDrivesReady = await drivesReadyIfComplete(tx, drive.jobId);
      return { jobDrivesReady };
    });
  }

  /**
   * The drive failed (pulled, I/O error, verification): FAILED with the reason, and its planned blobs
   * go back to the plan, for the next drive anywhere to pick up.
   */
  async failDrive(driveId: string, nodeId: string, reason: string, options: { clearLocation?: boolean } = {}): Promise<Drive> {
    return this.prisma.$transaction(async (tx) => {
      const drive = await tx.drive.findUniqueOrThrow({ where: { id: driveId } });
      if (drive.jobId) await tx.$queryRaw`SELECT id FROM seeding_job WHERE id = ${drive.jobId}::uuid FOR UPDATE`;
      const updated = await tx.drive.updateMany({
        where: { id: driveId, nodeId, state: { in: IN_PROGRESS_STATES } },
        data: {
          state: 'FAILED',
          stateReason: reason,
          ...(options.clearLocation ? { devicePath: null, bayId: null } : {}),
          version: { increment: 1 },
        },
      });
      if (updated.count === 1) {
        await tx.driveBlob.deleteMany({ where: { driveId } });
        if (drive.jobId) {
          const unplaced = await unplacedBlobs(tx, drive.jobId);
          await tx.seedingJob.update({ where: { id: drive.jobId }, data: { bytesNeedingDrives: unplaced.reduce((sum, blob) => sum + blob.sizeBytes, 0n) } });
        }
        const failed = await tx.drive.findUniqueOrThrow({ where: { id: driveId } });
        await enqueueEvent(tx, DiskPrepDriveProgress, await progressPayload(tx, this.nodeName, failed, { bytesPerSecond: 0 }));
        return failed;
      }
      return drive;
    });
  }
}

function judge(observation: DriveObservation, wipeReleased: boolean): { state: DriveState; stateReason: string | null } {
  if (observation.ruleViolations.length > 0) return { state: 'REJECTED', stateReason: `Not usable: ${observation.ruleViolations.join('; ')}.` };
  if (observation.signatures.length > 0) {
    if (wipeReleased) return { state: 'AVAILABLE', stateReason: `not blank (${observation.signatures.join(', ')}), released for wiping by an operator` };
    return {
      state: 'NEEDS_WIPE_CONFIRMATION',
      stateReason: `Not blank (found ${observation.signatures.join(', ')}): it is used only after an operator releases it for wiping, or replace it with a blank drive.`,
    };
  }
  return { state: 'AVAILABLE', stateReason: null };
}

async function unplacedBlobs(tx: Prisma.TransactionClient, jobId: string): Promise<UnplacedBlob[]> {
  return tx.$queryRaw<UnplacedBlob[]>`
    SELECT b.id::text AS id, b.blob_name AS "blobName", b.size_bytes AS "sizeBytes" FROM staged_blob b
    WHERE b.job_id = ${jobId}::uuid
      AND NOT EXISTS (
        SELECT 1 FROM drive_blob db JOIN drive d ON d.id = db.drive_id
        WHERE db.staged_blob_id = b.id AND d.state::text = ANY(${PLACING_STATES}::text[]))
    ORDER BY b.blob_name`;
}

/** When every staged blob of the job is on a verified READY drive, writes drives-ready to the outbox and returns the drives. */
async function drivesReadyIfComplete(tx: Prisma.TransactionClient, jobId: string): Promise<string[] | undefined> {
  const job = await tx.seedingJob.findUniqueOrThrow({ where: { id: jobId }, select: { state: true } });
  if (!(WAITING_JOB_STATES as readonly string[]).includes(job.state)) return undefined;
  const missing = await tx.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM staged_blob b
    WHERE b.job_id = ${jobId}::uuid
      AND NOT EXISTS (
        SELECT 1 FROM drive_blob db JOIN drive d ON d.id = db.drive_id
        WHERE db.staged_blob_id = b.id AND db.verified AND d.state = 'READY')`;
  if ((missing[0]?.count ?? 1n) !== 0n) return undefined;
  const drives = await tx.drive.findMany({ where: { jobId, state: 'READY', blobs: { some: {} } }, select: { id: true }, orderBy: { serialNumber: 'asc' } });
  if (drives.length === 0) return undefined;
  const driveIds = drives.map((drive) => drive.id);
  await enqueueEvent(tx, DiskPrepJobDrivesReady, { jobId, driveIds });
  await tx.seedingJob.update({ where: { id: jobId }, data: { bytesNeedingDrives: 0n } });
  return driveIds;
}

type ProgressDrive = Pick<Drive, 'id' | 'jobId' | 'serialNumber' | 'state' | 'bytesWritten' | 'bytesPlanned' | 'bayId'>;
interface ProgressRate {
  bytesPerSecond: number;
  secondsLeft?: number;
  bytesVerified?: number;
}

/** diskprep.drive.progress.v1 for a drive row (the bay slot looked up in the same transaction). */
async function progressPayload(tx: Prisma.TransactionClient, nodeName: string, drive: ProgressDrive, rate: ProgressRate): Promise<DiskPrepDriveProgressPayload> {
  const bay = drive.bayId ? await tx.bay.findUnique({ where: { id: drive.bayId }, select: { slot: true } }) : null;
  return {
    driveId: drive.id,
    ...(drive.jobId ? { jobId: drive.jobId } : {}),
    serialNumber: drive.serialNumber,
    nodeName,
    ...(bay ? { baySlot: bay.slot } : {}),
    state: drive.state,
    bytesWritten: drive.bytesWritten.toString(),
    bytesPlanned: drive.bytesPlanned.toString(),
    ...(rate.bytesVerified !== undefined ? { bytesVerified: String(Math.round(rate.bytesVerified)) } : {}),
    bytesPerSecond: Number.isFinite(rate.bytesPerSecond) ? Math.max(0, rate.bytesPerSecond) : 0,
    ...(rate.secondsLeft !== undefined && Number.isFinite(rate.secondsLeft) ? { secondsLeft: Math.max(0, rate.secondsLeft) } : {}),
  };
}
