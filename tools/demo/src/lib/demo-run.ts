import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { Client } from 'pg';

import { applyMigrations } from '@seedship/db';
import { TrackingNumber } from '@seedship/domain';
import { AzureRepositorySource, StagingRepositoryReader, describeTree, generateCorpus, textBytes } from '@seedship/staging-repo';
import {
  type AzureSimProcess,
  type AzuriteProcess,
  WORKSPACE_ROOT,
  simControl,
  startAzureSimProcess,
  startAzurite,
  startDevServices,
} from '@seedship/testing';

import { type SimulatedDrive, insertSimulatedDrive, planSimulatedDrives, pullSimulatedDrive, removeSimulatedDrive } from './drives';
import { type StepResult, formatBytes, formatDuration, renderSummary } from './format';
import { api } from './http';
import { PollAbort, pollUntil } from './poll';
import { type DemoOptions } from './options';
import { type DemoService, startDemoService } from './processes';
import { ProgressBar } from './progress';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const ACCOUNT = 'seeddemo';
const CONTAINER = 'seed';
const SUBSCRIPTION = '00000000-0000-4000-8000-00000000dead';
const RESOURCE_GROUP = 'seedship-demo-rg';
const LOCATION = 'westus';
const AGENT_ENTRY = 'apps/disk-prep-agent/src/main.ts';

/** Every step the demo runs, in order; the summary lists each and the end-to-end test checks them all. */
export const DEMO_STEPS = [
  'start services',
  'sample data set',
  'create job',
  'stage (ingest)',
  'plan drives',
  'prepare drives',
  'import job created',
  'ship (seedship ship update)',
  'deliver to datacenter',
  'import completed',
  'verify every blob (SEEDED)',
  'online incremental',
  'restore and compare',
] as const;
export type DemoStep = (typeof DEMO_STEPS)[number];

interface JobView {
  readonly id: string;
  readonly state: string;
  readonly importJobName: string;
  readonly bytesNeedingDrives: string;
  readonly failureReason: string | null;
}

interface DriveView {
  readonly id: string;
  readonly serialNumber: string;
  readonly state: string;
  readonly stateReason: string | null;
  readonly jobId: string | null;
  readonly bytesPlanned: string | null;
  readonly bytesWritten: string | null;
}

class StepFailed extends Error {}

