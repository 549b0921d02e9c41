import { DiskPrepDriveProgress } from '@seedship/contracts';
import { eventually } from '@seedship/testing';

import { type ConsoleFixture, TOKENS, apiClient, startConsoleFixture } from '../../test-support/console-fixture';
import { type LiveEvent } from '../live/live-events.service';
import { driveSchema, jobDetailSchema, jobPageSchema, nodesSchema, overviewSchema, shipmentListSchema, timelineSchema } from './api-schemas';

const TB = 1_000_000_000_000;
const GB = 1_000_000_000;

describe('ops-console API over a demo fleet', () => {
  let fixture: ConsoleFixture;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    fixture = await startConsoleFixture();
    api = apiClient(fixture.service.baseUrl);
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  it('summarises the fleet: jobs by state, bytes at each stage, alerts critical first', async () => {
    const { status, body } = await api('/api/overview', { as: 'viewer' });
    expect(status).toBe(200);
    const overview = overviewSchema.parse(body);
    expect(overview.jobsByState).toMatchObject({ PREPARING_DRIVES: 1, SHIPPING: 1, TRANSFERRING: 1, FAILED: 1, SEEDED: 1, AWAITING_DRIVES: 1, DRAFT: 0 });
    expect(overview.jobs).toEqual({ total: 6, active: 4, failed: 1 });
    expect(overview.bytes).toEqual({
      staged: String(8.5 * TB),
      onDrives: String(1.4 * TB),
      inTransit: String(3 * TB),
      imported: String(400 * GB),
      verified: String(500 * GB),
    });
    expect(overview.alerts.map((alert) => `${alert.severity}:${alert.kind}`).sort()).toEqual([
      'critical:DRIVE_FAILED',
      'critical:JOB_FAILED',
      'warning:DEADLINE_NEAR',
      'warning:DRIVE_NEEDS_WIPE_CONFIRMATION',
      'warning:JOB_STUCK',
      'warning:NODE_SILENT',
    ]);
    expect(overview.alerts.slice(0, 2).every((alert) => alert.severity === 'critical')).toBe(true);
    expect(overview.alertCounts).toEqual({ critical: 2, warning: 4 });
    expect(overview.deadlines).toEqual([expect.objectContaining({ importJobName: 'seed-media-archive', daysLeft: 2, trackingNumber: 'JD014600003828350999' })]);
    expect(overview.activeDrives.map((drive) => drive.serialNumber)).toEqual(['WD-FIN-0001']);
    expect(overview.fleet).toEqual({ nodes: 2, silentNodes: 1, bays: 8, occupiedBays: 4 });
  });

  it('pages through jobs with a stable cursor, filters by state, and names bad filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: Record<string, unknown> } = await api(`/api/jobs?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { as: 'viewer' });
      const page = jobPageSchema.parse(body);
      expect(page.total).toBe(6);
      seen.push(...page.items.map((job) => job.importJobName));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(6);

    const failed = jobPageSchema.parse((await api('/api/jobs?state=failed,seeded', { as: 'viewer' })).body);
    expect(failed.items.map((job) => job.importJobName).sort()).toEqual(['seed-eng-backups', 'seed-legal-vault']);
    const shipping = jobPageSchema.parse((await api('/api/jobs?search=media', { as: 'viewer' })).body).items[0];
    expect(shipping?.delivery).toMatchObject({ carrierName: 'DHL', trackingNumber: 'JD014600003828350999', carrierStatus: 'InTransit' });
    expect(shipping?.delivery?.arrivalDeadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(shipping?.drives).toEqual({ total: 3, ready: 3, bytesPlanned: String(3 * TB), bytesWritten: String(3 * TB) });
    expect(shipping?.azureState).toBe('Shipping');

    const bad = await api('/api/jobs?state=LOST&limit=0', { as: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body['message']).toMatch(/state\.0: .*limit: must be a positive whole number/);
    const badCursor = await api('/api/jobs?cursor=abc', { as: 'viewer' });
    expect([badCursor.status, badCursor.body['message']]).toEqual([400, expect.stringContaining('pass nextCursor from the previous page unchanged')]);
  });

  it('shows one job with drives, Azure states, shipping and the datacenter address', async () => {
    const { body } = await api(`/api/jobs/${fixture.fleet.jobs.shipping}`, { as: 'viewer' });
    const job = jobDetailSchema.parse(body);
    expect(job.datacenterAddress).toMatchObject({ city: 'Amsterdam', streetAddress1: 'Datacenter Receiving Dock 4' });
    expect(job.driveList.map((drive) => drive.serialNumber)).toEqual(['WD-MEDIA-0001', 'WD-MEDIA-0002', 'WD-MEDIA-0003']);
    expect(job.azureJob[0]?.azureState).toBe('Shipping');
    expect(job.shipments.map((shipment) => shipment.direction).sort()).toEqual(['DELIVERY', 'RETURN']);
    expect(job.allowedActions).toEqual({ cancel: true, retry: false });
    expect(job.alerts.map((alert) => alert.kind)).toEqual(['DEADLINE_NEAR']);

    const transferring = jobDetailSchema.parse((await api(`/api/jobs/${fixture.fleet.jobs.transferring}`, { as: 'viewer' })).body);
    expect(transferring.azureDrives).toEqual([expect.objectContaining({ azureDriveId: 'WD-HR-0001', bytesSucceeded: String(400 * GB), copyStatus: 'InProgress' })]);

    expect((await api('/api/jobs/not-a-uuid', { as: 'viewer' })).status).toBe(400);
    const missing = await api('/api/jobs/00000000-0000-4000-8000-000000000000', { as: 'viewer' });
    expect([missing.status, missing.body['error']]).toEqual([404, 'NOT_FOUND']);
  });

  it('shows nodes with what to do at each bay, drives, and shipments', async () => {
    const nodes = nodesSchema.parse((await api('/api/nodes', { as: 'viewer' })).body);
    const nodeA = nodes.nodes.find((node) => node.nodeName === 'copy-node-a');
    expect(nodeA?.bays.map((bay) => bay.instruction.kind)).toEqual(['LEAVE', 'PULL_AND_SHIP', 'CONFIRM_WIPE', 'INSERT_BLANK']);
    expect(nodeA?.bays[3]?.instruction.text).toContain('job seed-ops-logs still needs');
    const nodeB = nodes.nodes.find((node) => node.nodeName === 'copy-node-b');
    expect(nodeB?.silent).toBe(true);
    // Nobody should insert drives where no agent answers.
    expect(nodeB?.bays.map((bay) => bay.instruction.kind)).toEqual(['PULL', 'IDLE', 'IDLE', 'IDLE']);

    const drives = (await api('/api/drives?state=SHIPPED&limit=2', { as: 'viewer' })).body;
    expect(drives['total']).toBe(4);
    expect((drives['items'] as unknown[]).length).toBe(2);
    const one = driveSchema.parse((await api(`/api/drives/${fixture.fleet.drives.writing}`, { as: 'viewer' })).body);
    expect([one.serialNumber, one.baySlot, one.hasRecoveryPassword]).toEqual(['WD-FIN-0001', 'pci-0000:00:17.0-ata-1', true]);

    const shipments = shipmentListSchema.parse((await api('/api/shipments?pending=true', { as: 'viewer' })).body);
    expect(shipments.items[0]).toMatchObject({ importJobName: 'seed-media-archive', direction: 'DELIVERY', daysToDeadline: 2 });
  });

  it('needs a valid token or session, and the right role for actions', async () => {
    const anonymous = await api('/api/overview');
    expect([anonymous.status, anonymous.body['message']]).toEqual([401, expect.stringContaining('POST /api/session')]);
    const forged = await fetch(`${fixture.service.baseUrl}/api/overview`, { headers: { authorization: 'Bearer nope' } });
    expect(forged.status).toBe(401);
    const viewerCancels = await api(`/api/jobs/${fixture.fleet.jobs.awaiting}/cancel`, { as: 'viewer', method: 'POST', body: {} });
    expect([viewerCancels.status, viewerCancels.body['message']]).toEqual([403, 'This needs the operator role; victor is viewer. Ask an admin for a token with that role.']);
    expect((await fixture.prisma.seedingJob.findUniqueOrThrow({ where: { id: fixture.fleet.jobs.awaiting } })).state).toBe('AWAITING_DRIVES');

    const signIn = await api('/api/session', { method: 'POST', body: { token: TOKENS.operator } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/seedship_session=[^;]+; .*HttpOnly/i);
    const session = await fetch(`${fixture.service.baseUrl}/api/session`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(await session.json()).toMatchObject({ subject: 'olga', role: 'operator', via: 'session' });
    const tampered = await fetch(`${fixture.service.baseUrl}/api/session`, { headers: { cookie: `${cookie.split(';')[0] ?? ''}x` } });
    expect(tampered.status).toBe(401);
  });

  it('lets an operator cancel, retry and release a drive, each in the timeline with who did it and an event for the owner', async () => {
    const cancelled = await api(`/api/jobs/${fixture.fleet.jobs.awaiting}/cancel`, { as: 'operator', method: 'POST', body: { reason: 'customer withdrew' } });
    expect(cancelled.body).toMatchObject({ from: 'AWAITING_DRIVES', to: 'CANCELLED' });
    const timeline = timelineSchema.parse((await api(`/api/jobs/${fixture.fleet.jobs.awaiting}/timeline`, { as: 'viewer' })).body);
    expect(timeline.items[0]).toMatchObject({ actor: 'user:olga', action: 'state-changed', fromState: 'AWAITING_DRIVES', toState: 'CANCELLED', detail: { reason: 'customer withdrew', via: 'ops-console' } });
    const again = await api(`/api/jobs/${fixture.fleet.jobs.awaiting}/cancel`, { as: 'operator', method: 'POST', body: {} });
    expect([again.status, again.body['message']]).toEqual([409, 'The job is CANCELLED, a final state; it cannot move to CANCELLED.']);
    const late = await api(`/api/jobs/${fixture.fleet.jobs.transferring}/cancel`, { as: 'operator', method: 'POST', body: {} });
    expect(late.status).toBe(409);

    const retried = await api(`/api/jobs/${fixture.fleet.jobs.failed}/retry`, { as: 'operator', method: 'POST' });
    expect(retried.body).toMatchObject({ from: 'FAILED', to: 'PREPARING_DRIVES' });

    const released = await api(`/api/drives/${fixture.fleet.drives.needsWipe}/release-for-wipe`, {
      as: 'operator',
      method: 'POST',
      body: { jobId: fixture.fleet.jobs.preparing },
    });
    expect(released.body).toMatchObject({ from: 'NEEDS_WIPE_CONFIRMATION', to: 'AVAILABLE', jobId: fixture.fleet.jobs.preparing });
    const drive = await fixture.prisma.drive.findUniqueOrThrow({ where: { id: fixture.fleet.drives.needsWipe } });
    expect([drive.state, drive.wipeReleasedBy]).toEqual(['AVAILABLE', 'user:olga']);
    const twice = await api(`/api/drives/${fixture.fleet.drives.needsWipe}/release-for-wipe`, { as: 'operator', method: 'POST', body: {} });
    expect([twice.status, twice.body['error']]).toEqual([409, 'WRONG_STATE']);

    const events = await fixture.prisma.outboxEvent.findMany({ where: { eventId: { in: [cancelled.body['eventId'], retried.body['eventId'], released.body['eventId']] as string[] } } });
    expect(events.map((event) => event.subject).sort()).toEqual(['diskprep.drive.wipe-released.v1', 'seeding.job.state-changed.v1', 'seeding.job.state-changed.v1']);
    // The console's own relay publishes them for the owning services.
    await eventually(async () => (await fixture.prisma.outboxEvent.count({ where: { publishedAt: null } })) === 0, { description: 'the outbox drained' });
  });

  it('reveals a recovery password only to admins, and records every reveal', async () => {
    const driveId = fixture.fleet.drives.ready;
    for (const role of ['viewer', 'operator'] as const) {
      const refused = await api(`/api/drives/${driveId}/recovery-password`, { as: role, method: 'POST' });
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(fixture.fleet.recoveryPasswords[driveId] ?? 'x');
    }
    const revealed = await api(`/api/drives/${driveId}/recovery-password`, { as: 'admin', method: 'POST' });
    expect(revealed.body).toEqual({ driveId, serialNumber: 'WD-FIN-0002', jobId: fixture.fleet.jobs.preparing, recoveryPassword: fixture.fleet.recoveryPasswords[driveId] });
    const entries = await fixture.prisma.jobTimelineEntry.findMany({ where: { jobId: fixture.fleet.jobs.preparing, action: 'recovery-password-revealed' } });
    expect(entries.map((entry) => [entry.actor, entry.detail])).toEqual([['user:ada', { driveId, serialNumber: 'WD-FIN-0002' }]]);
    expect(fixture.service.logs().some((line) => line.includes(fixture.fleet.recoveryPasswords[driveId] ?? 'x'))).toBe(false);
  });

  it('streams events from NATS to connected clients as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${fixture.service.baseUrl}/api/events`, {
      headers: { authorization: `Bearer ${TOKENS.viewer}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received += new TextDecoder().decode(value);
      }
    })();
    await eventually(() => received.includes('event: ready'), { description: 'the stream to open' });
    await fixture.bus.publish(DiskPrepDriveProgress, {
      driveId: fixture.fleet.drives.writing,
      jobId: fixture.fleet.jobs.preparing,
      serialNumber: 'WD-FIN-0001',
      nodeName: 'copy-node-a',
      state: 'WRITING',
      bytesWritten: String(600 * GB),
      bytesPlanned: String(TB),
      bytesPerSecond: 200_000_000,
      secondsLeft: 2000,
    });
    await eventually(() => received.includes('"subject":"diskprep.drive.progress.v1"'), { description: 'the progress event' });
    const line = received.split('\n').find((candidate) => candidate.startsWith('data: {"subject":"diskprep.drive.progress.v1"'));
    const event = JSON.parse((line ?? '').slice('data: '.length)) as LiveEvent;
    expect(event.payload).toMatchObject({ bytesWritten: String(600 * GB), serialNumber: 'WD-FIN-0001' });
    controller.abort();
    await pump;
  });

  it('publishes an OpenAPI document that lists every route the CLI needs', async () => {
    const response = await fetch(`${fixture.service.baseUrl}/api/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/alerts',
      '/api/drives',
      '/api/drives/{id}',
      '/api/drives/{id}/recovery-password',
      '/api/drives/{id}/release-for-wipe',
      '/api/events',
      '/api/jobs',
      '/api/jobs/{id}',
      '/api/jobs/{id}/cancel',
      '/api/jobs/{id}/retry',
      '/api/jobs/{id}/timeline',
      '/api/nodes',
      '/api/overview',
      '/api/session',
      '/api/shipments',
      '/health/live',
      '/health/ready',
    ]);
    const overview = document.paths['/api/overview']?.['get'] as { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    expect(Object.keys(overview.responses['200']?.content['application/json']?.schema.properties ?? {})).toContain('bytes');
    const docs = await fetch(`${fixture.service.baseUrl}/api/docs`);
    expect([docs.status, docs.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
  });
});
