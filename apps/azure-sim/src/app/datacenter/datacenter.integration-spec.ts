import { DataBoxManagementClient, type DataBoxCustomerDiskJobDetails } from '@azure/arm-databox';
import { type DriveStatus, StorageImportExport } from '@azure/arm-storageimportexport';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { WORKSPACE_ROOT, type AzuriteProcess, eventually, simControl, startAzurite } from '@seedship/testing';
import { type FixtureDrive, buildDriveImage, removeDriveImage } from '@seedship/testing-drives';

import { rawArm } from '../../test-support/raw-arm';
import {
  RETURN_ADDRESS,
  SUBSCRIPTION,
  recoveryPasswordFor,
  storageAccountId,
} from '../../test-support/fixtures';
import { type TestAzureSim, startTestAzureSim } from '../../test-support/test-azure-sim';
import { DATA_BOX_FACTS } from '../arm/spec-facts/data-box-2022-12-01.facts';
import { IMPORT_EXPORT_FACTS } from '../arm/spec-facts/import-export-2021-01-01.facts';
import { shapeProblems } from '../arm/spec-facts/schema-fact';

const run = promisify(execFile);

function keyOf(fixture: FixtureDrive): string {
  if (!fixture.bitLockerKey) throw new Error(`fixture ${fixture.driveId} is not encrypted`);
  return fixture.bitLockerKey;
}
const RG = 'seed-rg';
const ACCOUNT = 'seedacct';
const MiB = 1024 * 1024;

