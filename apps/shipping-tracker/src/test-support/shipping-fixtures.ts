import { randomBytes, randomInt } from 'node:crypto';

import { type Prisma, type PrismaClient } from '@seedship/db';
import { startNodeService, type NodeServiceProcess } from '@seedship/testing';

/** The West Europe datacenter as the Azure Locations API returns its properties (azure-sim's data). */
export const WEST_EUROPE_LOCATION = {
  recipientName: 'Microsoft Azure Import/Export Service (simulated)',
  streetAddress1: 'Seedship azure-sim receiving dock, West Europe',
  streetAddress2: 'Not a real address: simulator only',
  city: 'Amsterdam',
  stateOrProvince: 'Noord-Holland',
  postalCode: '1101',
  countryOrRegion: 'Netherlands',
  phone: '+31 555 0100 004',
  supportedCarriers: ['Blue Dart', 'DHL', 'FedEx', 'TNT', 'UPS'],
};

export interface ShippableJob {
  readonly id: string;
  readonly importJobName: string;
  readonly serials: readonly string[];
}

/** A job whose Azure import job exists and whose drives are ready, as the orchestrator leaves it. */
export async function createShippableJob(
  prisma: PrismaClient,
  options: { drives?: number; state?: 'IMPORT_JOB_CREATED' | 'SHIPPING' | 'STAGED'; datacenterAddress?: Prisma.InputJsonValue | null } = {},
): Promise<ShippableJob> {
  const suffix = randomBytes(4).toString('hex');
  const job = await prisma.seedingJob.create({
    data: {
      importJobName: `ship-${suffix}`,
      state: options.state ?? 'IMPORT_JOB_CREATED',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      resourceGroup: 'seedship-rg',
      storageAccount: 'seedshipstore',
      container: 'seed',
      location: 'westeurope',
      stagingLocation: '/staging',
      ...(options.datacenterAddress === null ? {} : { datacenterAddress: options.datacenterAddress ?? WEST_EUROPE_LOCATION }),
    },
  });
  const serials = Array.from({ length: options.drives ?? 2 }, (_, index) => `WD-${suffix.toUpperCase()}${index}`);
  for (const serialNumber of serials) {
    await prisma.drive.create({
      data: { serialNumber, transport: 'sata', sizeBytes: 4n * 10n ** 12n, logicalSectorSize: 512, rotational: true, state: 'READY', jobId: job.id },
    });
  }
  return { id: job.id, importJobName: job.importJobName, serials };
}

let dhlSequence = randomInt(100_000_000, 900_000_000);

/** A fresh valid DHL Express waybill: nine digits and their remainder by 7 (the published rule). */
export function nextDhlWaybill(): string {
  dhlSequence += 1;
  return `${dhlSequence}${dhlSequence % 7}`;
}

export function startShippingTracker(env: Record<string, string>): Promise<NodeServiceProcess> {
  return startNodeService({ entry: 'apps/shipping-tracker/src/main.ts', listeningMessage: 'shipping-tracker listening', env });
}

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function http(method: string, url: string, body?: unknown): Promise<HttpResult> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? { 'x-seedship-user': 'test-operator' } : { 'content-type': 'application/json', 'x-seedship-user': 'test-operator' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
