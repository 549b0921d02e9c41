import { randomInt } from 'node:crypto';

import { type PrismaClient } from '@seedship/db';
import { MasterKey, encryptSecret, recoveryPasswordContext } from '@seedship/secrets';
import { sampleJobData } from './fixtures';

const TB = 1_000_000_000_000n;
const GB = 1_000_000_000n;

export interface DemoFleet {
  jobs: { preparing: string; shipping: string; transferring: string; failed: string; seeded: string; awaiting: string };
  drives: { writing: string; ready: string; needsWipe: string };
  nodeName: string;
  recoveryPasswords: Record<string, string>;
}

/** A BitLocker recovery password in the real format: 8 groups of 6 digits, each a multiple of 11. */
export function randomRecoveryPassword(): string {
  return Array.from({ length: 8 }, () => String(randomInt(65536) * 11).padStart(6, '0')).join('-');
}

/**
 * A small running fleet, as the services would have written it: two copy nodes with bays, jobs in most
 * states of the flow, drives being written, a drive with data waiting for wipe confirmation, a package
 * near its deadline, Azure observations, and sealed recovery passwords.
 */
export async function seedDemoFleet(prisma: PrismaClient, masterKeyHex: string, now = new Date()): Promise<DemoFleet> {
  const masterKey = MasterKey.fromHex(masterKeyHex);
  const nodeA = await prisma.copyNode.create({ data: { nodeName: 'copy-node-a', agentVersion: '0.1.0', lastHeartbeatAt: now } });
  const nodeB = await prisma.copyNode.create({
    data: { nodeName: 'copy-node-b', agentVersion: '0.1.0', lastHeartbeatAt: new Date(now.getTime() - 10 * 60_000) },
  });
  const bays: Array<{ id: string }> = [];
  for (const node of [nodeA, nodeB]) {
    for (let slot = 1; slot <= 4; slot++) {
      bays.push(await prisma.bay.create({ data: { nodeId: node.id, slot: `pci-0000:00:17.0-ata-${slot}`, label: `Bay ${slot}` } }));
    }
  }
  const bay = (index: number) => {
    const found = bays[index];
    if (!found) throw new Error(`no bay ${index}`);
    return found;
  };

  const job = async (name: string, state: Parameters<PrismaClient['seedingJob']['create']>[0]['data']['state'], extra = {}) =>
    prisma.seedingJob.create({ data: { ...sampleJobData(name), state, ...extra } });
  const preparing = await job('seed-finance-2026', 'PREPARING_DRIVES', { bytesNeedingDrives: 0n });
  const shipping = await job('seed-media-archive', 'SHIPPING', {
    provider: 'IMPORT_EXPORT',
    azureJobResourceId: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/seedship-rg/providers/Microsoft.ImportExport/jobs/seed-media-archive',
    datacenterAddress: {
      recipientName: 'Microsoft Azure Import/Export Service',
      streetAddress1: 'Datacenter Receiving Dock 4',
      city: 'Amsterdam',
      postalCode: '1101 AA',
      countryOrRegion: 'Netherlands',
      phone: '+31 20 000 0000',
    },
  });
  const transferring = await job('seed-hr-records', 'TRANSFERRING');
  const failed = await job('seed-legal-vault', 'FAILED', { failedInState: 'PREPARING_DRIVES', failureReason: 'drive WD-LEGAL-1 failed read-back verification' });
  const seeded = await job('seed-eng-backups', 'SEEDED');
  const awaiting = await job('seed-ops-logs', 'AWAITING_DRIVES', { bytesNeedingDrives: 2n * TB });

  for (const [jobId, bytes] of [
    [preparing.id, 2n * TB],
    [shipping.id, 3n * TB],
    [transferring.id, 1n * TB],
    [seeded.id, 500n * GB],
    [awaiting.id, 2n * TB],
  ] as const) {
    await prisma.stagingSnapshot.create({
      data: { jobId, kind: 'FULL', state: 'SEALED', sourceBytes: bytes, storedBytes: bytes / 2n, fileCount: 1000n, sealedAt: now },
    });
  }

  const recoveryPasswords: Record<string, string> = {};
  const drive = async (serialNumber: string, data: Record<string, unknown>, withPassword = false) => {
    const created = await prisma.drive.create({
      data: { serialNumber, model: 'WDC WD10EZEX', transport: 'sata', sizeBytes: 1n * TB, logicalSectorSize: 512, rotational: true, ...data },
    });
    if (withPassword) {
      const password = randomRecoveryPassword();
      recoveryPasswords[created.id] = password;
      await prisma.drive.update({
        where: { id: created.id },
        data: { recoveryPasswordCiphertext: encryptSecret(masterKey, password, recoveryPasswordContext(created.id)) },
      });
    }
    return created;
  };
  const writing = await drive(
    'WD-FIN-0001',
    { state: 'WRITING', jobId: preparing.id, nodeId: nodeA.id, bayId: bay(0).id, bytesPlanned: 1n * TB, bytesWritten: 400n * GB, claimedAt: now },
    true,
  );
  const ready = await drive(
    'WD-FIN-0002',
    { state: 'READY', jobId: preparing.id, nodeId: nodeA.id, bayId: bay(1).id, bytesPlanned: 1n * TB, bytesWritten: 1n * TB, verifiedAt: now },
    true,
  );
  const needsWipe = await drive('ST-USED-0042', {
    state: 'NEEDS_WIPE_CONFIRMATION',
    stateReason: 'has a GPT partition table with an NTFS partition',
    nodeId: nodeA.id,
    bayId: bay(2).id,
  });
  for (let index = 1; index <= 3; index++) {
    await drive(`WD-MEDIA-000${index}`, { state: 'SHIPPED', jobId: shipping.id, bytesPlanned: 1n * TB, bytesWritten: 1n * TB, verifiedAt: now }, true);
  }
  const hrDrive = await drive('WD-HR-0001', { state: 'SHIPPED', jobId: transferring.id, bytesPlanned: 1n * TB, bytesWritten: 1n * TB }, true);
  await drive('WD-LEGAL-1', {
    state: 'FAILED',
    stateReason: 'read-back MD5 mismatch in block 1882',
    jobId: failed.id,
    nodeId: nodeB.id,
    bayId: bay(4).id,
    bytesPlanned: 1n * TB,
    bytesWritten: 1n * TB,
  });

  const inTwoDays = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2));
  await prisma.shipment.create({
    data: {
      jobId: shipping.id,
      direction: 'DELIVERY',
      carrierName: 'DHL',
      trackingNumber: 'JD014600003828350999',
      driveCount: 3,
      // Azure wants drives to arrive within two weeks of shipping (the schema checks it).
      shipDate: new Date(inTwoDays.getTime() - 14 * 86_400_000),
      arrivalDeadline: inTwoDays,
      carrierStatus: 'InTransit',
    },
  });
  await prisma.shipment.create({
    data: { jobId: shipping.id, direction: 'RETURN', carrierName: 'DHL', carrierAccountNumber: '123456789' },
  });
  await prisma.azureJobStatus.create({ data: { jobId: shipping.id, provider: 'IMPORT_EXPORT', azureState: 'Shipping', raw: { state: 'Shipping' } } });
  await prisma.azureJobStatus.create({
    data: { jobId: transferring.id, provider: 'DATABOX_CUSTOMER_DISK', azureState: 'DataCopy', percentComplete: 40, raw: { status: 'DataCopy' } },
  });
  await prisma.azureDriveStatus.create({
    data: {
      jobId: transferring.id,
      driveId: hrDrive.id,
      azureDriveId: 'WD-HR-0001',
      azureState: 'Transferring',
      copyStatus: 'InProgress',
      percentComplete: 40,
      bytesSucceeded: 400n * GB,
      raw: { state: 'Transferring' },
    },
  });
  await prisma.jobTimelineEntry.createMany({
    data: [
      { jobId: preparing.id, actor: 'system:staging-ingest', action: 'state-changed', fromState: 'STAGING', toState: 'STAGED', at: new Date(now.getTime() - 3_600_000) },
      { jobId: preparing.id, actor: 'system:import-orchestrator', action: 'state-changed', fromState: 'STAGED', toState: 'AWAITING_DRIVES', at: new Date(now.getTime() - 3_000_000) },
      { jobId: preparing.id, actor: 'system:disk-prep-agent', action: 'state-changed', fromState: 'AWAITING_DRIVES', toState: 'PREPARING_DRIVES', at: new Date(now.getTime() - 2_400_000) },
    ],
  });
  // Waiting two days for drives: the console must call that stuck.
  await prisma.$executeRaw`UPDATE seeding_job SET updated_at = ${new Date(now.getTime() - 2 * 86_400_000)} WHERE id = ${awaiting.id}::uuid`;

  return {
    jobs: { preparing: preparing.id, shipping: shipping.id, transferring: transferring.id, failed: failed.id, seeded: seeded.id, awaiting: awaiting.id },
    drives: { writing: writing.id, ready: ready.id, needsWipe: needsWipe.id },
    nodeName: nodeA.nodeName,
    recoveryPasswords,
  };
}