describe('the datacenter imports delivered drives into Azurite', () => {
  let azurite: AzuriteProcess;
  let sim: TestAzureSim;
  let importExport: StorageImportExport;
  let dataBox: DataBoxManagementClient;
  let blobs: BlobServiceClient;
  const images: FixtureDrive[] = [];

  const drive = async (
    driveId: string,
    blobPaths: { path: string; length: number }[],
    partitioned = false,
  ): Promise<FixtureDrive> => {
    const built = await buildDriveImage({
      driveId,
      partitioned,
      storageAccountKey: azurite.accounts[ACCOUNT] ?? '',
      blobs: blobPaths.map((blob) => ({ blobPath: blob.path, length: blob.length, blockSize: 2 * MiB })),
    });
    images.push(built);
    await simControl(sim).registerDrive(driveId, built.imagePath);
    return built;
  };

  const expectBlobsLanded = async (fixture: FixtureDrive): Promise<void> => {
    for (const blob of fixture.blobs) {
      const [container, ...name] = blob.blobPath.split('/');
      const properties = await blobs
        .getContainerClient(container ?? '')
        .getBlobClient(name.join('/'))
        .getProperties();
      expect(properties.contentLength).toBe(blob.content.length);
      expect(Buffer.from(properties.contentMD5 ?? new Uint8Array()).toString('hex')).toBe(
        blob.md5.toString('hex'),
      );
    }
  };

  const download = async (uri: string): Promise<string> => {
    const url = new URL(uri);
    const [, , container, ...name] = url.pathname.split('/');
    return (
      await blobs
        .getContainerClient(container ?? '')
        .getBlobClient(decodeURIComponent(name.join('/')))
        .downloadToBuffer()
    ).toString('utf8');
  };

  beforeAll(async () => {
    azurite = await startAzurite([ACCOUNT]);
    sim = await startTestAzureSim({
      AZURE_SIM_BLOB_ENDPOINT: azurite.blobEndpoint,
      AZURE_SIM_STORAGE_ACCOUNTS: azurite.accountsSetting,
    });
    importExport = new StorageImportExport(sim.credential, SUBSCRIPTION, sim.clientOptions);
    dataBox = new DataBoxManagementClient(sim.credential, SUBSCRIPTION, sim.clientOptions);
    blobs = new BlobServiceClient(
      `${azurite.blobEndpoint}/${ACCOUNT}`,
      new StorageSharedKeyCredential(ACCOUNT, azurite.accounts[ACCOUNT] ?? ''),
    );
  });
  afterAll(async () => {
    await sim?.close();
    await azurite?.stop();
    await Promise.all(images.map(removeDriveImage));
  });

  it('Import/Export: a two-drive job goes from create to Completed and every blob lands with its length and MD5', async () => {
    const first = await drive('IE-DRIVE-1', [
      { path: 'seed/job1/chunk-0001.pack', length: 5 * MiB + 123 },
      { path: 'seed/job1/index.json', length: 1000 },
    ]);
    const second = await drive('IE-DRIVE-2', [{ path: 'seed/job1/chunk-0002.pack', length: 3 * MiB }], true);
    await importExport.jobs.create('seed-import-1', RG, {
      location: 'westus',
      properties: {
        storageAccountId: storageAccountId(RG, ACCOUNT),
        jobType: 'Import',
        logLevel: 'Verbose',
        backupDriveManifest: true,
        driveList: [first, second].map((fixture) => ({
          driveId: fixture.driveId,
          bitLockerKey: keyOf(fixture),
          manifestFile: fixture.manifestFile,
          manifestHash: fixture.manifestHash,
        })),
      },
    });
    await importExport.jobs.update('seed-import-1', RG, {
      state: 'Shipping',
      returnAddress: RETURN_ADDRESS,
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'FX-IE-1', driveCount: 2 },
    });
    expect((await importExport.jobs.get('seed-import-1', RG)).properties?.state).toBe('Shipping');

    await simControl(sim).deliver('FX-IE-1');
    const seen = new Set<string>();
    const job = await eventually(
      async () => {
        const current = await importExport.jobs.get('seed-import-1', RG);
        seen.add(current.properties?.state ?? '');
        expect(current.properties?.state).toBe('Completed');
        return current;
      },
      { timeoutMs: 60_000, description: 'the Import/Export job to complete' },
    );
    expect(
      [...seen].every((state) => ['Received', 'Transferring', 'Packaging', 'Completed'].includes(state)),
    ).toBe(true);
    const drives = job.properties?.driveList ?? [];
    expect(
      drives.map((status: DriveStatus) => [status.driveId, status.state, status.percentComplete]),
    ).toEqual([
      ['IE-DRIVE-1', 'Completed', 100],
      ['IE-DRIVE-2', 'Completed', 100],
    ]);
    expect(drives[0]?.bytesSucceeded).toBe(5 * MiB + 123 + 1000);
    expect(drives[1]?.bytesSucceeded).toBe(3 * MiB);
    expect(
      drives.every((status) => status.errorLogUri === undefined && status.copyStatus === 'Completed'),
    ).toBe(true);
    expect(job.properties?.percentComplete).toBe(100);
    const raw = await rawArm(
      sim,
      'GET',
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ImportExport/jobs/seed-import-1?api-version=2021-01-01`,
    );
    expect(shapeProblems(raw.body, 'JobResponse', IMPORT_EXPORT_FACTS)).toEqual([]);
    expect(job.properties?.returnPackage).toMatchObject({ carrierName: 'FedEx', driveCount: 2 });
    await expectBlobsLanded(first);
    await expectBlobsLanded(second);

    const verbose = await download(drives[0]?.verboseLogUri ?? '');
    expect(verbose).toContain('<BlobPath>seed/job1/chunk-0001.pack</BlobPath>');
    expect(verbose).toContain('<Status>Completed</Status>');
    expect(new URL(drives[0]?.verboseLogUri ?? 'http://x').pathname).toMatch(
      /^\/seedacct\/waimportexport\/waies\/seed-import-1_IE-DRIVE-1_\d{14}_verbose\.xml$/,
    );
    expect(await download(drives[0]?.manifestUri ?? '')).toContain('<DriveId>IE-DRIVE-1</DriveId>');
  });

  it('Data Box: a two-disk customer-disk job goes from create to Completed and every blob lands', async () => {
    const first = await drive('DB-DISK-1', [{ path: 'seeddb/chunk-a.pack', length: 4 * MiB + 7 }]);
    const second = await drive('DB-DISK-2', [{ path: 'seeddb/chunk-b.pack', length: 2 * MiB + 1 }]);
    const details: DataBoxCustomerDiskJobDetails = {
      jobDetailsType: 'DataBoxCustomerDisk',
      contactDetails: {
        contactName: 'Seedship Ops',
        phone: '4250000000',
        emailList: ['ops@seedship.example'],
      },
      shippingAddress: {
        streetAddress1: '1 Copy Room Lane',
        city: 'Redmond',
        postalCode: '98052',
        country: 'US',
      },
      dataImportDetails: [
        {
          accountDetails: {
            dataAccountType: 'StorageAccount',
            storageAccountId: storageAccountId(RG, ACCOUNT),
          },
          logCollectionLevel: 'Verbose',
        },
      ],
      importDiskDetailsCollection: Object.fromEntries(
        [first, second].map((fixture) => [
          fixture.driveId,
          {
            manifestFile: fixture.manifestFile,
            manifestHash: fixture.manifestHash,
            bitLockerKey: keyOf(fixture),
          },
        ]),
      ),
      returnToCustomerPackageDetails: { carrierName: 'UPS', carrierAccountNumber: '42' },
    };
    await dataBox.jobs.beginCreateAndWait(
      RG,
      'seeddb_job1',
      {
        location: 'westeurope',
        sku: { name: 'DataBoxCustomerDisk' },
        transferType: 'ImportToAzure',
        details,
      },
      { updateIntervalInMs: 50 },
    );
    await dataBox.jobs.markDevicesShipped('seeddb_job1', RG, {
      deliverToDcPackageDetails: { carrierName: 'UPS', trackingId: '1Z-DB-1' },
    });
    await simControl(sim).deliver('1Z-DB-1');
    const job = await eventually(
      async () => {
        const current = await dataBox.jobs.get(RG, 'seeddb_job1', { expand: 'details' });
        expect(current.status).toBe('Completed');
        return current;
      },
      { timeoutMs: 60_000, description: 'the Data Box job to complete' },
    );
    const jobDetails = job.details as DataBoxCustomerDiskJobDetails;
    const raw = await rawArm(
      sim,
      'GET',
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.DataBox/jobs/seeddb_job1?api-version=2022-12-01&$expand=details`,
    );
    expect(shapeProblems(raw.body, 'JobResource', DATA_BOX_FACTS)).toEqual([]);
    expect(
      jobDetails.copyProgress?.map((progress) => [
        progress.serialNumber,
        progress.copyStatus,
        progress.bytesProcessed,
        progress.totalBytesToProcess,
      ]),
    ).toEqual([
      ['DB-DISK-1', 'Completed', 4 * MiB + 7, 4 * MiB + 7],
      ['DB-DISK-2', 'Completed', 2 * MiB + 1, 2 * MiB + 1],
    ]);
    expect(jobDetails.jobStages?.every((stage) => stage.stageStatus === 'Succeeded')).toBe(true);
    expect(jobDetails.copyLogDetails?.map((log) => log.copyLogDetailsType)).toEqual([
      'DataBoxCustomerDisk',
      'DataBoxCustomerDisk',
    ]);
    expect(jobDetails.returnPackage?.trackingId).toMatch(/^SIM\d+$/);
    await expectBlobsLanded(first);
    await expectBlobsLanded(second);
  });

  it('injected faults give the states and logs the service gives', async () => {
    const lost = await drive('FAULT-LOST', [{ path: 'faults/lost.bin', length: 1000 }]);
    const damaged = await drive('FAULT-DAMAGED', [{ path: 'faults/damaged.bin', length: 1000 }]);
    const wrongKey = await drive('FAULT-KEY', [{ path: 'faults/key.bin', length: 1000 }]);
    const injectedKey = await drive('FAULT-KEY-INJ', [{ path: 'faults/key-injected.bin', length: 1000 }]);
    const corrupt = await drive('FAULT-HASH', [
      { path: 'faults/corrupt.bin', length: 3 * MiB },
      { path: 'faults/intact.bin', length: 4096 },
    ]);
    const control = simControl(sim);
    await control.setFaults('FAULT-LOST', { neverReceived: true });
    await control.setFaults('FAULT-DAMAGED', { damaged: true });
    await control.setFaults('FAULT-KEY-INJ', { wrongBitLockerKey: true });
    await control.setFaults('FAULT-HASH', { corruptBlockOfBlob: 'faults/corrupt.bin' });
    await importExport.jobs.create('seed-faults', RG, {
      location: 'westus',
      properties: {
        storageAccountId: storageAccountId(RG, ACCOUNT),
        jobType: 'Import',
        returnAddress: RETURN_ADDRESS,
        deliveryPackage: { carrierName: 'DHL', trackingNumber: 'DHL-FAULTS' },
        driveList: [lost, damaged, wrongKey, injectedKey, corrupt].map((fixture) => ({
          driveId: fixture.driveId,
          // FAULT-KEY is listed with a valid recovery password that is not the drive's: a real wrong key.
          bitLockerKey: fixture === wrongKey ? recoveryPasswordFor(31) : keyOf(fixture),
          manifestFile: fixture.manifestFile,
          manifestHash: fixture.manifestHash,
        })),
      },
    });
    await importExport.jobs.update('seed-faults', RG, { state: 'Shipping' });
    // Delivered through the CLI, as an operator would in the demo.
    const cli = await run(
      path.join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'),
      ['apps/azure-sim/src/bin/azure-sim-ctl.ts', 'deliver', 'DHL-FAULTS'],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, AZURE_SIM_URL: sim.url, AZURE_SIM_CA_FILE: sim.caFile },
      },
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({ trackingNumber: 'DHL-FAULTS', phase: 'Received' });
    const job = await eventually(
      async () => {
        const current = await importExport.jobs.get('seed-faults', RG);
        expect(current.properties?.state).toBe('Completed');
        return current;
      },
      { timeoutMs: 60_000, description: 'the faulty job to complete' },
    );
    const byId = new Map((job.properties?.driveList ?? []).map((status) => [status.driveId, status]));
    expect(byId.get('FAULT-LOST')).toMatchObject({ state: 'NeverReceived' });
    expect(byId.get('FAULT-LOST')?.errorLogUri).toBeUndefined();

    for (const [driveId, status] of [
      ['FAULT-DAMAGED', 'DriveReadError'],
      ['FAULT-KEY', 'BitLockerKeyInvalid'],
      ['FAULT-KEY-INJ', 'BitLockerKeyInvalid'],
    ] as const) {
      const failed = byId.get(driveId);
      expect(failed?.state).toBe('CompletedMoreInfo');
      expect(failed?.bytesSucceeded).toBe(0);
      const log = await download(failed?.errorLogUri ?? '');
      expect(log).toContain(`<DriveId>${driveId}</DriveId>`);
      expect(log).toContain(`<Status>${status}</Status>`);
    }

    const hashDrive = byId.get('FAULT-HASH');
    expect(hashDrive?.state).toBe('CompletedMoreInfo');
    // The intact blob (4 KiB) and the good second block (1 MiB) of the corrupt blob were transferred; the corrupt blob was not committed.
    expect(hashDrive?.bytesSucceeded).toBe(MiB + 4096);
    const errorLog = await download(hashDrive?.errorLogUri ?? '');
    expect(errorLog).toContain('<Blob Status="Corrupted">');
    expect(errorLog).toContain('<BlobPath>faults/corrupt.bin</BlobPath>');
    expect(errorLog).toMatch(/<Block Offset="0" Length="2097152" Id="[^"]+" Status="Corrupted" \/>/);
    expect(errorLog).not.toContain('faults/intact.bin');
    expect(errorLog).toContain('<Status>CompletedWithErrors</Status>');
    expect(await blobs.getContainerClient('faults').getBlobClient('corrupt.bin').exists()).toBe(false);
    expect(await blobs.getContainerClient('faults').getBlobClient('lost.bin').exists()).toBe(false);
    const intact = corrupt.blobs[1];
    if (!intact) throw new Error('fixture has no second blob');
    await expectBlobsLanded({ ...corrupt, blobs: [intact] });
  });

  it('Data Box: faults show as CompletedWithErrors with per-disk copy status and error log links', async () => {
    const corrupt = await drive('DB-FAULT-HASH', [{ path: 'dbfaults/corrupt.bin', length: 3 * MiB }]);
    const lost = await drive('DB-FAULT-LOST', [{ path: 'dbfaults/lost.bin', length: 100 }]);
    await simControl(sim).setFaults(corrupt.driveId, { corruptBlockOfBlob: 'dbfaults/corrupt.bin' });
    await simControl(sim).setFaults(lost.driveId, { neverReceived: true });
    const details: DataBoxCustomerDiskJobDetails = {
      jobDetailsType: 'DataBoxCustomerDisk',
      contactDetails: {
        contactName: 'Seedship Ops',
        phone: '4250000000',
        emailList: ['ops@seedship.example'],
      },
      shippingAddress: { streetAddress1: '1 Copy Room Lane', country: 'US' },
      dataImportDetails: [
        {
          accountDetails: {
            dataAccountType: 'StorageAccount',
            storageAccountId: storageAccountId(RG, ACCOUNT),
          },
        },
      ],
      importDiskDetailsCollection: Object.fromEntries(
        [corrupt, lost].map((fixture) => [
          fixture.driveId,
          {
            manifestFile: fixture.manifestFile,
            manifestHash: fixture.manifestHash,
            bitLockerKey: keyOf(fixture),
          },
        ]),
      ),
      returnToCustomerPackageDetails: { carrierName: 'UPS', carrierAccountNumber: '42' },
    };
    await dataBox.jobs.beginCreateAndWait(
      RG,
      'seeddb_faults',
      { location: 'westus', sku: { name: 'DataBoxCustomerDisk' }, transferType: 'ImportToAzure', details },
      { updateIntervalInMs: 50 },
    );
    await dataBox.jobs.markDevicesShipped('seeddb_faults', RG, {
      deliverToDcPackageDetails: { carrierName: 'UPS', trackingId: '1Z-DB-FAULTS' },
    });
    await simControl(sim).deliver('1Z-DB-FAULTS');
    const job = await eventually(
      async () => {
        const current = await dataBox.jobs.get(RG, 'seeddb_faults', { expand: 'details' });
        expect(current.status).toBe('CompletedWithErrors');
        return current;
      },
      { timeoutMs: 60_000, description: 'the faulty Data Box job to finish' },
    );
    const jobDetails = job.details as DataBoxCustomerDiskJobDetails;
    expect(jobDetails.copyProgress?.map((progress) => [progress.serialNumber, progress.copyStatus])).toEqual([
      ['DB-FAULT-HASH', 'CompletedWithErrors'],
      ['DB-FAULT-LOST', 'DriveNotReceived'],
    ]);
    expect(jobDetails.jobStages?.at(-1)).toMatchObject({
      stageName: 'CompletedWithErrors',
      stageStatus: 'SucceededWithErrors',
    });
    const log = jobDetails.copyLogDetails?.find(
      (entry) =>
        entry.copyLogDetailsType === 'DataBoxCustomerDisk' &&
        'serialNumber' in entry &&
        entry.serialNumber === 'DB-FAULT-HASH',
    );
    const link = log && 'errorLogLink' in log && typeof log.errorLogLink === 'string' ? log.errorLogLink : '';
    expect(new URL(link).pathname).toMatch(
      /^\/seedacct\/databoxcopylog\/waies\/seeddb_faults_DB-FAULT-HASH_\d{14}_error\.xml$/,
    );
    expect(await download(link)).toContain('<BlobPath>dbfaults/corrupt.bin</BlobPath>');
  });

  it('refuses a manifest whose hash differs from the job, naming both hashes', async () => {
    const fixture = await drive('MISMATCH-1', [{ path: 'mismatch/a.bin', length: 100 }]);
    await importExport.jobs.create('seed-mismatch', RG, {
      location: 'westus',
      properties: {
        storageAccountId: storageAccountId(RG, ACCOUNT),
        jobType: 'Import',
        returnAddress: RETURN_ADDRESS,
        deliveryPackage: { carrierName: 'DHL', trackingNumber: 'DHL-MISMATCH' },
        driveList: [
          {
            driveId: fixture.driveId,
            bitLockerKey: keyOf(fixture),
            manifestFile: fixture.manifestFile,
            manifestHash: '0'.repeat(32),
          },
        ],
      },
    });
    await importExport.jobs.update('seed-mismatch', RG, { state: 'Shipping' });
    await simControl(sim).deliver('DHL-MISMATCH');
    const status = await eventually(
      async () => {
        const current = (await importExport.jobs.get('seed-mismatch', RG)).properties?.driveList?.[0];
        expect(current?.state).toBe('CompletedMoreInfo');
        return current;
      },
      { timeoutMs: 60_000, description: 'the mismatched drive to finish' },
    );
    const log = await download(status?.errorLogUri ?? '');
    expect(log).toContain('<Status>ManifestHashMismatch</Status>');
    expect(log).toContain(fixture.manifestHash);
    expect(await blobs.getContainerClient('mismatch').exists()).toBe(false);
  });

  it('answers the control API with clear errors', async () => {
    const control = simControl(sim);
    expect(await control.call('POST', 'packages/NO-SUCH-PACKAGE/deliver')).toMatchObject({
      status: 404,
      body: { error: { code: 'PackageNotFound' } },
    });
    expect(await control.call('PUT', 'drives/UNKNOWN-DRIVE/faults', { damaged: true })).toMatchObject({
      status: 404,
      body: { error: { code: 'DriveNotRegistered' } },
    });
    expect(await control.call('PUT', 'drives/REL-1', { imagePath: 'relative.img' })).toMatchObject({
      status: 400,
    });
    expect(await control.call('POST', 'packages/FX-IE-1/deliver')).toMatchObject({
      status: 409,
      body: { error: { code: 'PackageNotInTransit' } },
    });
  });
});

