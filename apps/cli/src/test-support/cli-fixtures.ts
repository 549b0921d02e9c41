import { randomBytes, randomInt } from 'node:crypto';

import { type PrismaClient } from '@seedship/db';

/** The West Europe datacenter's Locations API properties, as the orchestrator stores them (azure-sim's data). */
const WEST_EUROPE = {
  recipientName: 'Microsoft Azure Import/Export Service (simulated)',
  streetAddress1: 'Seedship azure-sim receiving dock, West Europe',
  city: 'Amsterdam',
  postalCode: '1101',
  countryOrRegion: 'Netherlands',
  supportedCarriers: ['Blue Dart', 'DHL', 'FedEx', 'TNT', 'UPS'],
};

/** A job the orchestrator has left waiting for shipment: Azure job created, two drives ready. */
export async function createJobAwaitingShipment(prisma: PrismaClient, name: string): Promise<{ id: string; importJobName: string; serials: string[] }> {
  const suffix = randomBytes(3).toString('hex').toUpperCase();
  const job = await prisma.seedingJob.create({
    data: {
      importJobName: name,
      state: 'IMPORT_JOB_CREATED',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      resourceGroup: 'seedship-rg',
      storageAccount: 'seedshipstore',
      container: 'seed',
      location: 'westeurope',
      stagingLocation: '/staging',
      datacenterAddress: WEST_EUROPE,
    },
  });
  const serials = [`WD-${suffix}A`, `WD-${suffix}B`];
  for (const serialNumber of serials) {
    await prisma.drive.create({ data: { serialNumber, transport: 'sata', sizeBytes: 4n * 10n ** 12n, logicalSectorSize: 512, rotational: true, state: 'READY', jobId: job.id } });
  }
  return { id: job.id, importJobName: job.importJobName, serials };
}

let sequence = randomInt(100_000_000, 900_000_000);

/** A fresh valid DHL Express waybill (nine digits and their remainder by 7). */
export function nextDhlWaybill(): string {
  sequence += 1;
  return `${sequence}${sequence % 7}`;
}
