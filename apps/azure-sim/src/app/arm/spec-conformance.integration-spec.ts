import { DataBoxManagementClient } from '@azure/arm-databox';

import { eventually } from '@seedship/testing';

import { RETURN_ADDRESS, SUBSCRIPTION, recoveryPasswordFor, storageAccountId } from '../../test-support/fixtures';
import { rawArm } from '../../test-support/raw-arm';
import { type TestAzureSim, startTestAzureSim } from '../../test-support/test-azure-sim';

import { DATA_BOX_FACTS } from './spec-facts/data-box-2022-12-01.facts';
import { IMPORT_EXPORT_FACTS } from './spec-facts/import-export-2021-01-01.facts';
import { shapeProblems } from './spec-facts/schema-fact';

const RG = 'spec-rg';
const IE = '?api-version=2021-01-01';
const DB = '?api-version=2022-12-01';
const ieJob = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ImportExport/jobs/${name}`;
const dbJob = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.DataBox/jobs/${name}`;

/** Every response of every operation azure-sim serves, as raw JSON, against the REST spec's definitions. */
describe('responses match the azure-rest-api-specs definitions', () => {
  let sim: TestAzureSim;
  beforeAll(async () => {
    sim = await startTestAzureSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  const conforms = (body: unknown, definition: string, facts: typeof IMPORT_EXPORT_FACTS): void => {
    expect(shapeProblems(body, definition, facts)).toEqual([]);
  };

  it('Microsoft.ImportExport 2021-01-01', async () => {
    const put = await rawArm(sim, 'PUT', `${ieJob('spec-job')}${IE}`, {
      location: 'westus',
      properties: {
        storageAccountId: storageAccountId(RG, 'devstoreaccount1'),
        jobType: 'Import',
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1' },
        driveList: [{ driveId: 'SPEC1', bitLockerKey: recoveryPasswordFor(1), manifestFile: '\\DriveManifest.xml', manifestHash: 'C'.repeat(32) }],
      },
    });
    expect(put.status).toBe(201);
    conforms(put.body, 'JobResponse', IMPORT_EXPORT_FACTS);
    const patch = await rawArm(sim, 'PATCH', `${ieJob('spec-job')}${IE}`, {
      properties: { state: 'Shipping', returnAddress: RETURN_ADDRESS, deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'SPEC-TRACK' } },
    });
    expect(patch.status).toBe(200);
    conforms(patch.body, 'JobResponse', IMPORT_EXPORT_FACTS);
    conforms((await rawArm(sim, 'GET', `${ieJob('spec-job')}${IE}`)).body, 'JobResponse', IMPORT_EXPORT_FACTS);
    conforms((await rawArm(sim, 'GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.ImportExport/jobs${IE}`)).body, 'ListJobsResponse', IMPORT_EXPORT_FACTS);
    conforms(
      (await rawArm(sim, 'GET', `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.ImportExport/jobs${IE}`)).body,
      'ListJobsResponse',
      IMPORT_EXPORT_FACTS,
    );
    conforms((await rawArm(sim, 'POST', `${ieJob('spec-job')}/listBitLockerKeys${IE}`)).body, 'GetBitLockerKeysResponse', IMPORT_EXPORT_FACTS);
    conforms((await rawArm(sim, 'GET', `/providers/Microsoft.ImportExport/locations${IE}`)).body, 'LocationsResponse', IMPORT_EXPORT_FACTS);
    conforms((await rawArm(sim, 'GET', `/providers/Microsoft.ImportExport/locations/West%20US${IE}`)).body, 'Location', IMPORT_EXPORT_FACTS);
    conforms((await rawArm(sim, 'GET', `/providers/Microsoft.ImportExport/operations${IE}`)).body, 'ListOperationsResponse', IMPORT_EXPORT_FACTS);
    const refused = await rawArm(sim, 'PUT', `${ieJob('spec-bad')}${IE}`, { location: 'westus', properties: { jobType: 'Import' } });
    expect(refused.status).toBe(400);
    conforms(refused.body, 'ErrorResponse', IMPORT_EXPORT_FACTS);
    const missing = await rawArm(sim, 'GET', `${ieJob('nope')}${IE}`);
    expect(missing.status).toBe(404);
    conforms(missing.body, 'ErrorResponse', IMPORT_EXPORT_FACTS);
    const deleted = await rawArm(sim, 'DELETE', `${ieJob('spec-job')}${IE}`);
    expect(deleted.status).toBe(409);
    conforms(deleted.body, 'ErrorResponse', IMPORT_EXPORT_FACTS);
  });

  it('Microsoft.DataBox 2022-12-01 (customer disk)', async () => {
    const body = {
      location: 'westus',
      sku: { name: 'DataBoxCustomerDisk' },
      properties: {
        transferType: 'ImportToAzure',
        details: {
          jobDetailsType: 'DataBoxCustomerDisk',
          contactDetails: { contactName: 'Ops', phone: '1', emailList: ['ops@seedship.example'] },
          shippingAddress: { streetAddress1: '1 Lane', country: 'US' },
          dataImportDetails: [{ accountDetails: { dataAccountType: 'StorageAccount', storageAccountId: storageAccountId(RG, 'devstoreaccount1') } }],
          importDiskDetailsCollection: { SPECDISK1: { manifestFile: '\\DriveManifest.xml', manifestHash: 'D'.repeat(32), bitLockerKey: recoveryPasswordFor(2) } },
          returnToCustomerPackageDetails: { carrierName: 'UPS', carrierAccountNumber: '9' },
        },
      },
    };
    const put = await rawArm(sim, 'PUT', `${dbJob('specjob')}${DB}`, body);
    expect(put.status).toBe(202);
    const asyncOperation = put.headers['azure-asyncoperation'];
    expect(typeof asyncOperation).toBe('string');
    expect(put.headers['location']).toBe(asyncOperation);
    const client = new DataBoxManagementClient(sim.credential, SUBSCRIPTION, sim.clientOptions);
    conforms((await rawArm(sim, 'GET', `${dbJob('specjob')}${DB}`)).body, 'JobResource', DATA_BOX_FACTS);
    await eventually(async () => expect((await client.jobs.get(RG, 'specjob')).status).toBe('AwaitingShipmentDetails'), {
      description: 'the create operation to finish',
    });
    await client.jobs.markDevicesShipped('specjob', RG, { deliverToDcPackageDetails: { carrierName: 'UPS', trackingId: 'SPEC-DB-1' } });
    conforms((await rawArm(sim, 'GET', `${dbJob('specjob')}${DB}&$expand=details`)).body, 'JobResource', DATA_BOX_FACTS);
    const patched = await rawArm(sim, 'PATCH', `${dbJob('specjob')}${DB}`, { tags: { a: 'b' } });
    expect(patched.status).toBe(200);
    conforms(patched.body, 'JobResource', DATA_BOX_FACTS);
    conforms((await rawArm(sim, 'GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.DataBox/jobs${DB}`)).body, 'JobResourceList', DATA_BOX_FACTS);
    conforms(
      (await rawArm(sim, 'GET', `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.DataBox/jobs${DB}`)).body,
      'JobResourceList',
      DATA_BOX_FACTS,
    );
    conforms((await rawArm(sim, 'GET', `/providers/Microsoft.DataBox/operations${DB}`)).body, 'OperationList', DATA_BOX_FACTS);
    const refused = await rawArm(sim, 'PUT', `${dbJob('specbad')}${DB}`, { ...body, sku: { name: 'DataBox' } });
    expect(refused.status).toBe(400);
    conforms(refused.body, 'ApiError', DATA_BOX_FACTS);
    const badVersion = await rawArm(sim, 'GET', `${dbJob('specjob')}?api-version=2018-01-01`);
    expect(badVersion.status).toBe(400);
    conforms(badVersion.body, 'ApiError', DATA_BOX_FACTS);
  });
});
