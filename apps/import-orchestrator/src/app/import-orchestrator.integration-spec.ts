import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { DataBoxProvider, ImportExportProvider, verifyBlobs } from '@seedship/azure';
import { DiskPrepJobDrivesReady, ShippingPackageUpdated } from '@seedship/contracts';
import { createPrismaClient, type PrismaClient } from '@seedship/db';
import { JetStreamBus } from '@seedship/messaging';
import { AzureRepositorySource, StagingRepositoryReader, describeTree } from '@seedship/staging-repo';
import {
  type AzureSimProcess,
  type AzuriteProcess,
  type TestDatabase,
  captureLogger,
  createTestDatabase,
  createTestNamespace,
  eventually,
  simControl,
  startAzureSimProcess,
  startAzurite,
  testServices,
} from '@seedship/testing';
import { type FixtureDrive, removeDriveImage } from '@seedship/testing-drives';

import { type OrchestratorProcess, startOrchestratorProcess } from '../test-support/orchestrator-process';
import {
  ACCOUNT,
  CONTAINER,
  RESOURCE_GROUP,
  SUBSCRIPTION,
  changeSource,
  prepareDrives,
  stageJob,
  writeSource,
} from '../test-support/seeding-fixture';

type Provider = 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';

async function http(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each<Provider>(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK'])(
  'import-orchestrator on %s (azure-sim, Azurite, Postgres, NATS)',
  (provider) => {
    let database: TestDatabase;
    let prisma: PrismaClient;
    let azurite: AzuriteProcess;
    let sim: AzureSimProcess;
    let bus: JetStreamBus;
    let container: ContainerClient;
    let work: string;
    let env: Record<string, string>;
    let orchestrator: OrchestratorProcess | undefined;
    const images: FixtureDrive[] = [];
    const masterKey = randomBytes(32).toString('hex');
    const tag = provider === 'IMPORT_EXPORT' ? 'ie' : 'db';

    /** Starts the orchestrator; with crash points it is expected to exit at one of them. */
    const start = async (crashAt: string[] = []): Promise<OrchestratorProcess> => {
      orchestrator = await startOrchestratorProcess({
        ...env,
        ...(crashAt.length > 0 ? { ORCHESTRATOR_CRASH_AT: crashAt.join(',') } : {}),
      });
      return orchestrator;
    };
    /** Waits until the running orchestrator dies at its crash point, then starts the next one. */
    const crashedThenRestart = async (nextCrashAt: string[] = []): Promise<void> => {
      const current = orchestrator;
      if (!current) throw new Error('no orchestrator is running');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        current.exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 120_000))),
      ]);
      clearTimeout(timer);
      if (code !== 86)
        throw new Error(
          `expected the orchestrator to exit at its crash point (86), got ${String(code)}:\n${current.logs().slice(-30).join('\n')}`,
        );
      await start(nextCrashAt);
    };
    const jobState = async (jobId: string): Promise<string> =>
      (await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } })).state;
    const waitForState = (jobId: string, state: string, timeoutMs = 90_000) =>
      eventually(
        async () => {
          const job = await prisma.seedingJob.findUniqueOrThrow({ where: { id: jobId } });
          if (job.state === 'FAILED') throw new Error(`the job FAILED: ${job.failureReason ?? ''}`);
          expect(job.state).toBe(state);
          return job;
        },
        { timeoutMs, description: `job ${jobId} to be ${state}` },
      );

    beforeAll(async () => {
      const { natsUrl } = await testServices();
      database = await createTestDatabase();
      prisma = createPrismaClient(database.url);
      const namespace = createTestNamespace();
      azurite = await startAzurite([ACCOUNT]);
      sim = await startAzureSimProcess({
        AZURE_SIM_BLOB_ENDPOINT: azurite.blobEndpoint,
        AZURE_SIM_STORAGE_ACCOUNTS: azurite.accountsSetting,
        LOG_LEVEL: 'warn',
      });
      bus = await JetStreamBus.connect({
        servers: natsUrl,
        name: 'orchestrator-test',
        namespace,
        logger: captureLogger('test').logger,
      });
      await bus.ensureStreams();
      const blobService = new BlobServiceClient(
        `${azurite.blobEndpoint}/${ACCOUNT}`,
        new StorageSharedKeyCredential(ACCOUNT, azurite.accounts[ACCOUNT] ?? ''),
      );
      container = blobService.getContainerClient(CONTAINER);
      await container.createIfNotExists();
      work = await mkdtemp(join(tmpdir(), `orchestrator-${tag}-`));
      await mkdir(join(work, 'sources'), { recursive: true });
      env = {
        DATABASE_URL: database.url,
        NATS_URL: natsUrl,
        NATS_NAMESPACE: namespace,
        SECRETS_MASTER_KEY: masterKey,
        AZURE_AUTH: 'simulator',
        AZURE_ARM_ENDPOINT: sim.url,
        AZURE_CA_FILE: sim.caFile,
        AZURE_BLOB_ENDPOINT_TEMPLATE: `${azurite.blobEndpoint}/{account}`,
        AZURE_STORAGE_ACCOUNT_KEYS: azurite.accountsSetting,
        RETURN_RECIPIENT_NAME: 'Seedship Ops',
        RETURN_STREET_ADDRESS1: '1 Copy Room Lane',
        RETURN_CITY: 'Redmond',
        RETURN_STATE_OR_PROVINCE: 'WA',
        RETURN_POSTAL_CODE: '98052',
        RETURN_COUNTRY_OR_REGION: 'USA',
        RETURN_COUNTRY_CODE: 'US',
        RETURN_PHONE: '4250000000',
        RETURN_EMAIL: 'ops@seedship.example',
        RETURN_CARRIER_NAME: 'FedEx',
        RETURN_CARRIER_ACCOUNT_NUMBER: '123456789',
        POLL_MIN_INTERVAL_MS: '200',
        POLL_MAX_INTERVAL_MS: '1000',
        POLL_BUDGET_PER_MINUTE: '600',
        RECONCILE_INTERVAL_MS: '200',
        LEASE_MS: '1500',
        DATABOX_CREATE_POLL_MS: '100',
        SOURCE_ROOTS: join(work, 'sources'),
      };
    });

    afterAll(async () => {
      await orchestrator?.stop();
      await bus?.close();
      await sim?.stop();
      await azurite?.stop();
      await prisma?.$disconnect();
      await database?.drop();
      await Promise.all(images.map(removeDriveImage));
      if (work) await rm(work, { recursive: true, force: true });
    });

    afterEach(async () => {
      await orchestrator?.stop();
      orchestrator = undefined;
    });

    it('takes a staged job with prepared drives to SEEDED while restarted in the middle of every step, then goes incremental online', async () => {
      const name = `seed${tag}${randomBytes(3).toString('hex')}`;
      const source = join(work, 'sources', name);
      const staging = join(work, `staging-${name}`);
      await writeSource(source, 1);
      await mkdir(staging, { recursive: true });

      // Planning: the orchestrator dies right after committing the plan.
      await start(['after-plan']);
      const { jobId, manifestId: fullManifest } = await stageJob(prisma, {
        importJobName: name,
        provider,
        source,
        stagingLocation: staging,
        location: 'westus',
      });
      await crashedThenRestart(['after-azure-create']);
      const planned = await waitForState(jobId, 'AWAITING_DRIVES');
      const stagedBytes = (await prisma.stagedBlob.findMany({ where: { jobId } })).reduce(
        (sum, blob) => sum + blob.sizeBytes,
        0n,
      );
      expect(planned.bytesNeedingDrives).toBe(stagedBytes);
      expect(
        await prisma.outboxEvent.count({ where: { subject: 'orchestration.job.drives-planned.v1' } }),
      ).toBe(1);

      // Drives: the agent's rows and event; the orchestrator dies after Azure created the job, before recording it.
      const drives = await prepareDrives(prisma, sim, {
        jobId,
        stagingLocation: staging,
        masterKey,
        storageAccountKey: azurite.accounts[ACCOUNT] ?? '',
        serialPrefix: `${tag.toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}D`,
        driveCount: 2,
      });
      images.push(...drives.images);
      await bus.publish(DiskPrepJobDrivesReady, { jobId, driveIds: drives.driveIds });
      await crashedThenRestart(['after-report-shipped']);
      expect(['DRIVES_READY', 'IMPORT_JOB_CREATED']).toContain(await jobState(jobId));

      // The restarted orchestrator adopts the Azure job instead of failing on it, and publishes where to ship.
      const created = await waitForState(jobId, 'IMPORT_JOB_CREATED');
      expect(created.azureJobResourceId).toContain(name);
      expect(created.datacenterAddress).toMatchObject({ city: 'Santa Clara', countryOrRegion: 'USA' });
      expect(await prisma.outboxEvent.count({ where: { subject: 'orchestration.job.ship-to.v1' } })).toBe(1);

      // Shipping: dies after Azure was told, before recording it; the restart tells Azure again, harmlessly.
      const trackingNumber = `TRK${randomBytes(4).toString('hex').toUpperCase()}`;
      await bus.publish(ShippingPackageUpdated, {
        jobId,
        direction: 'DELIVERY',
        carrierName: 'FedEx',
        trackingNumber,
        driveCount: 2,
        shipDate: '2026-12-01',
      });
      await crashedThenRestart(['after-first-poll']);
      await waitForState(jobId, 'SHIPPING');
      await crashedThenRestart(['mid-verify']);
      const waiting = await http('GET', `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${jobId}/import`);
      expect(waiting.body['statusLine']).toMatch(/Waiting for the Azure import job to complete/);

      // The carrier delivers; the datacenter imports; the orchestrator dies in the middle of verifying.
      await simControl(sim).deliver(trackingNumber);
      await crashedThenRestart(['mid-incremental-upload']);
      await waitForState(jobId, 'SEEDED');
      const tracking = await prisma.importTracking.findUniqueOrThrow({ where: { jobId } });
      const staged = await prisma.stagedBlob.findMany({ where: { jobId } });
      expect(tracking.verifiedBlobs).toBe(staged.length);
      expect(tracking.repairedBlobs).toBe(0);
      const seededEvents = await prisma.outboxEvent.findMany({ where: { subject: 'seeding.job.seeded.v1' } });
      expect(seededEvents.map((event) => event.payload)).toEqual([
        { jobId, verifiedBlobCount: staged.length, verifiedBytes: String(stagedBytes) },
      ]);
      // Every Azure state on the way was stored as it came, mapped, none unknown.
      const observed = await prisma.azureJobStatus.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
      expect(observed.length).toBeGreaterThan(1);
      expect(observed.every((status) => !status.unmapped && status.mappedState !== null)).toBe(true);
      expect(observed.at(-1)?.mappedState).toBe('IMPORT_COMPLETED');
      expect(JSON.stringify(observed.map((status) => status.raw))).not.toMatch(
        /\d{6}-\d{6}-\d{6}-\d{6}-\d{6}-\d{6}-\d{6}-\d{6}/,
      );
      const driveStatuses = await prisma.azureDriveStatus.findMany({ where: { jobId } });
      expect(new Set(driveStatuses.map((status) => status.azureDriveId))).toEqual(
        new Set(drives.images.map((image) => image.driveId)),
      );
      expect(driveStatuses.every((status) => status.driveId !== null)).toBe(true);
      const timeline = await prisma.jobTimelineEntry.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
      expect(timeline.map((entry) => entry.toState)).toEqual(
        expect.arrayContaining([
          'AWAITING_DRIVES',
          'PREPARING_DRIVES',
          'DRIVES_READY',
          'IMPORT_JOB_CREATED',
          'SHIPPING',
          'IMPORT_COMPLETED',
          'VERIFYING',
          'SEEDED',
        ]),
      );

      // The online incremental: only new packs go up; the orchestrator dies after the first upload.
      const packsBefore = new Map<string, string>();
      for await (const blob of container.listBlobsFlat({ prefix: `${name}/packs/` }))
        packsBefore.set(blob.name, blob.properties.etag ?? '');
      await changeSource(source, 2);
      const started = await http(
        'POST',
        `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${jobId}/incrementals`,
        { sourcePath: source },
      );
      expect(started.status).toBe(202);
      const snapshotId = String(started.body['snapshotId']);
      await crashedThenRestart();
      const done = await eventually(
        async () => {
          const upload = await prisma.onlineUpload.findUniqueOrThrow({
            where: { snapshotId },
            include: { snapshot: true },
          });
          if (upload.state === 'FAILED')
            throw new Error(`the incremental failed: ${upload.errorMessage ?? ''}`);
          expect(upload.state).toBe('COMPLETED');
          return upload;
        },
        { timeoutMs: 90_000, description: 'the incremental to be uploaded' },
      );
      const packsAfter = new Map<string, string>();
      for await (const blob of container.listBlobsFlat({ prefix: `${name}/packs/` }))
        packsAfter.set(blob.name, blob.properties.etag ?? '');
      const newPacks = [...packsAfter.keys()].filter((blobName) => !packsBefore.has(blobName));
      const incrementalBlobs = await prisma.stagedBlob.findMany({ where: { snapshotId } });
      const incrementalPacks = incrementalBlobs.filter((blob) => blob.blobName.startsWith(`${name}/packs/`));
      expect(newPacks.length).toBeGreaterThan(0);
      expect(newPacks.sort()).toEqual(incrementalPacks.map((blob) => blob.blobName).sort());
      expect(newPacks.length).toBeLessThan(packsBefore.size);
      // Each new object went up exactly once: the one uploaded before the crash was found in place, not sent again.
      expect(done.packsUploaded).toBe(newPacks.length);
      expect(done.objectsUploaded).toBe(incrementalBlobs.length);
      expect(done.objectsAlreadyPresent).toBe(1);
      // The seed's packs were not touched.
      for (const [blobName, etag] of packsBefore)
        expect([blobName, packsAfter.get(blobName)]).toEqual([blobName, etag]);

      // A restore from Azurite matches the changed source byte for byte.
      const target = join(work, `restore-${name}`);
      const reader = await StagingRepositoryReader.open(new AzureRepositorySource(container, name));
      expect(done.snapshot.manifestId).not.toBe(fullManifest);
      await reader.restore(done.snapshot.manifestId ?? '', target);
      const expectedTree = await describeTree(source);
      const restoredTree = await describeTree(target);
      expect(
        [...restoredTree.entries()].map(([path, description]) => [
          path,
          description.replace(/ \d+ ([0-9a-f]{64})$/, ' $1'),
        ]),
      ).toEqual(
        [...expectedTree.entries()].map(([path, description]) => [
          path,
          description.replace(/ \d+ ([0-9a-f]{64})$/, ' $1'),
        ]),
      );
    });

    it('repairs a CompletedMoreInfo import online (a corrupt block on a drive), restarted mid-repair, then SEEDED', async () => {
      await start(['mid-repair']);
      const name = `fix${tag}${randomBytes(3).toString('hex')}`;
      const source = join(work, 'sources', name);
      const staging = join(work, `staging-${name}`);
      await writeSource(source, 3);
      await mkdir(staging, { recursive: true });
      const { jobId } = await stageJob(prisma, {
        importJobName: name,
        provider,
        source,
        stagingLocation: staging,
        location: 'westeurope',
      });
      await waitForState(jobId, 'AWAITING_DRIVES');
      const drives = await prepareDrives(prisma, sim, {
        jobId,
        stagingLocation: staging,
        masterKey,
        storageAccountKey: azurite.accounts[ACCOUNT] ?? '',
        serialPrefix: `FX${tag.toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}D`,
        driveCount: 1,
      });
      images.push(...drives.images);
      const packs = (
        await prisma.stagedBlob.findMany({ where: { jobId }, orderBy: { blobName: 'asc' } })
      ).filter((blob) => blob.blobName.includes('/packs/'));
      const damaged = packs[0]?.blobName ?? '';
      await simControl(sim).setFaults(drives.images[0]?.driveId ?? '', {
        corruptBlockOfBlob: `${CONTAINER}/${damaged}`,
      });
      await bus.publish(DiskPrepJobDrivesReady, { jobId, driveIds: drives.driveIds });
      await waitForState(jobId, 'IMPORT_JOB_CREATED');
      const trackingNumber = `TRK${randomBytes(4).toString('hex').toUpperCase()}`;
      await bus.publish(ShippingPackageUpdated, {
        jobId,
        direction: 'DELIVERY',
        carrierName: 'UPS',
        trackingNumber,
      });
      await waitForState(jobId, 'SHIPPING');
      await simControl(sim).deliver(trackingNumber);
      await crashedThenRestart();
      await waitForState(jobId, 'SEEDED');

      const tracking = await prisma.importTracking.findUniqueOrThrow({ where: { jobId } });
      expect(tracking.completedWithProblems).toBe(true);
      expect(tracking.repairedBlobs).toBeGreaterThanOrEqual(1);
      const driveStatus = await prisma.azureDriveStatus.findFirstOrThrow({
        where: { jobId },
        orderBy: { id: 'desc' },
      });
      if (provider === 'IMPORT_EXPORT') expect(driveStatus.azureState).toBe('CompletedMoreInfo');
      else expect(driveStatus.copyStatus).toBe('CompletedWithErrors');
      expect(driveStatus.errorLogUri).toMatch(/waimportexport|error/i);
      // Independently of the orchestrator: every staged blob is now in the account with its length and MD5.
      const staged = await prisma.stagedBlob.findMany({
        where: { jobId },
        select: { blobName: true, sizeBytes: true, md5: true },
      });
      const check = await verifyBlobs(container, staged, [`${name}/`]);
      expect(check.problems).toEqual([]);
      expect(check.verifiedBlobs).toBe(staged.length);
      const status = await http('GET', `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${jobId}/import`);
      expect(status.body).toMatchObject({
        state: 'SEEDED',
        repairedBlobs: tracking.repairedBlobs,
        completedWithProblems: true,
      });
      // The error log's contents are surfaced: it names the corrupted blob.
      const reported = status.body['drives'] as Array<{ errorLogExcerpt: string | null }>;
      expect(reported[0]?.errorLogExcerpt).toContain(damaged);
      expect(reported[0]?.errorLogExcerpt).toContain('Corrupted');
    });

    it('cancels the Azure job and the job before the drives ship; a seeded job cannot be cancelled', async () => {
      await start();
      const name = `cx${tag}${randomBytes(3).toString('hex')}`;
      const source = join(work, 'sources', name);
      const staging = join(work, `staging-${name}`);
      await writeSource(source, 5);
      await mkdir(staging, { recursive: true });
      const { jobId } = await stageJob(prisma, {
        importJobName: name,
        provider,
        source,
        stagingLocation: staging,
        location: 'eastus',
      });
      await waitForState(jobId, 'AWAITING_DRIVES');
      const drives = await prepareDrives(prisma, sim, {
        jobId,
        stagingLocation: staging,
        masterKey,
        storageAccountKey: azurite.accounts[ACCOUNT] ?? '',
        serialPrefix: `CX${tag.toUpperCase()}${randomBytes(2).toString('hex').toUpperCase()}D`,
        driveCount: 1,
      });
      images.push(...drives.images);
      await bus.publish(DiskPrepJobDrivesReady, { jobId, driveIds: drives.driveIds });
      await waitForState(jobId, 'IMPORT_JOB_CREATED');

      const refused = await http('POST', `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${jobId}/cancel`, {});
      expect(refused.status).toBe(400);
      expect(String(refused.body['message'])).toContain('reason');
      const accepted = await http('POST', `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${jobId}/cancel`, {
        reason: 'wrong storage account',
      });
      expect(accepted.status).toBe(202);
      await waitForState(jobId, 'CANCELLED');
      const azureJob = await new (provider === 'IMPORT_EXPORT' ? ImportExportProvider : DataBoxProvider)({
        credential: {
          getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }),
        },
        endpoint: sim.url,
        caPem: sim.caPem,
      }).getJob({
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        jobName: name,
      });
      expect(azureJob?.cancelRequested).toBe(true);

      const seeded = await prisma.seedingJob.findFirstOrThrow({ where: { state: 'SEEDED', provider } });
      const late = await http('POST', `${orchestrator?.baseUrl ?? ''}/seeding-jobs/${seeded.id}/cancel`, {
        reason: 'too late',
      });
      expect(late.status).toBe(409);
      expect(String(late.body['message'])).toMatch(
        /SEEDED; it can be cancelled only before Azure has its drives/,
      );
      expect((await prisma.seedingJob.findUniqueOrThrow({ where: { id: seeded.id } })).state).toBe('SEEDED');
    });
  },
);
