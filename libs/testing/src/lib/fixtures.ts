import path from 'node:path';

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

/**
 * Windows-made BitLocker volumes (cryptsetup's test images) with their passwords in images.conf,
 * kept in the repository so tests of a clean clone find them (see fixtures/windows-bitlocker/README.md).
 */
export const WINDOWS_BITLOCKER_ARCHIVE = path.resolve(__dirname, '../../fixtures/windows-bitlocker/bitlk-images.tar.xz');
