/** The fields of a seeding job a test does not care about, with valid values. */
export function sampleJobData(importJobName: string) {
  return {
    importJobName,
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    resourceGroup: 'seedship-rg',
    storageAccount: 'seedshipstore',
    container: 'seed',
    location: 'westeurope',
    stagingLocation: '/staging/test',
  };
}