/** Runs the whole demo; resolves with the process exit code (0 only when every step and check passed). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const note = (line: string): void => void process.stderr.write(`${line}\n`);
  const runId = randomBytes(3).toString('hex');
  const runDir = await mkdtemp(join(tmpdir(), `seedship-demo-${runId}-`));
  const dirs = {
    logs: join(runDir, 'logs'),
    sources: join(runDir, 'sources'),
    staging: join(runDir, 'staging'),
    bays: join(runDir, 'bays'),
    scratch: join(runDir, 'scratch'),
    restore: join(runDir, 'restore'),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  out(`Seedship demo ${runId}: run directory ${runDir} (service logs in ${dirs.logs})`);

  const steps: StepResult[] = [];
  const services: DemoService[] = [];
  const drives: SimulatedDrive[] = [];
  let azurite: AzuriteProcess | undefined;
  let sim: AzureSimProcess | undefined;
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let restoreMatched = false;
  let cleanedUp = false;

  let stopped = false;
  const stopProcesses = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const service of [...services].reverse()) await service.process.stop().catch(() => undefined);
    if (sim) await writeFile(join(dirs.logs, 'azure-sim.log'), sim.logs().join('\n')).catch(() => undefined);
    await sim?.stop().catch(() => undefined);
    await azurite?.stop().catch(() => undefined);
  };
  const cleanup = async (): Promise<void> => {
    if (cleanedUp) return;
    cleanedUp = true;
    await stopProcesses();
    for (const drive of drives) await removeSimulatedDrive(drive).catch(() => undefined);
    await database?.drop().catch(() => undefined);
  };
  // Ctrl-C: without --keep everything is cleaned up; with it only the processes stop (drives, images and database stay).
  const onSignal = (): void => {
    note(options.keep ? '\nstopping the services (--keep: drives, images and the database stay)' : '\ninterrupted: cleaning up');
    void (options.keep ? stopProcesses() : cleanup()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const step = async <T>(name: DemoStep, work: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    note(`\n== ${name}`);
    const started = Date.now();
    try {
      const { value, detail } = await work();
      steps.push({ step: name, ms: Date.now() - started, ok: true, detail });
      note(`   ${detail} (${formatDuration(Date.now() - started)})`);
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      steps.push({ step: name, ms: Date.now() - started, ok: false, detail: message.split('\n')[0]?.slice(0, 200) ?? '' });
      note(`   FAILED: ${message}`);
      throw new StepFailed(message);
    }
  };

  const masterKey = randomBytes(32).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const namespace = `demo-${runId}`;
  let blobContainer: ContainerClient | undefined;
  const url: Record<'staging' | 'orchestrator' | 'shipping' | 'console', string> = { staging: '', orchestrator: '', shipping: '', console: '' };

  const stagedBlobs = async (jobId: string): Promise<{ blobName: string; sizeBytes: string }[]> =>
    (await api<{ blobs: { blobName: string; sizeBytes: string }[] }>('GET', `${url.staging}/seeding-jobs/${jobId}/staged-blobs`)).blobs;
  const jobView = (jobId: string): Promise<JobView> => api<JobView>('GET', `${url.staging}/seeding-jobs/${jobId}`);
  /** Polls the job until it reaches one of `states`; FAILED or CANCELLED end the wait at once with the reason. */
  const waitForJob = (jobId: string, states: readonly string[], timeoutMs: number, onPoll?: () => Promise<void>): Promise<JobView> =>
    pollUntil(
      async () => {
        await onPoll?.();
        const job = await jobView(jobId);
        if (job.state === 'FAILED' || job.state === 'CANCELLED') throw new PollAbort(`the job is ${job.state}: ${job.failureReason ?? 'no reason recorded'}`);
        if (!states.includes(job.state)) throw new Error(`the job is ${job.state}`);
        return job;
      },
      { timeoutMs, description: `the job to be ${states.join(' or ')}` },
    );

  let exitCode = 1;
  try {
    // 1. Postgres, NATS, a database and a namespace of our own, Azurite, azure-sim, every service.
    await step('start services', async () => {
      const dev = await startDevServices();
      const name = `seedship_demo_${runId}`;
      await withAdmin(dev.databaseUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
      const dbUrl = new URL(dev.databaseUrl);
      dbUrl.pathname = `/${name}`;
      database = { url: dbUrl.toString(), drop: () => withAdmin(dev.databaseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
      await applyMigrations({ connectionString: database.url });
      azurite = await startAzurite([ACCOUNT]);
      sim = await startAzureSimProcess({ AZURE_SIM_BLOB_ENDPOINT: azurite.blobEndpoint, AZURE_SIM_STORAGE_ACCOUNTS: azurite.accountsSetting, LOG_LEVEL: 'info' });
      const accountKey = azurite.accounts[ACCOUNT] ?? '';
      blobContainer = new BlobServiceClient(`${azurite.blobEndpoint}/${ACCOUNT}`, new StorageSharedKeyCredential(ACCOUNT, accountKey)).getContainerClient(CONTAINER);
      // The customer's storage account exists before an import is ordered; its container is theirs to make.
      await blobContainer.createIfNotExists();
      const common = { DATABASE_URL: database.url, NATS_URL: dev.natsUrl, NATS_NAMESPACE: namespace, LOG_LEVEL: 'info' };
      const packTargetBytes = Math.max(MiB, Math.min(32 * MiB, Math.floor((options.sizeMiB * MiB) / 12)));
      const start = async (name: string, entry: string, env: Record<string, string>): Promise<DemoService> => {
        const service = await startDemoService({ name, entry, listeningMessage: `${name} listening`, env: { ...common, ...env }, logDir: dirs.logs });
        services.push(service);
        return service;
      };
      url.staging = (
        await start('staging-ingest', 'apps/staging-ingest/src/main.ts', {
          SOURCE_ROOTS: dirs.sources,
          STAGING_RESERVE_BYTES: '0',
          PROGRESS_INTERVAL_MS: '250',
          PACK_TARGET_BYTES: String(packTargetBytes),
          DEFAULT_IMPORT_PROVIDER: options.provider,
        })
      ).baseUrl;
      url.orchestrator = (
        await start('import-orchestrator', 'apps/import-orchestrator/src/main.ts', {
          SECRETS_MASTER_KEY: masterKey,
          AZURE_AUTH: 'simulator',
          AZURE_ARM_ENDPOINT: sim.url,
          AZURE_CA_FILE: sim.caFile,
          AZURE_BLOB_ENDPOINT_TEMPLATE: `${azurite.blobEndpoint}/{account}`,
          AZURE_STORAGE_ACCOUNT_KEYS: azurite.accountsSetting,
          RETURN_RECIPIENT_NAME: 'Seedship Demo Ops',
          RETURN_STREET_ADDRESS1: '1 Copy Room Lane',
          RETURN_CITY: 'Redmond',
          RETURN_STATE_OR_PROVINCE: 'WA',
          RETURN_POSTAL_CODE: '98052',
          RETURN_COUNTRY_OR_REGION: 'USA',
          RETURN_COUNTRY_CODE: 'US',
          RETURN_PHONE: '4250000000',
          RETURN_EMAIL: 'ops@seedship.example',
          RETURN_CARRIER_NAME: 'UPS',
          RETURN_CARRIER_ACCOUNT_NUMBER: 'DEMO1234',
          POLL_MIN_INTERVAL_MS: '300',
          POLL_MAX_INTERVAL_MS: '1500',
          POLL_BUDGET_PER_MINUTE: '600',
          RECONCILE_INTERVAL_MS: '300',
          DATABOX_CREATE_POLL_MS: '200',
          SOURCE_ROOTS: dirs.sources,
        })
      ).baseUrl;
      url.shipping = (await start('shipping-tracker', 'apps/shipping-tracker/src/main.ts', {})).baseUrl;
      const webRoot = join(WORKSPACE_ROOT, 'dist/apps/ops-console/web');
      if (!(await access(join(webRoot, 'index.html')).then(() => true, () => false))) {
        note('   building the ops console web UI (vite build)');
        await run(join(WORKSPACE_ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'apps/ops-console/web/vite.config.mts'], { cwd: WORKSPACE_ROOT });
      }
      url.console = (
        await start('ops-console', 'apps/ops-console/src/main.ts', {
          CONSOLE_TOKENS: `demo-admin:admin:${createHash('sha256').update(adminToken).digest('hex')}`,
          SECRETS_MASTER_KEY: masterKey,
          SESSION_COOKIE_SECURE: 'false',
          WEB_ROOT: webRoot,
        })
      ).baseUrl;
      const agentBuilt = await access(join(WORKSPACE_ROOT, AGENT_ENTRY)).then(
        () => true,
        () => false,
      );
      if (agentBuilt) {
        await start('disk-prep-agent', AGENT_ENTRY, {
          NODE_NAME: `demo-copy-node-${runId}`,
          SECRETS_MASTER_KEY: masterKey,
          STORAGE_ACCOUNT_KEYS: JSON.stringify({ [ACCOUNT]: accountKey }),
          ALLOW_LOOP_DEVICES: 'true',
          LOOP_BACKING_DIR: dirs.bays,
          SCRATCH_DIR: dirs.scratch,
          SCAN_INTERVAL_MS: '500',
          PROGRESS_INTERVAL_MS: '500',
          KUBERNETES: 'off',
        });
      }
      out(`Ops console: ${url.console}  (admin token: ${adminToken}; sign in with it, or SEEDSHIP_TOKEN=${adminToken} npm run seedship -- --console-url ${url.console} status)`);
      return {
        value: undefined,
        detail: `Postgres db ${name}, NATS namespace ${namespace}, Azurite, azure-sim ${sim.url}, ${services.map((service) => service.name).join(', ')}${agentBuilt ? '' : ' (disk-prep-agent not built)'}`,
      };
    });

    // 2. The data set: a generated sample, or a copy of --source (the demo changes it later).
    const source = join(dirs.sources, 'sample');
    await step('sample data set', async () => {
      if (options.source) {
        const info = await stat(options.source).catch(() => undefined);
        if (!info?.isDirectory()) throw new Error(`--source ${options.source} is not a directory.`);
        await cp(options.source, source, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        const tree = await describeTree(source);
        return { value: undefined, detail: `copy of ${options.source}: ${tree.size} entries` };
      }
      const total = options.sizeMiB * MiB;
      const smallFiles = Math.min(400, Math.max(60, Math.floor(total / (64 * 1024))));
      const smallBytes = smallFiles * 10_000;
      const largeFiles = Math.max(2, Math.ceil((total - smallBytes) / (16 * MiB)));
      const written = await generateCorpus(source, { smallFiles, largeFiles, largeFileBytes: Math.floor((total - smallBytes) / largeFiles), duplicates: 10 });
      return { value: undefined, detail: `${written.files} files, ${formatBytes(written.bytes)} in ${source}` };
    });

    // 3. The job, through staging-ingest's API.
    // Underscore, not hyphen: azure-sim's Data Box API takes only letters, digits and underscores.
    const importJobName = `demo_${runId}`;
    const job = await step('create job', async () => {
      const created = await api<JobView>('POST', `${url.staging}/seeding-jobs`, {
        body: {
          importJobName,
          provider: options.provider,
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          storageAccount: ACCOUNT,
          container: CONTAINER,
          location: LOCATION,
          stagingLocation: dirs.staging,
        },
      });
      return { value: created, detail: `job ${created.id} (${importJobName}, ${options.provider}, ${LOCATION}) is ${created.state}` };
    });

    // 4. Ingest the source into the job's staging repository.
    await step('stage (ingest)', async () => {
      await api('POST', `${url.staging}/seeding-jobs/${job.id}/ingest`, { body: { sourcePath: source } });
      const bar = new ProgressBar('   staging');
      let last = { bytesDone: '0', bytesTotal: '0' };
      const staged = await waitForJob(job.id, ['STAGED', 'AWAITING_DRIVES', 'PREPARING_DRIVES'], 30 * 60_000, async () => {
        const ingest = await api<{ bytesDone: string; bytesTotal: string | null; bytesPerSecond: number; state: string; errorMessage?: string | null }>(
          'GET',
          `${url.staging}/seeding-jobs/${job.id}/ingest`,
        );
        if (ingest.state === 'FAILED') throw new PollAbort(`the ingest failed: ${ingest.errorMessage ?? ''}`);
        last = { bytesDone: ingest.bytesDone, bytesTotal: ingest.bytesTotal ?? '0' };
        bar.update({ done: Number(ingest.bytesDone), total: Number(ingest.bytesTotal ?? 0), bytesPerSecond: ingest.bytesPerSecond });
      });
      bar.finish();
      const blobs = await stagedBlobs(job.id);
      const stagedBytes = blobs.reduce((sum, blob) => sum + Number(blob.sizeBytes), 0);
      return { value: staged, detail: `${formatBytes(Number(last.bytesDone))} read, ${blobs.length} blobs staged (${formatBytes(stagedBytes)}); job ${staged.state}` };
    });

    // 5. The orchestrator plans: STAGED -> AWAITING_DRIVES with the bytes that need drives.
    const planned = await step('plan drives', async () => {
      const waiting = await waitForJob(job.id, ['AWAITING_DRIVES', 'PREPARING_DRIVES'], 120_000);
      return { value: waiting, detail: `${waiting.state}: ${formatBytes(Number(waiting.bytesNeedingDrives))} need drives` };
    });

    // 6. Insert blank drives; the disk-prep agent claims, fills and verifies them.
    const readyDrives = await step('prepare drives', async () => {
      if (!services.some((service) => service.name === 'disk-prep-agent')) {
        throw new Error(`disk-prep-agent not built: ${AGENT_ENTRY} does not exist on this branch, so no drive can be prepared (no step is faked).`);
      }
      const blobs = await stagedBlobs(job.id);
      const stagedBytes = Number(planned.bytesNeedingDrives);
      const plan = planSimulatedDrives(stagedBytes, Math.max(...blobs.map((blob) => Number(blob.sizeBytes))));
      note(`   inserting ${plan.count} blank drives of ${formatBytes(plan.sizeBytes)} (${formatBytes(plan.usableBytes)} usable each) for ${formatBytes(stagedBytes)}`);
      for (let index = 1; index <= plan.count; index += 1) {
        drives.push(await insertSimulatedDrive(dirs.bays, `DEMO${runId.toUpperCase()}D${index}`, plan.sizeBytes));
      }
      const bar = new ProgressBar('   writing drives');
      let previous = { at: Date.now(), written: 0 };
      let rate = 0;
      await waitForJob(job.id, ['DRIVES_READY', 'IMPORT_JOB_CREATED', 'SHIPPING'], 30 * 60_000, async () => {
        // A drive of ours the agent refused or failed will not become ready: say why at once.
        const all = await api<{ items: DriveView[] }>('GET', `${url.console}/api/drives?limit=500`, { token: adminToken });
        for (const drive of all.items) {
          if (drives.some((inserted) => inserted.serial === drive.serialNumber) && ['REJECTED', 'FAILED', 'NEEDS_WIPE_CONFIRMATION', 'REMOVED'].includes(drive.state)) {
            throw new PollAbort(`drive ${drive.serialNumber} is ${drive.state}: ${drive.stateReason ?? 'no reason given'}`);
          }
        }
        const page = await api<{ items: DriveView[] }>('GET', `${url.console}/api/drives?jobId=${job.id}&limit=500`, { token: adminToken });
        const written = page.items.reduce((sum, drive) => sum + Number(drive.bytesWritten ?? 0), 0);
        const plannedBytes = page.items.reduce((sum, drive) => sum + Number(drive.bytesPlanned ?? 0), 0);
        const now = Date.now();
        if (now - previous.at >= 1000) {
          rate = ((written - previous.written) * 1000) / (now - previous.at);
          previous = { at: now, written };
        }
        // Written bytes include the drive's own structures (NTFS, manifest), so they may pass the planned blob bytes.
        bar.update({ done: written, total: Math.max(plannedBytes, stagedBytes, written), bytesPerSecond: rate });
      });
      bar.finish();
      const page = await api<{ items: DriveView[] }>('GET', `${url.console}/api/drives?jobId=${job.id}&limit=500`, { token: adminToken });
      const ready = page.items.filter((drive) => drive.state === 'READY' || drive.state === 'SHIPPED');
      if (ready.length < 2) throw new Error(`expected the job to span at least two drives, but ${ready.length} are ready: ${JSON.stringify(page.items)}`);
      for (const drive of ready) {
        if (!drives.some((inserted) => inserted.serial === drive.serialNumber)) throw new Error(`drive ${drive.serialNumber} is not one the demo inserted`);
      }
      return { value: ready, detail: `${ready.length} drives READY: ${ready.map((drive) => `${drive.serialNumber} ${formatBytes(Number(drive.bytesWritten ?? 0))}`).join(', ')}` };
    });

    // 7. drives-ready -> the orchestrator creates the Azure job and learns the datacenter's address.
    const address = await step('import job created', async () => {
      await waitForJob(job.id, ['IMPORT_JOB_CREATED', 'SHIPPING'], 180_000);
      const view = await api<{ azureJobResourceId: string | null; datacenterAddress: Record<string, unknown> | null }>('GET', `${url.orchestrator}/seeding-jobs/${job.id}/import`);
      const where = view.datacenterAddress ?? {};
      const lines = ['recipientName', 'streetAddress1', 'streetAddress2', 'city', 'stateOrProvince', 'postalCode', 'countryOrRegion', 'phone']
        .map((key) => where[key])
        .filter((value): value is string => typeof value === 'string' && value.length > 0);
      out(`Ship the drives to:\n  ${lines.join('\n  ')}\n  carriers: ${JSON.stringify(where['supportedCarriers'] ?? [])}`);
      return { value: where, detail: `Azure job ${view.azureJobResourceId ?? '?'}; ship to ${typeof where['city'] === 'string' ? where['city'] : '?'}` };
    });

    // 8. Shipping through the CLI, as an operator would enter it (a UPS number with a valid check digit).
    const trackingNumber = upsTrackingNumber();
    await step('ship (seedship ship update)', async () => {
      const carriers = Array.isArray(address['supportedCarriers']) ? address['supportedCarriers'].map(String) : [];
      if (!carriers.includes('UPS')) throw new Error(`the datacenter does not list UPS among its carriers (${carriers.join(', ')})`);
      const shipDate = new Date().toISOString().slice(0, 10);
      const args = ['ship', 'update', '--job', job.id, '--carrier', 'UPS', '--tracking-number', trackingNumber, '--drives', String(readyDrives.length), '--ship-date', shipDate, '--return-carrier', 'UPS', '--return-account', 'DEMO1234', '--yes'];
      const cli = await runCli(args, { SEEDSHIP_API_URL: url.shipping, SEEDSHIP_USER: 'demo', SEEDSHIP_CONSOLE_URL: url.console });
      await writeFile(join(dirs.logs, 'seedship-ship-update.log'), `$ seedship ${args.join(' ')}\n${cli.output}`);
      if (cli.code !== 0) throw new Error(`seedship ship update exited with ${cli.code}:\n${cli.output}`);
      const shipping = await waitForJob(job.id, ['SHIPPING', 'RECEIVED', 'IMPORTING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED'], 120_000);
      return { value: undefined, detail: `UPS ${trackingNumber}, ${readyDrives.length} drives, shipped ${shipDate}; job ${shipping.state}` };
    });

    // 9. The carrier delivers: the drives are pulled (loop devices detached) and their images reach the datacenter.
    await step('deliver to datacenter', async () => {
      if (!sim) throw new Error('azure-sim is not running');
      const control = simControl(sim);
      for (const drive of readyDrives) {
        const inserted = drives.find((candidate) => candidate.serial === drive.serialNumber);
        if (!inserted) throw new Error(`no image for drive ${drive.serialNumber}`);
        await pullSimulatedDrive(inserted);
        await control.registerDrive(drive.serialNumber, inserted.imagePath);
      }
      await control.deliver(trackingNumber);
      return { value: undefined, detail: `${readyDrives.length} drive images registered with azure-sim's datacenter, package ${trackingNumber} delivered` };
    });

    // 10 and 11. Azure imports; the orchestrator verifies every blob and marks the job SEEDED.
    const blobCount = (await stagedBlobs(job.id)).length;
    await step('import completed', async () => {
      const bar = new ProgressBar('   importing');
      await waitForJob(job.id, ['IMPORT_COMPLETED', 'VERIFYING', 'SEEDED'], 30 * 60_000, async () => {
        const view = await api<{ drives: { bytesSucceeded: string | null }[] }>('GET', `${url.orchestrator}/seeding-jobs/${job.id}/import`);
        const done = view.drives.reduce((sum, drive) => sum + Number(drive.bytesSucceeded ?? 0), 0);
        bar.update({ done, total: Number(planned.bytesNeedingDrives), bytesPerSecond: 0 });
      });
      bar.finish();
      const timeline = await api<{ items: { toState: string }[] }>('GET', `${url.console}/api/jobs/${job.id}/timeline`, { token: adminToken });
      // The console lists the newest first; show the states in the order they came.
      const states = timeline.items.map((entry) => entry.toState).filter((state) => typeof state === 'string' && state.length > 0).reverse();
      if (!states.includes('IMPORT_COMPLETED')) throw new Error(`the timeline has no IMPORT_COMPLETED: ${states.join(' -> ')}`);
      return { value: undefined, detail: `Azure reports the import complete; the job went ${states.join(' -> ')}` };
    });
    await step('verify every blob (SEEDED)', async () => {
      const bar = new ProgressBar('   verifying');
      await waitForJob(job.id, ['SEEDED'], 30 * 60_000, async () => {
        const view = await api<{ verifiedBytes: string }>('GET', `${url.orchestrator}/seeding-jobs/${job.id}/import`);
        bar.update({ done: Number(view.verifiedBytes), total: Number(planned.bytesNeedingDrives), bytesPerSecond: 0 });
      });
      bar.finish();
      const view = await api<{ verifiedBlobs: number; verifiedBytes: string; repairedBlobs: number }>('GET', `${url.orchestrator}/seeding-jobs/${job.id}/import`);
      if (view.verifiedBlobs !== blobCount) throw new Error(`the orchestrator verified ${view.verifiedBlobs} blobs of ${blobCount} staged`);
      return { value: undefined, detail: `SEEDED: ${view.verifiedBlobs}/${blobCount} blobs verified by length and MD5 (${formatBytes(Number(view.verifiedBytes))}), ${view.repairedBlobs} repaired` };
    });

    // 12. A day of changes, then an online incremental through the orchestrator's API.
    const incremental = await step('online incremental', async () => {
      const change = await changeSource(source);
      const started = await api<{ snapshotId: string }>('POST', `${url.orchestrator}/seeding-jobs/${job.id}/incrementals`, { body: { sourcePath: source }, expect: [202] });
      const bar = new ProgressBar('   uploading');
      const done = await pollUntil(
        async () => {
          const view = await api<{ state: string; bytesUploaded: string; bytesTotal: string; bytesPerSecond: number; errorMessage: string | null; manifestId: string | null; objectsUploaded: number; objectsAlreadyPresent: number }>(
            'GET',
            `${url.orchestrator}/seeding-jobs/${job.id}/incrementals/${started.snapshotId}`,
          );
          if (view.state === 'FAILED') throw new PollAbort(`the incremental failed: ${view.errorMessage ?? ''}`);
          // The total is known once the incremental snapshot is sealed.
          if (Number(view.bytesTotal) > 0) bar.update({ done: Number(view.bytesUploaded), total: Number(view.bytesTotal), bytesPerSecond: view.bytesPerSecond });
          if (view.state !== 'COMPLETED') throw new Error(`the incremental is ${view.state}`);
          return view;
        },
        { timeoutMs: 30 * 60_000, description: 'the incremental to complete' },
      );
      bar.finish();
      if (!done.manifestId) throw new Error('the completed incremental has no manifest');
      return { value: done, detail: `${change}; ${done.objectsUploaded} objects uploaded (${formatBytes(Number(done.bytesUploaded))}), ${done.objectsAlreadyPresent} already there` };
    });

    // 13. Restore the incremental from the storage account and compare with the changed source.
    await step('restore and compare', async () => {
      if (!blobContainer) throw new Error('no container');
      const reader = await StagingRepositoryReader.open(new AzureRepositorySource(blobContainer, importJobName));
      await reader.restore(incremental.manifestId ?? '', dirs.restore);
      const expected = withoutMtimes(await describeTree(source));
      const restored = withoutMtimes(await describeTree(dirs.restore));
      const differences = compareTrees(expected, restored);
      if (differences.length > 0) throw new Error(`the restore differs from the source in ${differences.length} entries: ${differences.slice(0, 5).join('; ')}`);
      restoreMatched = true;
      const files = [...expected.values()].filter((entry) => entry.startsWith('file ')).length;
      return { value: undefined, detail: `${files} files and ${expected.size - files} other entries restored from Azurite equal the changed source byte for byte` };
    });
    exitCode = 0;
  } catch (error) {
    if (!(error instanceof StepFailed)) {
      note(`demo error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    exitCode = 1;
  } finally {
    for (const name of DEMO_STEPS) {
      if (!steps.some((done) => done.step === name)) steps.push({ step: name, ms: 0, ok: false, detail: 'not run' });
    }
    const allOk = steps.every((done) => done.ok) && restoreMatched;
    if (!allOk) exitCode = 1;
    out('\nSummary');
    out(
      renderSummary(steps, [
        ['restore matched', restoreMatched ? 'yes' : 'no'],
        ['result', allOk ? 'every step passed' : 'FAILED'],
        ['ops console', url.console ? `${url.console} (admin token ${adminToken})` : 'not started'],
        ['logs', dirs.logs],
      ]),
    );
    if (options.keep) {
      out(exitCode === 0 ? `\n--keep: everything is left running and in place (run directory ${runDir}, database ${database?.url ?? '-'}); Ctrl-C stops the services.` : `\n--keep: the services are stopped (the run failed); the drives' images, the run directory ${runDir} and the database stay.`);
    } else {
      await cleanup();
      if (exitCode === 0) await rm(runDir, { recursive: true, force: true });
      else {
        // Keep only the logs of a failed run, to read what went wrong.
        for (const entry of await readdir(runDir)) if (entry !== 'logs') await rm(join(runDir, entry), { recursive: true, force: true });
        out(`logs kept in ${dirs.logs}`);
      }
    }
    if (!options.keep || exitCode !== 0) {
      if (options.keep) await stopProcesses();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  return exitCode;
}

async function withAdmin<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A UPS number (1Z + 15 random characters + the check digit) that passes the carrier's published rule. */
export function upsTrackingNumber(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
  const body = [...randomBytes(15)].map((byte) => alphabet[byte % alphabet.length] ?? '0').join('');
  for (let digit = 0; digit <= 9; digit += 1) {
    const candidate = `1Z${body}${digit}`;
    try {
      TrackingNumber.parse('UPS', candidate);
      return candidate;
    } catch {
      // not this check digit
    }
  }
  throw new Error(`no check digit makes 1Z${body} a valid UPS tracking number`);
}

/** Changes the source as a day of work would: one file rewritten, one added, one removed. */
async function changeSource(root: string): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(root);
  const [rewritten, removed] = [files[0], files[files.length - 1]];
  if (rewritten) await writeFile(rewritten, Buffer.concat([randomBytes(256 * 1024), textBytes(128 * 1024, 77)]));
  await mkdir(join(root, 'added-by-demo'), { recursive: true });
  await writeFile(join(root, 'added-by-demo', 'new-file.bin'), randomBytes(512 * 1024));
  if (removed && removed !== rewritten) await rm(removed);
  return `changed ${files.length > 0 ? 1 : 0}, added 1, removed ${removed && removed !== rewritten ? 1 : 0} file(s)`;
}

/** describeTree entries without modification times (a restore sets file contents, sizes and modes). */
function withoutMtimes(tree: Map<string, string>): Map<string, string> {
  return new Map([...tree].map(([path, description]) => [path, description.replace(/^(file \d+ [0-7]+) \d+ ([0-9a-f]{64})$/, '$1 $2')]));
}

function compareTrees(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [path, description] of expected) {
    const got = actual.get(path);
    if (got === undefined) differences.push(`${path} missing`);
    else if (got !== description) differences.push(`${path}: expected ${description}, restored ${got}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) differences.push(`${path} not in the source`);
  return differences;
}

/** Runs the seedship CLI from this checkout (apps/cli/bin/seedship) and collects its output. */
function runCli(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(WORKSPACE_ROOT, 'apps/cli/bin/seedship'), ...args], { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

