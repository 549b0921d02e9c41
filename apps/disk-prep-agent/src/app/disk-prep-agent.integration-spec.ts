import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type NatsConnection, connect } from 'nats';

import { type LoopDevice, createLoopDevice } from '@seedship/block-devices';
import { DiskPrepDriveProgress, type DiskPrepDriveProgressPayload, DiskPrepJobDrivesReady, type DiskPrepJobDrivesReadyPayload, parsePayload } from '@seedship/contracts';
import { type DriveModel, type PrismaClient, createPrismaClient } from '@seedship/db';
import { driveCapacity, planDrives, verifyDrive } from '@seedship/drive-format';
import { transitionJob } from '@seedship/jobs';
import { MasterKey, decryptSecret, recoveryPasswordContext } from '@seedship/secrets';
import { type NodeServiceProcess, type TestDatabase, createTestDatabase, createTestNamespace, eventually, testServices } from '@seedship/testing';

import { startAgentProcess } from '../test-support/agent-process';
import { type KubeApiServer, startKubeApiServer } from '../test-support/kube-api-server';
import { type StagedJob, createStagedJob } from '../test-support/staged-job';
import { loopSerial } from './drives/drive-scanner';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const MASTER_KEY_HEX = randomBytes(32).toString('hex');
const ACCOUNT_KEY = randomBytes(64).toString('base64');
/** Staging a job and writing, reading back and verifying its drives on a shared two-core machine. */
const FILL_TEST_TIMEOUT_MS = 300_000;

interface Bay {
  readonly node: string;
  readonly directory: string;
}