describe('the simulated carrier delivers on its own, and the datacenter survives a restart', () => {
  let azurite: AzuriteProcess;
  let sim: TestAzureSim;
  let fixture: FixtureDrive;

  beforeAll(async () => {
    azurite = await startAzurite([ACCOUNT]);
    sim = await startTestAzureSim({
      AZURE_SIM_BLOB_ENDPOINT: azurite.blobEndpoint,
      AZURE_SIM_STORAGE_ACCOUNTS: azurite.accountsSetting,
      AZURE_SIM_CARRIER_DELAY_MS: '1500',
    });
    fixture = await buildDriveImage({
      driveId: 'CARRIER-1',
      storageAccountKey: azurite.accounts[ACCOUNT] ?? '',
      blobs: [{ blobPath: 'carrier/a.bin', length: 3 * MiB, blockSize: 2 * MiB }],
    });
    await simControl(sim).registerDrive(fixture.driveId, fixture.imagePath);
  });
  afterAll(async () => {
    await sim?.close();
    await azurite?.stop();
    if (fixture) await removeDriveImage(fixture);
  });

  it('delivers a shipped package after the carrier delay, also across a restart while in transit', async () => {
    const client = new StorageImportExport(sim.credential, SUBSCRIPTION, sim.clientOptions);
    await client.jobs.create('seed-carrier', RG, {
      location: 'northeurope',
      properties: {
        storageAccountId: storageAccountId(RG, ACCOUNT),
        jobType: 'Import',
        returnAddress: RETURN_ADDRESS,
        deliveryPackage: { carrierName: 'TNT', trackingNumber: 'TNT-CARRIER' },
        driveList: [
          {
            driveId: fixture.driveId,
            bitLockerKey: keyOf(fixture),
            manifestFile: fixture.manifestFile,
            manifestHash: fixture.manifestHash,
          },
        ],
      },
    });
    await client.jobs.update('seed-carrier', RG, { state: 'Shipping' });
    expect((await client.jobs.get('seed-carrier', RG)).properties?.state).toBe('Shipping');
    await sim.restart();
    const job = await eventually(
      async () => {
        const current = await client.jobs.get('seed-carrier', RG);
        expect(current.properties?.state).toBe('Completed');
        return current;
      },
      { timeoutMs: 60_000, description: 'the carrier to deliver and the import to finish' },
    );
    expect(job.properties?.driveList?.[0]).toMatchObject({
      state: 'Completed',
      percentComplete: 100,
      bytesSucceeded: 3 * MiB,
    });
  });
});
