import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from 'nats';

import { createPrismaClient, type PrismaClient } from '@seedship/db';
import { describeTree, generateCorpus, LocalRepositorySource, StagingRepositoryReader, textBytes } from '@seedship/staging-repo';
import { createTestDatabase, createTestNamespace, eventually, testServices, type TestDatabase } from '@seedship/testing';

import { type ServiceProcess, startServiceProcess } from '../../test-support/service-process';

interface HttpResult {
  status: number;
  body: Record<string, unknown>;
}

async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function jobBody(name: string, stagingLocation: string): Record<string, string> {
  return {
    importJobName: name,
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    resourceGroup: 'seedship-rg',
    storageAccount: 'seedshipstore',
    container: 'seed',
    location: 'westeurope',
    stagingLocation,
  };
}

describe('staging-ingest service (real Postgres, NATS, filesystem)', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let nats: NatsConnection;
  let namespace: string;
  let work: string;
  let sourceRoot: string;
  let staging: string;
  let service: ServiceProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    namespace = createTestNamespace();
    nats = await connect({ servers: natsUrl });
    work = await mkdtemp(join(tmpdir(), 'seedship-ingest-'));
    sourceRoot = join(work, 'share');
    staging = join(work, 'staging');
    await mkdir(sourceRoot, { recursive: true });
    await mkdir(staging, { recursive: true });
    env = {
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      NATS_NAMESPACE: namespace,
      SOURCE_ROOTS: sourceRoot,
      STAGING_RESERVE_BYTES: String(64 * 1024 * 1024),
      PROGRESS_INTERVAL_MS: '200',
      INGEST_LEASE_MS: '1500',
    };
    service = await startServiceProcess(env);
  });

  afterAll(async () => {
    await service?.stop();
    await nats?.close();
    await prisma?.$disconnect();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  async function waitForIngest(jobId: string, state: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    return eventually(
      async () => {
        const { body } = await http('GET', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest`);
        if (body['state'] !== state) throw new Error(`ingest is ${String(body['state'])}: ${JSON.stringify(body)}`);
        return body;
      },
      { timeoutMs, intervalMs: 200, description: `the ingest of ${jobId} to be ${state}` },
    );
  }

  async function restoreAndCompare(jobName: string, manifestId: string, source: string, mtimeResolutionMs = 1): Promise<void> {
    const reader = await StagingRepositoryReader.open(new LocalRepositorySource(join(staging, jobName)));
    const target = join(work, `restored-${jobName}`);
    await reader.restore(manifestId, target);
    expect(await describeTree(target, { mtimeResolutionMs })).toEqual(await describeTree(source, { mtimeResolutionMs }));
  }

  async function expectStagedBlobsMatchDisk(jobId: string, jobName: string): Promise<string[]> {
    const blobs = await prisma.stagedBlob.findMany({ where: { jobId } });
    expect(blobs.length).toBeGreaterThan(0);
    for (const blob of blobs) {
      expect(blob.blobName.startsWith(`${jobName}/`)).toBe(true);
      const bytes = await readFile(join(staging, blob.blobName));
      expect(BigInt(bytes.length)).toBe(blob.sizeBytes);
      expect(createHash('md5').update(bytes).digest('base64')).toBe(blob.md5);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(blob.sha256);
    }
    return blobs.map((blob) => blob.blobName);
  }

  it('answers the Kubernetes probes the Helm chart configures', async () => {
    expect((await http('GET', `${service?.baseUrl ?? ''}/health/live`)).status).toBe(200);
    const ready = await http('GET', `${service?.baseUrl ?? ''}/health/ready`);
    expect(ready).toEqual({ status: 200, body: { status: 'ok', checks: { postgres: { status: 'up' }, nats: { status: 'up' } } } });
  });

  it('validates a new job against Azure naming rules and keeps import job names unique', async () => {
    const bad = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, {
      ...jobBody('-bad name-', staging),
      container: 'Bad--Container',
      storageAccount: 'UPPER',
    });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toBe('VALIDATION');
    expect(String(bad.body['message'])).toMatch(/importJobName: may contain only letters, digits and underscores for DATABOX_CUSTOMER_DISK/);
    expect(String(bad.body['message'])).toMatch(/container: may contain only lowercase letters/);
    expect(String(bad.body['message'])).toMatch(/storageAccount: must be 3 to 24 characters of lowercase letters and digits/);

    const missingStaging = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('no_staging', join(work, 'absent')));
    expect(missingStaging.status).toBe(400);
    expect(String(missingStaging.body['message'])).toMatch(/absent does not exist/);

    const first = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('unique_name', staging));
    expect(first.status).toBe(201);
    const second = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('unique_name', staging));
    expect(second.status).toBe(409);
    expect(String(second.body['message'])).toMatch(/An import job named 'unique_name' already exists/);
    expect(await prisma.seedingJob.count({ where: { importJobName: 'unique_name' } })).toBe(1);
  });

  it('ingests a share path (small, large, duplicate and awkward files), seals it, records blobs, emits events, and restores byte for byte', async () => {
    const source = join(sourceRoot, 'fileserver');
    await generateCorpus(source, { smallFiles: 400, largeFiles: 3, largeFileBytes: 12 * 1024 * 1024, duplicates: 50 });
    await symlink('dir-0', join(source, 'link-to-dir'));
    execFileSync('mkfifo', [join(source, 'a-fifo')]);

    const progressSeen: unknown[] = [];
    const progressSub = nats.subscribe(`${namespace}.staging.ingest.progress.v1`, {
      callback: (_error, message) => progressSeen.push(message.json()),
    });
    const sealedSeen: Array<Record<string, unknown>> = [];
    const sealedSub = nats.subscribe(`${namespace}.staging.snapshot.sealed.v1`, {
      callback: (_error, message) => sealedSeen.push(message.json()),
    });

    const created = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('fileserver_seed', staging), { 'x-seedship-user': 'alice' });
    expect(created.status).toBe(201);
    const jobId = String(created.body['id']);
    const started = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest`, { sourcePath: source });
    expect(started.status).toBe(202);
    expect(started.body['state']).toBe('RUNNING');

    const done = await waitForIngest(jobId, 'COMPLETED');
    const job = await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.state).toBe('STAGED');
    const snapshot = await prisma.stagingSnapshot.findUniqueOrThrow({ where: { id: String(done['snapshotId']) } });
    expect(snapshot.state).toBe('SEALED');
    expect(done['filesDone']).toBe(String(snapshot.fileCount));
    const blobNames = await expectStagedBlobsMatchDisk(jobId, 'fileserver_seed');
    expect(blobNames).toContain(`fileserver_seed/snapshots/${snapshot.manifestId ?? ''}.jsonl`);
    expect(job.bytesNeedingDrives).toBe((await prisma.stagedBlob.aggregate({ where: { jobId }, _sum: { sizeBytes: true } }))._sum.sizeBytes);

    const report = await http('GET', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest/report`);
    const issues = report.body['issues'] as Array<Record<string, string>>;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'SYMLINK', outcome: 'STORED', path: 'link-to-dir' }),
        expect.objectContaining({ kind: 'SPECIAL_FILE', outcome: 'SKIPPED', path: 'a-fifo' }),
      ]),
    );
    expect(issues).toHaveLength(2);

    await eventually(() => sealedSeen.length === 1, { description: 'the sealed event on NATS' });
    expect(sealedSeen[0]).toMatchObject({ jobId, snapshotId: snapshot.id, kind: 'FULL', stagedBlobCount: blobNames.length });
    expect(progressSeen.length).toBeGreaterThan(0);
    progressSub.unsubscribe();
    sealedSub.unsubscribe();
    const timeline = await prisma.jobTimelineEntry.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
    expect(timeline.map((entry) => [entry.actor, entry.toState])).toEqual([
      ['user:alice', 'DRAFT'],
      ['user:anonymous', 'STAGING'],
      ['system:staging-ingest', 'STAGED'],
    ]);

    // The FIFO is not restorable content; everything else comes back exactly.
    await rm(join(source, 'a-fifo'));
    await restoreAndCompare('fileserver_seed', snapshot.manifestId ?? '', source);
  });

  it('resumes after being killed mid-ingest without re-reading committed files or counting half-written packs', async () => {
    const source = join(sourceRoot, 'killed');
    await mkdir(source, { recursive: true });
    for (let i = 0; i < 160; i++) {
      await writeFile(join(source, `part-${String(i).padStart(3, '0')}.bin`), Buffer.concat([randomBytes(700 * 1024), textBytes(500 * 1024, i + 1)]));
    }
    const totalBytes = 160 * 1200 * 1024;
    const created = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('killed_seed', staging));
    const jobId = String(created.body['id']);
    const started = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest`, { sourcePath: source });
    expect(started.status).toBe(202);
    const snapshotId = String(started.body['snapshotId']);

    // Kill as soon as the journal shows committed files: a pack is durable and more work is pending.
    const journal = join(staging, 'killed_seed', 'journal', `${snapshotId}.jsonl`);
    await eventually(
      async () => {
        const lines = (await readFile(journal, 'utf8')).split('\n').filter((line) => line.includes('"t":"entry"'));
        return lines.length >= 10;
      },
      { timeoutMs: 60_000, intervalMs: 20, description: 'committed files in the journal' },
    );
    await service?.kill();
    const atKill = await prisma.stagingIngest.findUniqueOrThrow({ where: { snapshotId } });
    expect(atKill.state).toBe('RUNNING');

    service = await startServiceProcess(env);
    const done = await waitForIngest(jobId, 'COMPLETED');
    expect(done['runs']).toBe(2);
    expect(Number(done['resumedFiles'])).toBeGreaterThanOrEqual(10);
    // The second run read only what was not committed before the kill.
    expect(Number(done['bytesReadThisRun'])).toBeLessThanOrEqual(totalBytes - 10 * 1200 * 1024);
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } })).state).toBe('STAGED');

    // No partial file left, and every pack on disk is a staged blob (none half-written or orphaned).
    const repoDir = join(staging, 'killed_seed');
    expect(await readdir(join(repoDir, 'tmp'))).toEqual([]);
    expect(await readdir(join(repoDir, 'journal'))).toEqual([]);
    const blobNames = new Set(await expectStagedBlobsMatchDisk(jobId, 'killed_seed'));
    for (const prefix of await readdir(join(repoDir, 'packs'))) {
      for (const pack of await readdir(join(repoDir, 'packs', prefix))) expect(blobNames.has(`killed_seed/packs/${prefix}/${pack}`)).toBe(true);
    }
    const timeline = await prisma.jobTimelineEntry.findMany({ where: { jobId, action: 'ingest-resumed' } });
    expect(timeline).toHaveLength(1);
    const snapshot = await prisma.stagingSnapshot.findUniqueOrThrow({ where: { id: snapshotId } });
    await restoreAndCompare('killed_seed', snapshot.manifestId ?? '', source);
  });

  it('ingests an uploaded tar stream and restores it', async () => {
    const source = join(work, 'tar-src');
    await generateCorpus(source, { smallFiles: 60, largeFiles: 1, largeFileBytes: 3 * 1024 * 1024, duplicates: 5 });
    const archive = execFileSync('tar', ['-c', '-C', source, '.'], { maxBuffer: 64 * 1024 * 1024 });
    const created = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('tar_seed', staging));
    const jobId = String(created.body['id']);
    const response = await fetch(`${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest/tar`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-tar', 'content-length': String(archive.length) },
      body: archive,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body['state']).toBe('COMPLETED');
    const snapshot = await prisma.stagingSnapshot.findUniqueOrThrow({ where: { id: String(body['snapshotId']) } });
    await expectStagedBlobsMatchDisk(jobId, 'tar_seed');
    // tar keeps modification times in whole seconds.
    await restoreAndCompare('tar_seed', snapshot.manifestId ?? '', source, 1000);
  });

  it('refuses an ingest the staging area cannot hold, with the numbers, and changes nothing', async () => {
    const created = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('too_big', staging));
    const jobId = String(created.body['id']);
    const hugeLength = 1024 ** 5; // 1 PiB announced; the check must answer before reading any of it.
    const refused = await new Promise<HttpResult>((resolveResponse, reject) => {
      const url = new URL(`${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest/tar`);
      const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/x-tar', 'content-length': String(hugeLength) } }, (res) => {
        let text = '';
        res.on('data', (data: Buffer) => (text += data.toString()));
        res.on('end', () => {
          resolveResponse({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(512));
    });
    expect(refused.status).toBe(507);
    expect(refused.body['error']).toBe('INSUFFICIENT_STAGING_SPACE');
    expect(String(refused.body['message'])).toMatch(new RegExp(`Staging location ${staging} has [0-9.]+ [KMGT]iB free; 64.0 MiB of it is kept in reserve`));
    expect(String(refused.body['message'])).toMatch(/The worst case for this ingest is [0-9.]+ PiB .*Free at least .* there, or create the job with another staging location\. Nothing was changed\./);
    const details = refused.body['details'] as Record<string, number>;
    expect(details['worstCaseBytes']).toBeGreaterThan(hugeLength);
    expect(details['shortByBytes']).toBeGreaterThan(0);
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } })).state).toBe('DRAFT');
    expect(await prisma.stagingSnapshot.count({ where: { jobId } })).toBe(0);
    expect(await prisma.stagingIngest.count({ where: { jobId } })).toBe(0);
  });

  it('refuses sources outside SOURCE_ROOTS and a second initial ingest, saying what to do', async () => {
    const created = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs`, jobBody('guarded', staging));
    const jobId = String(created.body['id']);
    const outside = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest`, { sourcePath: '/etc' });
    expect(outside.status).toBe(403);
    expect(String(outside.body['message'])).toMatch(/\/etc is outside the shares this service may read/);
    const missing = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs/${jobId}/ingest`, { sourcePath: join(sourceRoot, 'nope') });
    expect(missing.status).toBe(404);
    const stagedJob = await prisma.seedingJob.findFirstOrThrow({ where: { importJobName: 'tar_seed' } });
    const again = await http('POST', `${service?.baseUrl ?? ''}/seeding-jobs/${stagedJob.id}/ingest`, { sourcePath: sourceRoot });
    expect(again.status).toBe(409);
    expect(String(again.body['message'])).toMatch(/is STAGED; an initial ingest can start only while the job is DRAFT/);
    expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } })).state).toBe('DRAFT');
  });
});