describe('disk-prep agents on two copy nodes (real Postgres, NATS, loop-device drives)', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let nats: NatsConnection;
  let namespace: string;
  let work: string;
  let staging: string;
  let kube: KubeApiServer;
  const bays: Record<'a' | 'b', Bay> = { a: { node: 'copy-a', directory: '' }, b: { node: 'copy-b', directory: '' } };
  const agents: Record<'a' | 'b', NodeServiceProcess | undefined> = { a: undefined, b: undefined };
  const envs: Record<'a' | 'b', Record<string, string>> = { a: {}, b: {} };
  const loops: LoopDevice[] = [];
  const drivesReady: DiskPrepJobDrivesReadyPayload[] = [];
  const progress: DiskPrepDriveProgressPayload[] = [];

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    namespace = createTestNamespace();
    nats = await connect({ servers: natsUrl });
    const ready = nats.subscribe(`${namespace}.${DiskPrepJobDrivesReady.subject}`);
    const progressed = nats.subscribe(`${namespace}.${DiskPrepDriveProgress.subject}`);
    void (async () => {
      for await (const message of ready) drivesReady.push(parsePayload(DiskPrepJobDrivesReady, message.json()));
    })();
    void (async () => {
      for await (const message of progressed) progress.push(parsePayload(DiskPrepDriveProgress, message.json()));
    })();
    await nats.flush();
    work = await mkdtemp(path.join(tmpdir(), 'seedship-diskprep-'));
    staging = path.join(work, 'staging');
    await mkdir(staging);
    await mkdir(path.join(work, 'scratch'));
    for (const [key, bay] of Object.entries(bays) as ['a' | 'b', Bay][]) {
      bays[key] = { ...bay, directory: path.join(work, `bays-${key}`) };
      await mkdir(bays[key].directory);
    }
    kube = await startKubeApiServer([bays.a.node, bays.b.node]);
    const kubeconfig = path.join(work, 'kubeconfig');
    await kube.writeKubeconfig(kubeconfig);
    for (const key of ['a', 'b'] as const) {
      envs[key] = {
        DATABASE_URL: database.url,
        NATS_URL: natsUrl,
        NATS_NAMESPACE: namespace,
        NODE_NAME: bays[key].node,
        SECRETS_MASTER_KEY: MASTER_KEY_HEX,
        STORAGE_ACCOUNT_KEYS: JSON.stringify({ seedshipstore: ACCOUNT_KEY }),
        ALLOW_LOOP_DEVICES: 'true',
        LOOP_BACKING_DIR: bays[key].directory,
        SCRATCH_DIR: path.join(work, 'scratch'),
        SCAN_INTERVAL_MS: '250',
        PROGRESS_INTERVAL_MS: '250',
        ENCRYPTION_THREADS: '1',
        // Node a reports to the Kubernetes API stand-in; node b runs without a cluster, as in the demo.
        ...(key === 'a' ? { KUBERNETES: 'kubeconfig', KUBECONFIG: kubeconfig, KUBERNETES_NAMESPACE: 'seedship', LEASE_DURATION_SECONDS: '3' } : {}),
      };
    }
    [agents.a, agents.b] = await Promise.all([startAgentProcess(envs.a), startAgentProcess(envs.b)]);
  }, 180_000);

  afterAll(async () => {
    const logDir = process.env['DISK_PREP_TEST_LOGS'];
    if (logDir) {
      for (const key of ['a', 'b'] as const) await writeFile(path.join(logDir, `agent-${key}.log`), (agents[key]?.logs() ?? []).join('\n'));
    }
    await agents.a?.stop();
    await agents.b?.stop();
    for (const loop of loops) await loop.detach().catch(() => undefined);
    await nats?.close();
    await kube?.close();
    await prisma?.$disconnect();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  /** A new drive in a bay of the node; `firstSector`, when given, is on it before it is inserted (a used drive). */
  async function insertDrive(bay: 'a' | 'b', sizeMiB = 64, firstSector?: Buffer): Promise<{ loop: LoopDevice; serial: string }> {
    // Made outside the bay directory, so the agent sees it only once it is whole.
    const loop = await createLoopDevice({ sizeBytes: sizeMiB * MiB, directory: firstSector ? path.join(work, 'scratch') : bays[bay].directory });
    if (!firstSector) {
      loops.push(loop);
      return { loop, serial: loopSerial(loop.imagePath) };
    }
    const image = path.join(bays[bay].directory, `used-${randomBytes(4).toString('hex')}.img`);
    await run('losetup', ['--detach', loop.path]);
    await rename(loop.imagePath, image);
    const handle = await open(image, 'r+');
    await handle.write(firstSector, 0, firstSector.length, 0);
    await handle.close();
    const { stdout } = await run('losetup', ['--find', '--show', image]);
    const device = stdout.trim();
    const used: LoopDevice = {
      path: device,
      name: path.basename(device),
      imagePath: image,
      sizeBytes: sizeMiB * MiB,
      sectorSize: 512,
      detach: async () => {
        await run('losetup', ['--detach', device]).catch(() => undefined);
        await rm(image, { force: true });
      },
    };
    loops.push(used);
    return { loop: used, serial: loopSerial(image) };
  }

  /** Pulls a drive mid-copy: the loop device is detached while the agent holds it open, as a drive vanishes from its bay. */
  async function pullDrive(loop: LoopDevice): Promise<void> {
    await run('losetup', ['--detach', loop.path]);
    loops.splice(loops.indexOf(loop), 1);
  }

  async function driveRow(serial: string, wanted: (drive: DriveModel) => boolean, description: string, timeoutMs = 120_000): Promise<DriveModel> {
    return eventually(
      async () => {
        const drive = await prisma.drive.findUnique({ where: { serialNumber: serial } });
        if (!drive || !wanted(drive)) throw new Error(`drive ${serial} is ${drive ? `${drive.state} (${drive.stateReason ?? ''})` : 'not registered'}`);
        return drive;
      },
      { timeoutMs, intervalMs: 50, description },
    );
  }

  async function jobDrivesReady(jobId: string, timeoutMs = 180_000): Promise<DiskPrepJobDrivesReadyPayload> {
    return eventually(
      () => {
        const event = drivesReady.find((payload) => payload.jobId === jobId);
        if (!event) throw new Error(`no drives-ready for ${jobId} yet`);
        return Promise.resolve(event);
      },
      { timeoutMs, intervalMs: 100, description: `drives-ready for job ${jobId}` },
    );
  }

  function stagedJob(importJobName: string, largeFiles: number, largeFileBytes: number): Promise<StagedJob> {
    return createStagedJob(prisma, { importJobName, stagingLocation: staging, workDir: work, largeFiles, largeFileBytes, packTargetBytes: 6 * MiB });
  }

  /** How many drives of `sizeMiB` the job's blobs need, by the same planner the agents use. */
  function drivesNeeded(job: StagedJob, sizeMiB: number): number {
    const capacity = driveCapacity({ diskBytes: sizeMiB * MiB, sectorSize: 512 });
    for (let count = 1; count <= 10; count += 1) {
      const plan = planDrives({
        container: 'seed',
        blobs: job.blobs.map((blob) => ({ blobName: blob.blobName, size: blob.sizeBytes })),
        drives: Array.from({ length: count }, (_, index) => ({ driveId: `D${index}`, capacity })),
      });
      if (plan.unassigned.length === 0) return count;
    }
    throw new Error('the job does not fit on 10 drives');
  }

  /** Every staged blob on exactly one verified drive of the job, each READY drive passing verifyDrive with its sealed password. */
  async function expectJobOnVerifiedDrives(job: StagedJob, driveIds: readonly string[]): Promise<DriveModel[]> {
    const placements = await prisma.driveBlob.findMany({ where: { stagedBlob: { jobId: job.jobId } }, include: { drive: true, stagedBlob: true } });
    const byBlob = new Map<string, number>();
    for (const placement of placements) byBlob.set(placement.stagedBlob.blobName, (byBlob.get(placement.stagedBlob.blobName) ?? 0) + 1);
    expect([...byBlob.keys()].sort()).toEqual(job.blobs.map((blob) => blob.blobName).sort());
    expect([...byBlob.values()].every((count) => count === 1)).toBe(true);
    expect(placements.every((placement) => placement.verified && placement.drive.state === 'READY' && placement.drive.jobId === job.jobId)).toBe(true);
    const drives = await prisma.drive.findMany({ where: { id: { in: [...driveIds] } }, include: { blobs: { include: { stagedBlob: true } } } });
    expect(drives.map((drive) => drive.id).sort()).toEqual([...new Set(placements.map((placement) => placement.driveId))].sort());
    const masterKey = MasterKey.fromHex(MASTER_KEY_HEX);
    for (const drive of drives) {
      expect(drive.verifiedAt).not.toBeNull();
      expect(Number(drive.bytesWritten)).toBe(drive.blobs.reduce((sum, blob) => sum + Number(blob.stagedBlob.sizeBytes), 0));
      const recoveryPassword = decryptSecret(masterKey, drive.recoveryPasswordCiphertext ?? new Uint8Array(), recoveryPasswordContext(drive.id));
      const loop = loops.find((candidate) => loopSerial(candidate.imagePath) === drive.serialNumber);
      if (!loop) continue; // pulled for shipping already
      const report = await verifyDrive({
        device: loop.path,
        recoveryPassword,
        driveId: drive.serialNumber,
        manifestHash: drive.manifestHash ?? '',
        driveHeaderHash: drive.driveHeaderHash ?? '',
        expectedBlobs: drive.blobs.map((blob) => ({ blobPath: `seed/${blob.stagedBlob.blobName}`, size: Number(blob.stagedBlob.sizeBytes), md5: blob.stagedBlob.md5 })),
      });
      expect(report.problems).toEqual([]);
    }
    return drives;
  }

  it('serves health probes and Prometheus metrics', async () => {
    const live = await fetch(`${agents.a?.baseUrl ?? ''}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${agents.b?.baseUrl ?? ''}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: { status: 'up' }, nats: { status: 'up' } } });
    await eventually(async () => {
      const metrics = await fetch(`${agents.a?.baseUrl ?? ''}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(await metrics.text()).toMatch(/^seedship_diskprep_scans_total\{node="copy-a"\} [1-9]/m);
    });
    const nodes = await prisma.copyNode.findMany({ orderBy: { nodeName: 'asc' } });
    expect(nodes.map((node) => node.nodeName)).toEqual(['copy-a', 'copy-b']);
  });

  it('fills one job across three drives on two nodes, inserted while the agents run, and announces drives-ready once', async () => {
    const job = await stagedJob('span-job', 8, 24 * MiB);
    expect(drivesNeeded(job, 64)).toBe(3);
    const first = await insertDrive('a');
    const second = await insertDrive('b');
    for (const drive of [first, second]) await driveRow(drive.serial, (row) => row.state === 'READY', `${drive.serial} READY`);
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.jobId } })).state).toBe('PREPARING_DRIVES');
    expect(Number((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.jobId } })).bytesNeedingDrives)).toBeGreaterThan(0);
    expect(drivesReady.filter((event) => event.jobId === job.jobId)).toEqual([]);

    const third = await insertDrive('a');
    const event = await jobDrivesReady(job.jobId);
    const drives = await expectJobOnVerifiedDrives(job, event.driveIds);
    expect(drives.map((drive) => drive.serialNumber).sort()).toEqual([first.serial, second.serial, third.serial].sort());
    const nodes = await prisma.copyNode.findMany();
    const nodeOf = new Map(nodes.map((node) => [node.id, node.nodeName]));
    expect(new Set(drives.map((drive) => nodeOf.get(drive.nodeId ?? '')))).toEqual(new Set(['copy-a', 'copy-b']));
    expect(Number((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.jobId } })).bytesNeedingDrives)).toBe(0);
    const timeline = await prisma.jobTimelineEntry.findMany({ where: { jobId: job.jobId, action: 'state-changed' } });
    expect(timeline.map((entry) => `${entry.fromState ?? ''}->${entry.toState ?? ''}`)).toEqual(['AWAITING_DRIVES->PREPARING_DRIVES']);
    // Progress went out while writing, with the bytes also on the row.
    const writing = progress.filter((payload) => payload.jobId === job.jobId && payload.state === 'WRITING' && Number(payload.bytesWritten) > 0);
    expect(writing.length).toBeGreaterThan(0);
    expect(writing.every((payload) => payload.bytesPerSecond >= 0 && Number(payload.bytesWritten) <= Number(payload.bytesPlanned) + 8 * MiB)).toBe(true);
    expect(progress.filter((payload) => payload.jobId === job.jobId && payload.state === 'READY').map((payload) => payload.serialNumber).sort()).toEqual(
      drives.map((drive) => drive.serialNumber).sort(),
    );
    // Exactly one announcement, even with two agents finishing drives of the job.
    await eventually(async () => {
      const outbox = await prisma.outboxEvent.findMany({ where: { subject: DiskPrepJobDrivesReady.subject } });
      if (outbox.some((row) => row.publishedAt === null)) throw new Error('outbox not relayed yet');
      expect(outbox.filter((row) => (row.payload as { jobId?: string }).jobId === job.jobId)).toHaveLength(1);
    });
    expect(drivesReady.filter((payload) => payload.jobId === job.jobId)).toHaveLength(1);
  }, FILL_TEST_TIMEOUT_MS);

  it('gives two competing jobs their own drives, only as many as each needs, and never touches a drive with data', async () => {
    // A drive with a partition table: it waits for an operator, untouched, while jobs wait for space.
    const mbr = Buffer.alloc(512);
    mbr.writeUInt8(0x07, 446 + 4);
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt32LE(4096, 446 + 12);
    mbr.writeUInt16LE(0xaa55, 510);
    const used = await insertDrive('b', 64, mbr);
    const nonBlank = await driveRow(used.serial, (row) => row.state !== 'DETECTED', 'the used drive registered');
    expect(nonBlank.state).toBe('NEEDS_WIPE_CONFIRMATION');
    expect(nonBlank.stateReason).toMatch(/Not blank \(found dos\)/);

    const older = await stagedJob('older-job', 5, 24 * MiB);
    const newer = await stagedJob('newer-job', 5, 24 * MiB);
    expect(drivesNeeded(older, 64)).toBe(2);
    expect(drivesNeeded(newer, 64)).toBe(2);
    const inserted = await Promise.all([insertDrive('a'), insertDrive('b'), insertDrive('a'), insertDrive('b'), insertDrive('a')]);
    const [olderReady, newerReady] = await Promise.all([jobDrivesReady(older.jobId), jobDrivesReady(newer.jobId)]);
    await expectJobOnVerifiedDrives(older, olderReady.driveIds);
    await expectJobOnVerifiedDrives(newer, newerReady.driveIds);
    expect(olderReady.driveIds).toHaveLength(2);
    expect(newerReady.driveIds).toHaveLength(2);
    expect(olderReady.driveIds.filter((id) => newerReady.driveIds.includes(id))).toEqual([]);
    const shared = await prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (SELECT db.drive_id FROM drive_blob db JOIN staged_blob b ON b.id = db.staged_blob_id GROUP BY db.drive_id HAVING count(DISTINCT b.job_id) > 1) s`;
    expect(shared[0]?.count).toBe(0n);
    // The fifth blank drive is not needed by anyone: it stays AVAILABLE.
    const rows = await prisma.drive.findMany({ where: { serialNumber: { in: inserted.map((drive) => drive.serial) } } });
    expect(rows.filter((row) => row.state === 'AVAILABLE' && row.jobId === null)).toHaveLength(1);
    expect(rows.filter((row) => row.state === 'READY')).toHaveLength(4);

    // Still untouched: same bytes, same state.
    expect((await readFile(used.loop.imagePath)).subarray(0, 512).equals(mbr)).toBe(true);
    expect((await prisma.drive.findUniqueOrThrow({ where: { serialNumber: used.serial } })).state).toBe('NEEDS_WIPE_CONFIRMATION');

    // The spare blank drive leaves; an operator releases the used one; the next job gets it.
    const spare = inserted.find((drive) => rows.find((row) => row.serialNumber === drive.serial)?.state === 'AVAILABLE');
    if (!spare) throw new Error('no spare drive');
    await spare.loop.detach();
    loops.splice(loops.indexOf(spare.loop), 1);
    await driveRow(spare.serial, (row) => row.state === 'REMOVED' && row.devicePath === null, 'the spare drive REMOVED');
    const small = await stagedJob('after-wipe-job', 1, 16 * MiB);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await prisma.drive.findUniqueOrThrow({ where: { serialNumber: used.serial } })).state).toBe('NEEDS_WIPE_CONFIRMATION');
    await prisma.drive.update({ where: { serialNumber: used.serial }, data: { wipeReleasedBy: 'user:operator@example.com', wipeReleasedAt: new Date() } });
    const event = await jobDrivesReady(small.jobId);
    const [wiped] = await expectJobOnVerifiedDrives(small, event.driveIds);
    expect(wiped?.serialNumber).toBe(used.serial);
  }, FILL_TEST_TIMEOUT_MS);

  it('marks a drive pulled mid-copy FAILED and puts its blobs on the next drive inserted', async () => {
    const job = await stagedJob('pulled-job', 6, 24 * MiB);
    expect(drivesNeeded(job, 192)).toBe(1);
    const pulled = await insertDrive('a', 192);
    await driveRow(pulled.serial, (row) => row.state === 'WRITING' && row.bytesWritten > 0n, `${pulled.serial} writing`);
    await pullDrive(pulled.loop);
    const failed = await driveRow(pulled.serial, (row) => row.state === 'FAILED', `${pulled.serial} FAILED`);
    expect(failed.stateReason).toMatch(/^Pulled from bay loop\d+ before it was ready/);
    expect(await prisma.driveBlob.count({ where: { driveId: failed.id } })).toBe(0);
    expect(Number((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.jobId } })).bytesNeedingDrives)).toBe(job.stagedBytes);

    const replacement = await insertDrive('b', 192);
    const event = await jobDrivesReady(job.jobId);
    const drives = await expectJobOnVerifiedDrives(job, event.driveIds);
    expect(drives.map((drive) => drive.serialNumber)).toEqual([replacement.serial]);
    expect((await prisma.drive.findUniqueOrThrow({ where: { id: failed.id } })).state).toBe('FAILED');
  }, FILL_TEST_TIMEOUT_MS);

  it('redoes a drive from scratch after the agent is killed mid-copy, and ends with a correct drive', async () => {
    const job = await stagedJob('killed-job', 6, 24 * MiB);
    const drive = await insertDrive('a', 192);
    await driveRow(drive.serial, (row) => row.state === 'WRITING' && row.bytesWritten > 0n, `${drive.serial} writing`);
    await agents.a?.kill();
    const interrupted = await prisma.drive.findUniqueOrThrow({ where: { serialNumber: drive.serial } });
    expect(['WRITING', 'VERIFYING']).toContain(interrupted.state);
    expect(interrupted.verifiedAt).toBeNull();
    agents.a = await startAgentProcess(envs.a);
    const event = await jobDrivesReady(job.jobId);
    const drives = await expectJobOnVerifiedDrives(job, event.driveIds);
    expect(drives.map((row) => row.serialNumber)).toEqual([drive.serial]);
    expect(agents.a.logs().some((line) => line.includes('Writing the drive again from scratch after a restart'))).toBe(true);
  }, FILL_TEST_TIMEOUT_MS);

  it('fails a drive it cannot prepare with the reason on its row, and gives its blobs back', async () => {
    const job = await createStagedJob(prisma, {
      importJobName: 'no-key-job',
      stagingLocation: staging,
      workDir: work,
      largeFiles: 1,
      largeFileBytes: 8 * MiB,
      packTargetBytes: 6 * MiB,
      storageAccount: 'unknownaccount',
    });
    const drive = await insertDrive('b');
    const failed = await driveRow(drive.serial, (row) => row.state === 'FAILED', `${drive.serial} FAILED`);
    expect(failed.stateReason).toBe('No account key for storage account unknownaccount: add it to STORAGE_ACCOUNT_KEYS of the disk-prep agent');
    expect(failed.jobId).toBe(job.jobId);
    expect(await prisma.driveBlob.count({ where: { driveId: failed.id } })).toBe(0);
    expect(Number((await prisma.seedingJob.findUniqueOrThrow({ where: { id: job.jobId } })).bytesNeedingDrives)).toBe(job.stagedBytes);
    // Its bytes were never touched: the agent refused before prepareDrive.
    expect((await readFile(drive.loop.imagePath)).subarray(0, 1024 * 1024).every((byte) => byte === 0)).toBe(true);
    // The job leaves the queue, so the next tests' drives go to their own jobs.
    await prisma.$transaction((tx) => transitionJob(tx, { jobId: job.jobId, to: 'CANCELLED', actor: 'user:operator@example.com' }));
  }, FILL_TEST_TIMEOUT_MS);

  it('claims at once when a job starts waiting for drives, without waiting for the next scan', async () => {
    // A third node that scans only every 10 minutes: only the job's state-changed event can wake it.
    const bayC = path.join(work, 'bays-c');
    await mkdir(bayC);
    const drive = await createLoopDevice({ sizeBytes: 64 * MiB, directory: bayC });
    loops.push(drive);
    const serial = loopSerial(drive.imagePath);
    const agentC = await startAgentProcess({ ...envs.b, NODE_NAME: 'copy-c', LOOP_BACKING_DIR: bayC, SCAN_INTERVAL_MS: '600000' });
    try {
      await driveRow(serial, (row) => row.state === 'AVAILABLE', `${serial} AVAILABLE on copy-c`);
      const job = await createStagedJob(prisma, { importJobName: 'nudged-job', stagingLocation: staging, workDir: work, largeFiles: 1, largeFileBytes: 8 * MiB, packTargetBytes: 6 * MiB, state: 'STAGED' });
      const movedAt = Date.now();
      await prisma.$transaction((tx) => transitionJob(tx, { jobId: job.jobId, to: 'AWAITING_DRIVES', actor: 'system:import-orchestrator' }));
      await driveRow(serial, (row) => row.jobId === job.jobId && row.state !== 'AVAILABLE', `${serial} claimed for the nudged job`, 60_000);
      expect(Date.now() - movedAt).toBeLessThan(60_000);
      await jobDrivesReady(job.jobId);
    } finally {
      await agentC.stop();
    }
  }, FILL_TEST_TIMEOUT_MS);

  it('told Kubernetes about it in the API shapes: a node Lease, Events for the technician, a bay annotation', () => {
    expect(kube.violations).toEqual([]);
    const lease = kube.leases.get('seedship/seedship-disk-prep-copy-a');
    expect(lease?.['spec']).toEqual(expect.objectContaining({ leaseDurationSeconds: 3, holderIdentity: expect.any(String) }));
    expect(kube.requests.filter((request) => request.method === 'PUT').length).toBeGreaterThan(0);
    const reasons = new Set(kube.events.map((event) => event['reason']));
    for (const reason of ['DriveClaimed', 'DriveReady', 'JobDrivesReady', 'DriveFailed']) expect(reasons).toContain(reason);
    const ready = kube.events.find((event) => event['reason'] === 'DriveReady');
    expect(String(ready?.['message'])).toMatch(/^Bay loop\d+: drive \S+ is ready and verified for job [a-z-]+: pull it and pack it for shipping/);
    const failed = kube.events.find((event) => event['reason'] === 'DriveFailed');
    expect(failed?.['type']).toBe('Warning');
    const annotation = kube.nodeAnnotations.get('copy-a')?.['seedship.io/bays'];
    const bays = JSON.parse(annotation ?? '[]') as { bay: string; serial: string; state: string }[];
    expect(bays.length).toBeGreaterThan(0);
    expect(bays.every((bay) => /^loop\d+$/.test(bay.bay) && bay.serial !== '' && bay.state !== '')).toBe(true);
    expect(kube.nodeAnnotations.get('copy-b')?.['seedship.io/bays']).toBeUndefined();
  });
});
