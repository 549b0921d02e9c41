import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createPrismaClient, type PrismaClient } from '@seedship/db';
import {
  createTestDatabase,
  createTestNamespace,
  seedDemoFleet,
  startNodeService,
  testServices,
  type DemoFleet,
  type NodeServiceProcess,
  type TestDatabase,
} from '@seedship/testing';

import { runSeedship, runSeedshipInPty, type CliRun } from '../../test-support/cli-session';

const TOKENS = { viewer: `viewer-${randomBytes(16).toString('hex')}`, operator: `operator-${randomBytes(16).toString('hex')}` } as const;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every line of a table whose first cell is `first`. */
function rowOf(output: string, first: string): string {
  const row = output.split('\n').find((line) => line.split(/\s{2,}/)[0] === first);
  if (row === undefined) throw new Error(`no row ${first} in:\n${output}`);
  return row;
}

function expectNoToken(run: CliRun): void {
  for (const token of Object.values(TOKENS)) {
    expect(run.stdout).not.toContain(token);
    expect(run.stderr).not.toContain(token);
  }
}

describe('seedship status|jobs|drives|nodes (the CLI against the real ops console, Postgres and NATS)', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let service: NodeServiceProcess | undefined;
  let fleet: DemoFleet;
  let viewer: Record<string, string>;
  let operator: Record<string, string>;

  /** The console's answer to a GET, fetched directly: what --json must print. */
  async function api(path: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${service?.baseUrl ?? ''}${path}`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  async function seedship(args: string[], env = viewer): Promise<CliRun> {
    const run = await runSeedship(args, env);
    expectNoToken(run);
    return run;
  }

  beforeAll(async () => {
    const { natsUrl } = await testServices();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url);
    const masterKey = randomBytes(32).toString('hex');
    fleet = await seedDemoFleet(prisma, masterKey);
    service = await startNodeService({
      entry: 'apps/ops-console/src/main.ts',
      listeningMessage: 'ops-console listening',
      env: {
        DATABASE_URL: database.url,
        NATS_URL: natsUrl,
        NATS_NAMESPACE: createTestNamespace(),
        SECRETS_MASTER_KEY: masterKey,
        SESSION_COOKIE_SECURE: 'false',
        // The API alone: the CLI needs no web UI build.
        WEB_ROOT: `/nonexistent-${randomBytes(4).toString('hex')}`,
        CONSOLE_TOKENS: `victor:viewer:${sha256(TOKENS.viewer)},olga:operator:${sha256(TOKENS.operator)}`,
      },
    });
    viewer = { SEEDSHIP_CONSOLE_URL: service.baseUrl, SEEDSHIP_TOKEN: TOKENS.viewer };
    operator = { SEEDSHIP_CONSOLE_URL: service.baseUrl, SEEDSHIP_TOKEN: TOKENS.operator };
  });

  afterAll(async () => {
    await service?.stop();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('shows the fleet overview with alerts and deadlines first, and the five byte totals', async () => {
    const run = await seedship(['status']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const out = run.stdout;
    const order = ['ALERTS:', 'DEADLINES', 'BYTES', 'JOBS:', 'DRIVES\n', 'COPY NODES', 'DRIVES BEING WRITTEN'].map((heading) => out.indexOf(heading));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    // The demo fleet: 2+3+1+0.5+2 TB staged; 0.4 TB + 1 TB on drives in bays; three 1 TB drives of the
    // SHIPPING job in transit; 400 GB imported by Azure; the SEEDED job's 500 GB verified.
    expect(out).toMatch(/Staged: +8\.50 TB\n/);
    expect(out).toMatch(/On drives: +1\.40 TB\n/);
    expect(out).toMatch(/In transit: +3\.00 TB\n/);
    expect(out).toMatch(/Imported: +400\.00 GB\n/);
    expect(out).toMatch(/Verified: +500\.00 GB\n/);
    expect(out).toMatch(/JOBS: 6 \(\d+ active, 1 failed\)/);
    expect(rowOf(out, 'FAILED')).toMatch(/^FAILED\s+1$/);

    const overview = (await api('/api/overview')) as { alerts: Array<{ severity: string; message: string }>; alertCounts: { critical: number; warning: number } };
    expect(out).toContain(`ALERTS: ${overview.alertCounts.critical} critical, ${overview.alertCounts.warning} warning`);
    const alertLines = out.slice(out.indexOf('ALERTS:'), out.indexOf('DEADLINES')).split('\n').slice(3, -2);
    expect(alertLines).toHaveLength(overview.alerts.length);
    alertLines.forEach((line, index) => {
      expect(line.startsWith(overview.alerts[index]?.severity ?? '?')).toBe(true);
      expect(line.endsWith(overview.alerts[index]?.message ?? '?')).toBe(true);
    });
    expect(out).toMatch(/critical\s+JOB_FAILED\s+seed-legal-vault\s+-\s+.*drive WD-LEGAL-1 failed read-back verification/);
    expect(rowOf(out, 'seed-media-archive')).toMatch(/^seed-media-archive\s+delivery\s+DHL\s+JD014600003828350999\s+\d{4}-\d{2}-\d{2}\s+2 days left$/);
    expect(rowOf(out, 'WD-FIN-0001')).toMatch(/^WD-FIN-0001\s+WRITING\s+seed-finance-2026\s+copy-node-a\s+Bay 1\s+400\.00 GB \/ 1\.00 TB \(40\.0%\)$/);

    const json = await seedship(['status', '--json']);
    expect(json.exitCode).toBe(0);
    const printed = JSON.parse(json.stdout) as Record<string, unknown>;
    const fresh = await api('/api/overview');
    expect({ ...printed, generatedAt: null }).toEqual({ ...fresh, generatedAt: null });
  });

  it('lists jobs with state and name filters and keyset paging, as a table and as JSON', async () => {
    const all = await seedship(['jobs']);
    expect(all.exitCode).toBe(0);
    const lines = all.stdout.split('\n');
    expect(lines[0]).toMatch(/^JOB\s+STATE\s+STAGED\s+DRIVES READY\s+WRITTEN\s+PACKAGE\s+ARRIVE BY\s+AZURE\s+ID$/);
    expect(rowOf(all.stdout, 'seed-finance-2026')).toMatch(
      new RegExp(`^seed-finance-2026\\s+PREPARING_DRIVES\\s+2\\.00 TB\\s+1/2\\s+1\\.40 TB / 2\\.00 TB \\(70\\.0%\\)\\s+-\\s+-\\s+-\\s+${fleet.jobs.preparing}$`),
    );
    expect(rowOf(all.stdout, 'seed-media-archive')).toMatch(/\s+SHIPPING\s+3\.00 TB\s+3\/3\s+3\.00 TB \/ 3\.00 TB \(100\.0%\)\s+DHL JD014600003828350999\s+\d{4}-\d{2}-\d{2}\s+Shipping\s+/);
    expect(all.stdout).toContain('\n6 jobs.\n');

    const failed = await seedship(['jobs', '--state', 'failed']);
    expect(failed.stdout.split('\n').slice(2, -2).map((line) => line.split(/\s+/)[0])).toEqual(['seed-legal-vault']);
    const named = await seedship(['jobs', '--name', 'media']);
    expect(named.stdout.split('\n').slice(2, -2).map((line) => line.split(/\s+/)[0])).toEqual(['seed-media-archive']);

    const first = await seedship(['jobs', '--limit', '4']);
    const cursor = /--cursor (\S+) \(or --all/.exec(first.stdout)?.[1];
    expect(first.stdout).toContain('Showing 4 of 6 jobs. Next page: the same command with --cursor ');
    expect(cursor).toBeDefined();
    const second = await seedship(['jobs', '--limit', '4', '--cursor', cursor ?? '']);
    expect(second.stdout).toContain('2 (of 6) jobs.');
    const names = (run: CliRun) => run.stdout.split('\n').slice(2, -2).map((line) => line.split(/\s+/)[0]);
    expect([...names(first), ...names(second)].sort()).toEqual(names(all).sort());

    const everything = await seedship(['jobs', '--limit', '2', '--all', '--json']);
    const page = JSON.parse(everything.stdout) as { items: Array<{ id: string }>; total: number; nextCursor: null };
    expect(page.total).toBe(6);
    expect(page.nextCursor).toBeNull();
    expect(page.items).toEqual(((await api('/api/jobs?limit=50')) as { items: unknown[] }).items);

    const bad = await seedship(['jobs', '--state', 'SHIPPED']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--state "SHIPPED": SHIPPED is not a state; use one or more (comma-separated) of DRAFT, STAGING,');
  });

  it('shows one job by name or id: drives with progress, Azure states, shipping, the datacenter address and the timeline', async () => {
    const media = await seedship(['jobs', 'show', 'seed-media-archive']);
    expect(media.exitCode).toBe(0);
    expect(media.stdout).toMatch(/Job: +seed-media-archive\n/);
    expect(media.stdout).toMatch(/Azure state: +Shipping, seen /);
    expect(media.stdout).toMatch(/Azure job: +\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{11}1\/resourceGroups\/seedship-rg\/providers\/Microsoft\.ImportExport\/jobs\/seed-media-archive\n/);
    for (const serial of ['WD-MEDIA-0001', 'WD-MEDIA-0002', 'WD-MEDIA-0003']) expect(rowOf(media.stdout, serial)).toMatch(/SHIPPED\s+-\s+-\s+1\.00 TB \/ 1\.00 TB \(100\.0%\)/);
    expect(rowOf(media.stdout, 'delivery')).toMatch(/^delivery\s+DHL\s+JD014600003828350999\s+3\s+\d{4}-\d{2}-\d{2}\s+\d{4}-\d{2}-\d{2}\s+2 days left\s+InTransit\s+-$/);
    expect(rowOf(media.stdout, 'return')).toMatch(/^return\s+DHL\s+-/);
    expect(media.stdout).toContain(
      'DATACENTER ADDRESS (ship the drives here)\n  Microsoft Azure Import/Export Service\n  Datacenter Receiving Dock 4\n  1101 AA Amsterdam\n  Netherlands\n  Phone: +31 20 000 0000\n',
    );

    const hr = await seedship(['jobs', 'show', fleet.jobs.transferring]);
    expect(rowOf(hr.stdout, 'WD-HR-0001')).toMatch(/SHIPPED\s+.*\s+Transferring\s+InProgress 40%\s+400\.00 GB$/);
    expect(hr.stdout).toMatch(/Azure state: +DataCopy \(40%\)/);

    const finance = await seedship(['jobs', 'show', 'seed-finance-2026']);
    const timeline = finance.stdout.slice(finance.stdout.indexOf('TIMELINE'));
    expect(timeline.split('\n').slice(3, 6).map((line) => line.split(/\s{2,}/).slice(1))).toEqual([
      ['system:disk-prep-agent', 'state-changed', 'AWAITING_DRIVES -> PREPARING_DRIVES'],
      ['system:import-orchestrator', 'state-changed', 'STAGED -> AWAITING_DRIVES'],
      ['system:staging-ingest', 'state-changed', 'STAGING -> STAGED'],
    ]);
    expect(finance.stdout).toContain('Not known yet: the import-orchestrator stores it when it creates the Azure job.');

    const failed = await seedship(['jobs', 'show', 'seed-legal-vault']);
    expect(failed.stdout).toMatch(/Failed: +drive WD-LEGAL-1 failed read-back verification \(in PREPARING_DRIVES\)/);
    expect(failed.stdout).toMatch(/ALERTS\nSEVERITY.*\n-+ .*\ncritical\s+JOB_FAILED/);

    const json = await seedship(['jobs', 'show', 'seed-media-archive', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await api(`/api/jobs/${fleet.jobs.shipping}`));

    const noName = await seedship(['jobs', 'show', 'seed-media']);
    expect(noName.exitCode).toBe(4);
    expect(noName.stderr).toBe('seedship: No job is named seed-media (names containing it: seed-media-archive); `seedship jobs` lists the jobs, by name or id.\n');
    const noId = await seedship(['jobs', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(noId.exitCode).toBe(4);
    expect(noId.stderr).toBe('seedship: No seeding job with id 00000000-0000-4000-8000-000000000000. `seedship jobs` lists the jobs.\n');
  });

  it('lists drives by job (name or id) and by state', async () => {
    const finance = await seedship(['drives', '--job', 'seed-finance-2026']);
    expect(finance.exitCode).toBe(0);
    expect(finance.stdout.split('\n').slice(2, -2).map((line) => line.split(/\s+/)[0]).sort()).toEqual(['WD-FIN-0001', 'WD-FIN-0002']);
    expect(rowOf(finance.stdout, 'WD-FIN-0002')).toMatch(/^WD-FIN-0002\s+READY\s+seed-finance-2026\s+copy-node-a\s+Bay 2\s+1\.00 TB\s+1\.00 TB \/ 1\.00 TB \(100\.0%\)\s+/);

    const waiting = await seedship(['drives', '--state', 'NEEDS_WIPE_CONFIRMATION']);
    expect(rowOf(waiting.stdout, 'ST-USED-0042')).toMatch(
      new RegExp(`^ST-USED-0042\\s+NEEDS_WIPE_CONFIRMATION\\s+-\\s+copy-node-a\\s+Bay 3\\s+1\\.00 TB\\s+-\\s+has a GPT partition table with an NTFS partition\\s+${fleet.drives.needsWipe}$`),
    );
    expect(waiting.stdout).toContain('\n1 drive.\n');

    const byId = await seedship(['drives', '--job', fleet.jobs.shipping, '--json']);
    const page = JSON.parse(byId.stdout) as { items: Array<{ serialNumber: string }> };
    expect(page).toEqual(await api(`/api/drives?jobId=${fleet.jobs.shipping}&limit=50`));
    expect(page.items.map((drive) => drive.serialNumber).sort()).toEqual(['WD-MEDIA-0001', 'WD-MEDIA-0002', 'WD-MEDIA-0003']);
  });

  it('shows every node and bay with what the technician should do there, and the job that gets the next blank drive', async () => {
    const run = await seedship(['nodes']);
    expect(run.exitCode).toBe(0);
    const view = (await api('/api/nodes')) as { nodes: Array<{ nodeName: string; bays: Array<{ label: string; drive: { serialNumber: string } | null; instruction: { text: string } }> }> };
    expect(view.nodes.map((node) => node.nodeName).sort()).toEqual(['copy-node-a', 'copy-node-b']);
    for (const node of view.nodes) {
      const block = run.stdout.slice(run.stdout.indexOf(`${node.nodeName}  agent`));
      for (const bay of node.bays) {
        const row = rowOf(block, bay.label);
        expect(row.startsWith(`${bay.label}  `)).toBe(true);
        expect(row).toContain(bay.drive?.serialNumber ?? ' - ');
        expect(row.endsWith(bay.instruction.text)).toBe(true);
      }
    }
    expect(run.stdout).toMatch(/copy-node-b {2}agent 0\.1\.0 {2}last heartbeat .* SILENT/);
    expect(rowOf(run.stdout.slice(run.stdout.indexOf('copy-node-a')), 'Bay 1')).toMatch(/^Bay 1\s+pci-0000:00:17\.0-ata-1\s+WD-FIN-0001\s+WRITING\s+seed-finance-2026\s+400\.00 GB/);
    expect(run.stdout).toContain('Next blank drive: for seed-ops-logs, which still needs 2.00 TB of drive space.\n');

    const json = await seedship(['nodes', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await api('/api/nodes'));
  });

  it('refuses to release a drive with a viewer token or a bad token, and changes nothing', async () => {
    const driveId = fleet.drives.needsWipe;
    const asViewer = await seedship(['drives', 'release', driveId, '--yes']);
    expect(asViewer.exitCode).toBe(3);
    expect(asViewer.stderr).toContain('seedship: Not allowed (403 FORBIDDEN: This needs the operator role; victor is viewer.');
    expect(asViewer.stderr).toContain('Set a token with that role in SEEDSHIP_TOKEN or pass --token.');

    const badToken = `wrong-${randomBytes(8).toString('hex')}`;
    const unknown = await seedship(['drives', 'release', driveId, '--yes'], { ...operator, SEEDSHIP_TOKEN: badToken });
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain(`seedship: The ops console at ${service?.baseUrl ?? ''} did not accept the token (401 UNAUTHENTICATED:`);
    expect(unknown.stderr).not.toContain(badToken);
    const flagToken = await seedship(['status', '--token', badToken], operator);
    expect(flagToken.exitCode).toBe(3);
    expect(flagToken.stderr).not.toContain(badToken);

    const noTerminal = await seedship(['drives', 'release', driveId], operator);
    expect(noTerminal.exitCode).toBe(2);
    expect(noTerminal.stderr).toContain(`Standard input is not a terminal, so the release cannot be confirmed; pass --yes to release drive ${driveId} for wiping.`);

    const drive = await prisma.drive.findUniqueOrThrow({ where: { id: driveId } });
    expect([drive.state, drive.wipeReleasedBy]).toEqual(['NEEDS_WIPE_CONFIRMATION', null]);
    expect(await prisma.outboxEvent.count({ where: { subject: 'diskprep.drive.wipe-released.v1' } })).toBe(0);
  });

  it('asks before releasing a drive for wiping, keeps it on "no", releases it on "yes", and refuses a second release', async () => {
    const driveId = fleet.drives.needsWipe;
    const ptyEnv = { ...operator };
    const declined = runSeedshipInPty(['drives', 'release', driveId], ptyEnv, [{ expect: 'Type yes to release, anything else to cancel: ', send: 'no' }]);
    expect(declined.failedStep).toBeNull();
    expect(declined.transcript).toMatch(/Drive: +ST-USED-0042 \(WDC WD10EZEX, 1\.00 TB\)/);
    expect(declined.transcript).toMatch(/Found: +has a GPT partition table with an NTFS partition/);
    expect(declined.transcript).toMatch(/Where: +copy-node-a, Bay 3/);
    expect(declined.transcript).toContain('Not released; nothing was changed.');
    expect(declined.exitCode).toBe(1);
    expect((await prisma.drive.findUniqueOrThrow({ where: { id: driveId } })).state).toBe('NEEDS_WIPE_CONFIRMATION');

    const confirmed = runSeedshipInPty(['drives', 'release', driveId], ptyEnv, [{ expect: 'Type yes to release, anything else to cancel: ', send: 'yes' }]);
    expect(confirmed.failedStep).toBeNull();
    expect(confirmed.transcript).toContain('Released ST-USED-0042 for wiping (NEEDS_WIPE_CONFIRMATION -> AVAILABLE); the agent on copy-node-a may now claim and format it.');
    expect(confirmed.exitCode).toBe(0);
    for (const token of Object.values(TOKENS)) expect(confirmed.transcript).not.toContain(token);
    const drive = await prisma.drive.findUniqueOrThrow({ where: { id: driveId } });
    expect([drive.state, drive.wipeReleasedBy]).toEqual(['AVAILABLE', 'user:olga']);
    expect(await prisma.outboxEvent.count({ where: { subject: 'diskprep.drive.wipe-released.v1' } })).toBe(1);

    const again = await seedship(['drives', 'release', driveId, '--yes', '--json'], operator);
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(
      'seedship: Drive ST-USED-0042 is AVAILABLE; only a drive waiting for wipe confirmation (NEEDS_WIPE_CONFIRMATION) can be released for wiping. Nothing was changed.\n',
    );
    expect(await prisma.outboxEvent.count({ where: { subject: 'diskprep.drive.wipe-released.v1' } })).toBe(1);
  });

  it('releases with --yes for scripts, printing the result as JSON', async () => {
    const data = await prisma.drive.create({
      data: {
        serialNumber: 'ST-USED-0043',
        transport: 'sata',
        sizeBytes: 10n ** 12n,
        logicalSectorSize: 512,
        rotational: true,
        state: 'NEEDS_WIPE_CONFIRMATION',
        stateReason: 'has an NTFS filesystem',
      },
    });
    const run = await seedship(['drives', 'release', data.id, '--yes', '--json', '--job', 'seed-ops-logs'], operator);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ jobId: fleet.jobs.awaiting, from: 'NEEDS_WIPE_CONFIRMATION', to: 'AVAILABLE' });
    expect(run.stderr).toContain('Released ST-USED-0043 for wiping');
    const entry = await prisma.jobTimelineEntry.findFirstOrThrow({ where: { jobId: fleet.jobs.awaiting, action: 'drive-released-for-wipe' } });
    expect(entry.actor).toBe('user:olga');
  });

  it('says which URL it could not reach and where to set it, and asks for a token when none is set', async () => {
    const unreachable = await seedship(['status'], { ...viewer, SEEDSHIP_CONSOLE_URL: 'http://127.0.0.1:9' });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toMatch(/^seedship: Cannot reach the ops console at http:\/\/127\.0\.0\.1:9 \(.+\); check --console-url or SEEDSHIP_CONSOLE_URL, and that ops-console is running\.\n$/);
    const byFlag = await seedship(['jobs', '--console-url', 'http://127.0.0.1:9/'], viewer);
    expect(byFlag.stderr).toContain('Cannot reach the ops console at http://127.0.0.1:9 (');

    const noToken = await seedship(['nodes'], { SEEDSHIP_CONSOLE_URL: service?.baseUrl ?? '' });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain('seedship: No ops console token: set SEEDSHIP_TOKEN (or pass --token');
    const notUrl = await seedship(['status', '--console-url', 'console:3100'], viewer);
    expect(notUrl.exitCode).toBe(2);
    expect(notUrl.stderr).toContain('The ops console URL must start with http:// or https://');
  });
});
