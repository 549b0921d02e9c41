import { StorageImportExport, type PutJobParameters } from '@azure/arm-storageimportexport';

import { armError } from '../../test-support/arm-error';
import { type TestAzureSim, startTestAzureSim } from '../../test-support/test-azure-sim';
import { RETURN_ADDRESS, SUBSCRIPTION, recoveryPasswordFor, storageAccountId } from '../../test-support/fixtures';

const RG = 'seed-rg';

function jobParameters(driveIds: string[], overrides: Partial<NonNullable<PutJobParameters['properties']>> = {}): PutJobParameters {
  return {
    location: 'West US',
    tags: { purpose: 'seed' },
    properties: {
      storageAccountId: storageAccountId(RG, 'devstoreaccount1'),
      jobType: 'Import',
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Verbose',
      backupDriveManifest: true,
      driveList: driveIds.map((driveId, index) => ({
        driveId,
        bitLockerKey: recoveryPasswordFor(index + 1),
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '109B21108597EF36D5785F08303F3638',
      })),
      ...overrides,
    },
  };
}

describe('Microsoft.ImportExport through @azure/arm-storageimportexport', () => {
  let sim: TestAzureSim;
  let client: StorageImportExport;

  beforeAll(async () => {
    sim = await startTestAzureSim();
    client = new StorageImportExport(sim.credential, SUBSCRIPTION, sim.clientOptions);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('lists and gets locations with the datacenter shipping address and carriers', async () => {
    const locations = [];
    for await (const location of client.locations.list()) locations.push(location);
    expect(locations.map((location) => location.name)).toContain('West US');
    const westUs = await client.locations.get('westus');
    expect(westUs).toMatchObject({
      id: '/providers/Microsoft.ImportExport/locations/westus',
      type: 'Microsoft.ImportExport/locations',
      city: 'Santa Clara',
      countryOrRegion: 'USA',
    });
    expect(westUs.supportedCarriers).toEqual(expect.arrayContaining(['FedEx', 'UPS', 'DHL']));
    expect(westUs.alternateLocations).toEqual(['/providers/Microsoft.ImportExport/locations/westus']);
    const error = await armError(client.locations.get('atlantis'));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ResourceNotFound');
  });

  it('lists its operations', async () => {
    const names = [];
    for await (const operation of client.operations.list()) names.push(operation.name);
    expect(names).toContain('Microsoft.ImportExport/jobs/write');
  });

  it('creates, reads, ships, lists and keeps jobs across a restart', async () => {
    const created = await client.jobs.create('seed-job-1', RG, jobParameters(['WD-AAA1', 'WD-AAA2']));
    expect(created).toMatchObject({
      name: 'seed-job-1',
      type: 'Microsoft.ImportExport/jobs',
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ImportExport/jobs/seed-job-1`,
      location: 'West US',
      tags: { purpose: 'seed' },
    });
    expect(created.properties).toMatchObject({ state: 'Creating', jobType: 'Import', provisioningState: 'Succeeded', cancelRequested: false });
    expect(created.properties?.shippingInformation?.city).toBe('Santa Clara');
    expect(created.properties?.driveList?.map((drive) => [drive.driveId, drive.state])).toEqual([
      ['WD-AAA1', 'Specified'],
      ['WD-AAA2', 'Specified'],
    ]);
    expect(created.properties?.driveList?.every((drive) => drive.bitLockerKey === undefined)).toBe(true);

    const keys = [];
    for await (const key of client.bitLockerKeys.list('seed-job-1', RG)) keys.push(key);
    expect(keys).toEqual([
      { driveId: 'WD-AAA1', bitLockerKey: recoveryPasswordFor(1) },
      { driveId: 'WD-AAA2', bitLockerKey: recoveryPasswordFor(2) },
    ]);

    const refusal = await armError(client.jobs.update('seed-job-1', RG, { state: 'Shipping' }));
    expect(refusal.statusCode).toBe(400);
    expect(refusal.message).toContain('returnAddress and deliveryPackage');
    expect((await client.jobs.get('seed-job-1', RG)).properties?.state).toBe('Creating');

    const shipped = await client.jobs.update('seed-job-1', RG, {
      state: 'Shipping',
      returnAddress: RETURN_ADDRESS,
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: '7700 1111 0001', driveCount: 2, shipDate: '2026-01-05' },
    });
    expect(shipped.properties?.state).toBe('Shipping');
    expect(shipped.properties?.deliveryPackage).toEqual({ carrierName: 'FedEx', trackingNumber: '7700 1111 0001', driveCount: 2, shipDate: '2026-01-05' });

    await sim.restart();
    const afterRestart = await client.jobs.get('seed-job-1', RG);
    expect(afterRestart.properties?.state).toBe('Shipping');
    expect(afterRestart.properties?.returnAddress).toEqual(RETURN_ADDRESS);

    const inGroup = [];
    for await (const job of client.jobs.listByResourceGroup(RG)) inGroup.push(job.name);
    expect(inGroup).toContain('seed-job-1');
    const inSubscription = [];
    for await (const job of client.jobs.listBySubscription()) inSubscription.push(job.name);
    expect(inSubscription).toContain('seed-job-1');
    const top1 = [];
    for await (const job of client.jobs.listBySubscription({ top: 1 })) top1.push(job.name);
    expect(top1).toHaveLength(1);
  });

  it('enforces which properties may change in which state', async () => {
    await client.jobs.create('seed-job-rules', RG, jobParameters(['WD-RUL1']));
    await client.jobs.update('seed-job-rules', RG, {
      state: 'Shipping',
      returnAddress: RETURN_ADDRESS,
      deliveryPackage: { carrierName: 'UPS', trackingNumber: '1Z-RULES' },
    });
    const driveChange = await armError(
      client.jobs.update('seed-job-rules', RG, {
        driveList: [{ driveId: 'WD-OTHER', bitLockerKey: recoveryPasswordFor(9), manifestFile: '\\DriveManifest.xml', manifestHash: 'A'.repeat(32) }],
      }),
    );
    expect(driveChange.statusCode).toBe(400);
    expect(driveChange.code).toBe('PropertyNotUpdatable');
    expect(driveChange.message).toContain('driveList cannot be changed while the job is Shipping');

    const tagged = await client.jobs.update('seed-job-rules', RG, { tags: { owner: 'ops' } });
    expect(tagged.tags).toEqual({ owner: 'ops' });

    const notDeletable = await armError(client.jobs.delete('seed-job-rules', RG));
    expect(notDeletable.statusCode).toBe(409);
    expect(notDeletable.code).toBe('InvalidJobState');

    const cancelled = await client.jobs.update('seed-job-rules', RG, { cancelRequested: true });
    expect(cancelled.properties?.cancelRequested).toBe(true);
    await client.jobs.delete('seed-job-rules', RG);
    const gone = await armError(client.jobs.get('seed-job-rules', RG));
    expect(gone.statusCode).toBe(404);
  });

  it('refuses bad input with ARM errors that say what was wrong, and changes nothing', async () => {
    const missing = await armError(
      client.jobs.create('seed-bad-1', RG, { location: 'West US', properties: { jobType: 'Import', driveList: [] } }),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.code).toBe('InvalidRequestContent');
    expect(missing.message).toContain('properties.storageAccountId is required');

    const badKey = jobParameters(['WD-BAD1']);
    const firstDrive = badKey.properties?.driveList?.[0];
    if (firstDrive) firstDrive.bitLockerKey = '123456-123456-123456-123456-123456-123456-123456-123456';
    const keyError = await armError(client.jobs.create('seed-bad-2', RG, badKey));
    expect(keyError.code).toBe('InvalidRequestContent');
    expect(keyError.message).toContain('properties.driveList.0.bitLockerKey');
    expect(keyError.message).toContain('not divisible by 11');

    const duplicates = await armError(client.jobs.create('seed-bad-3', RG, jobParameters(['WD-DUP', 'WD-DUP'])));
    expect(duplicates.message).toContain('driveId WD-DUP appears more than once');

    const tooMany = await armError(client.jobs.create('seed-bad-4', RG, jobParameters(Array.from({ length: 11 }, (_, index) => `WD-MANY${index}`))));
    expect(tooMany.message).toContain('at most 10 drives');

    const unknownAccount = await armError(
      client.jobs.create('seed-bad-5', RG, jobParameters(['WD-ACC1'], { storageAccountId: storageAccountId(RG, 'nosuchaccount') })),
    );
    expect(unknownAccount.message).toContain("storage account 'nosuchaccount' was not found");

    const badLocation = await armError(client.jobs.create('seed-bad-6', RG, { ...jobParameters(['WD-LOC1']), location: 'Mars' }));
    expect(badLocation.code).toBe('LocationNotFound');

    const badName = await armError(client.jobs.create('bad name!', RG, jobParameters(['WD-NAM1'])));
    expect(badName.code).toBe('InvalidResourceName');

    for (const name of ['seed-bad-1', 'seed-bad-2', 'seed-bad-3', 'seed-bad-4', 'seed-bad-5', 'seed-bad-6']) {
      expect((await armError(client.jobs.get(name, RG))).statusCode).toBe(404);
    }
  });

  it('keeps job names unique and tracking numbers unique across jobs', async () => {
    await client.jobs.create('seed-unique', RG, jobParameters(['WD-UNI1']));
    const again = await armError(client.jobs.create('seed-unique', RG, jobParameters(['WD-UNI2'])));
    expect(again.statusCode).toBe(409);
    expect(again.code).toBe('Conflict');
    expect((await client.jobs.get('seed-unique', RG)).properties?.driveList?.[0]?.driveId).toBe('WD-UNI1');

    await client.jobs.update('seed-unique', RG, { deliveryPackage: { carrierName: 'DHL', trackingNumber: 'DHL-SHARED-1' } });
    await client.jobs.create('seed-unique-2', RG, jobParameters(['WD-UNI3']));
    const shared = await armError(
      client.jobs.update('seed-unique-2', RG, { deliveryPackage: { carrierName: 'DHL', trackingNumber: 'dhl-shared-1' } }),
    );
    expect(shared.statusCode).toBe(409);
    expect(shared.code).toBe('DuplicateTrackingNumber');
    expect(shared.message).toContain("job 'seed-unique'");
  });

  it('rejects calls without a bearer token or with an unsupported api-version', async () => {
    const anonymous = await fetchInsecure(`${sim.url}/providers/Microsoft.ImportExport/locations?api-version=2021-01-01`, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    const oldVersion = await fetchInsecure(`${sim.url}/providers/Microsoft.ImportExport/locations?api-version=2016-11-01`, {
      authorization: 'Bearer t',
    });
    expect(oldVersion.status).toBe(400);
    expect(oldVersion.body).toMatchObject({ error: { code: 'InvalidApiVersionParameter' } });
  });

  it('never logs a BitLocker key', () => {
    const logged = JSON.stringify(sim.logRecords());
    expect(logged).not.toContain(recoveryPasswordFor(1));
  });

  async function fetchInsecure(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const request = https.get(url, { headers, ca: sim.clientOptions.tlsOptions.ca }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      });
      request.on('error', reject);
    });
  }
});
