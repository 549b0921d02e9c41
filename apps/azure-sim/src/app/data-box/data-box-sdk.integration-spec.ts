import { DataBoxManagementClient, type DataBoxCustomerDiskJobDetails, type JobResource } from '@azure/arm-databox';

import { armError } from '../../test-support/arm-error';
import { RETURN_ADDRESS, SUBSCRIPTION, recoveryPasswordFor, storageAccountId } from '../../test-support/fixtures';
import { type TestAzureSim, startTestAzureSim } from '../../test-support/test-azure-sim';

const RG = 'seed-rg';

function customerDiskJob(serials: string[]): JobResource {
  const details: DataBoxCustomerDiskJobDetails = {
    jobDetailsType: 'DataBoxCustomerDisk',
    contactDetails: { contactName: 'Seedship Ops', phone: '4250000000', emailList: ['ops@seedship.example'] },
    shippingAddress: { streetAddress1: RETURN_ADDRESS.streetAddress1, city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', country: 'US' },
    dataImportDetails: [
      { accountDetails: { dataAccountType: 'StorageAccount', storageAccountId: storageAccountId(RG, 'devstoreaccount1') }, logCollectionLevel: 'Verbose' },
    ],
    importDiskDetailsCollection: Object.fromEntries(
      serials.map((serial, index) => [serial, { manifestFile: '\\DriveManifest.xml', manifestHash: 'ab'.repeat(16), bitLockerKey: recoveryPasswordFor(index + 3) }]),
    ),
    returnToCustomerPackageDetails: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
    enableManifestBackup: true,
  };
  return { location: 'westus', sku: { name: 'DataBoxCustomerDisk' }, transferType: 'ImportToAzure', details };
}

describe('Microsoft.DataBox customer-disk jobs through @azure/arm-databox', () => {
  let sim: TestAzureSim;
  let client: DataBoxManagementClient;

  beforeAll(async () => {
    sim = await startTestAzureSim();
    client = new DataBoxManagementClient(sim.credential, SUBSCRIPTION, sim.clientOptions);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('creates a job as a long-running operation the SDK poller follows to the end', async () => {
    const poller = await client.jobs.beginCreate(RG, 'seedjob_db1', customerDiskJob(['SER-DB1', 'SER-DB2']), { updateIntervalInMs: 50 });
    expect(poller.isDone()).toBe(false);
    const created = await poller.pollUntilDone();
    expect(poller.getOperationState().status).toBe('succeeded');
    expect(created).toMatchObject({
      name: 'seedjob_db1',
      type: 'Microsoft.DataBox/jobs',
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.DataBox/jobs/seedjob_db1`,
      sku: { name: 'DataBoxCustomerDisk' },
      transferType: 'ImportToAzure',
      status: 'AwaitingShipmentDetails',
      isCancellable: true,
    });
    expect(created.details).toBeUndefined();

    const expanded = await client.jobs.get(RG, 'seedjob_db1', { expand: 'details' });
    const details = expanded.details as DataBoxCustomerDiskJobDetails;
    expect(details.jobDetailsType).toBe('DataBoxCustomerDisk');
    expect(Object.keys(details.importDiskDetailsCollection ?? {})).toEqual(['SER-DB1', 'SER-DB2']);
    expect(details.importDiskDetailsCollection?.['SER-DB1']).toEqual({
      manifestFile: '\\DriveManifest.xml',
      manifestHash: 'AB'.repeat(16),
      bitLockerKey: recoveryPasswordFor(3),
    });
    expect(details.jobStages?.map((stage) => [stage.stageName, stage.stageStatus])).toEqual([
      ['DeviceOrdered', 'Succeeded'],
      ['AwaitingShipmentDetails', 'InProgress'],
      ['ShippedToAzureDC', 'None'],
      ['AtAzureDC', 'None'],
      ['DataCopy', 'None'],
      ['PreparingToShipFromAzureDC', 'None'],
      ['Completed', 'None'],
    ]);
    expect(details.jobStages?.[0]?.stageTime).toBeInstanceOf(Date);
    expect(details.datacenterAddress).toMatchObject({ datacenterAddressType: 'DatacenterAddressLocation', city: 'Santa Clara' });
    expect(details.copyProgress?.map((progress) => [progress.serialNumber, progress.copyStatus])).toEqual([
      ['SER-DB1', 'NotStarted'],
      ['SER-DB2', 'NotStarted'],
    ]);
  });

  it('marks the disks shipped, then lists and keeps the job across a restart', async () => {
    await client.jobs.markDevicesShipped('seedjob_db1', RG, { deliverToDcPackageDetails: { carrierName: 'FedEx', trackingId: 'FX-DB-0001' } });
    const again = await armError(
      client.jobs.markDevicesShipped('seedjob_db1', RG, { deliverToDcPackageDetails: { carrierName: 'FedEx', trackingId: 'FX-DB-0002' } }),
    );
    expect(again.statusCode).toBe(409);
    expect(again.code).toBe('InvalidJobState');

    await sim.restart();
    const job = await client.jobs.get(RG, 'seedjob_db1', { expand: 'details' });
    expect(job.status).toBe('ShippedToAzureDC');
    expect((job.details as DataBoxCustomerDiskJobDetails).deliverToDcPackageDetails).toEqual({ carrierName: 'FedEx', trackingId: 'FX-DB-0001' });
    const names = [];
    for await (const listed of client.jobs.listByResourceGroup(RG)) names.push(listed.name);
    expect(names).toContain('seedjob_db1');
    const all = [];
    for await (const listed of client.jobs.list()) all.push(listed.name);
    expect(all).toContain('seedjob_db1');
  });

  it('updates details before arrival, cancels and deletes', async () => {
    await (await client.jobs.beginCreate(RG, 'seedjob_db2', customerDiskJob(['SER-DB3']), { updateIntervalInMs: 50 })).pollUntilDone();
    const updated = await client.jobs.beginUpdateAndWait(
      RG,
      'seedjob_db2',
      { tags: { owner: 'ops' }, details: { returnToCustomerPackageDetails: { carrierName: 'UPS', carrierAccountNumber: '999' } } },
      { updateIntervalInMs: 50 },
    );
    expect(updated.tags).toEqual({ owner: 'ops' });
    expect((updated.details as DataBoxCustomerDiskJobDetails).returnToCustomerPackageDetails).toMatchObject({ carrierName: 'UPS', carrierAccountNumber: '999' });

    const notYet = await armError(client.jobs.beginDeleteAndWait(RG, 'seedjob_db2', { updateIntervalInMs: 50 }));
    expect(notYet.code).toBe('InvalidJobState');
    await client.jobs.cancel(RG, 'seedjob_db2', { reason: 'drives failed burn-in' });
    const cancelled = await client.jobs.get(RG, 'seedjob_db2');
    expect(cancelled).toMatchObject({ status: 'Cancelled', cancellationReason: 'drives failed burn-in', isDeletable: true });
    await client.jobs.beginDeleteAndWait(RG, 'seedjob_db2', { updateIntervalInMs: 50 });
    expect((await armError(client.jobs.get(RG, 'seedjob_db2'))).statusCode).toBe(404);
  });

  it('refuses bad input and duplicates with ARM errors, changing nothing', async () => {
    const wrongSku = { ...customerDiskJob(['SER-X1']), sku: { name: 'DataBox' as const } };
    const sku = await armError(client.jobs.beginCreate(RG, 'seedjob_bad1', wrongSku));
    expect(sku.statusCode).toBe(400);
    expect(sku.message).toContain("sku.name must be 'DataBoxCustomerDisk'");

    const noDisks = customerDiskJob([]);
    const disks = await armError(client.jobs.beginCreate(RG, 'seedjob_bad2', noDisks));
    expect(disks.message).toContain('importDiskDetailsCollection needs at least one disk');

    const badName = await armError(client.jobs.beginCreate(RG, 'this-name-has-dashes', customerDiskJob(['SER-X2'])));
    expect(badName.code).toBe('InvalidResourceName');

    const duplicate = await armError(client.jobs.beginCreate(RG, 'seedjob_db1', customerDiskJob(['SER-X3'])));
    expect(duplicate.statusCode).toBe(409);

    await (await client.jobs.beginCreate(RG, 'seedjob_db3', customerDiskJob(['SER-DB4']), { updateIntervalInMs: 50 })).pollUntilDone();
    const sharedTracking = await armError(
      client.jobs.markDevicesShipped('seedjob_db3', RG, { deliverToDcPackageDetails: { carrierName: 'FedEx', trackingId: 'fx-db-0001' } }),
    );
    expect(sharedTracking.code).toBe('DuplicateTrackingNumber');
    expect((await client.jobs.get(RG, 'seedjob_db3')).status).toBe('AwaitingShipmentDetails');

    for (const name of ['seedjob_bad1', 'seedjob_bad2']) expect((await armError(client.jobs.get(RG, name))).statusCode).toBe(404);
  });

  it('lists its operations', async () => {
    const names = [];
    for await (const operation of client.operations.list()) names.push(operation.name);
    expect(names).toContain('Microsoft.DataBox/jobs/markDevicesShipped/action');
  });
});
