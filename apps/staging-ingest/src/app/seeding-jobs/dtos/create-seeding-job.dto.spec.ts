import { seedingJobSchemaFor } from './create-seeding-job.dto';

const body = {
  importJobName: 'seed_job_1',
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  resourceGroup: 'seedship-rg',
  storageAccount: 'seedshipstore',
  container: 'seed',
  location: 'westeurope',
  stagingLocation: '/staging',
};

describe('POST /seeding-jobs body', () => {
  it('gives a job that names no provider the configured default, and keeps one it names', () => {
    expect(seedingJobSchemaFor('IMPORT_EXPORT').parse(body).provider).toBe('IMPORT_EXPORT');
    expect(seedingJobSchemaFor('DATABOX_CUSTOMER_DISK').parse(body).provider).toBe('DATABOX_CUSTOMER_DISK');
    expect(seedingJobSchemaFor('IMPORT_EXPORT').parse({ ...body, provider: 'DATABOX_CUSTOMER_DISK' }).provider).toBe('DATABOX_CUSTOMER_DISK');
  });

  it('checks the job name against the rules of the provider the job gets', () => {
    const long = { ...body, importJobName: 'a-name-longer-than-24-characters' };
    expect(seedingJobSchemaFor('IMPORT_EXPORT').safeParse(long).success).toBe(true);
    expect(seedingJobSchemaFor('DATABOX_CUSTOMER_DISK').safeParse(long).success).toBe(false);
  });

  it('refuses hyphens for Data Box, whose API would refuse the job later, and allows them for Import/Export', () => {
    const hyphenated = { ...body, importJobName: 'seed-job-1' };
    expect(seedingJobSchemaFor('IMPORT_EXPORT').safeParse(hyphenated).success).toBe(true);
    const refused = seedingJobSchemaFor('DATABOX_CUSTOMER_DISK').safeParse(hyphenated);
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('no hyphens; IMPORT_EXPORT allows them');
  });
});
