import { randomInt } from 'node:crypto';
import path from 'node:path';

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

import { type Logger } from '@seedship/logging';

import { AZURE_SIM_CONFIG, AZURE_SIM_LOGGER, type AzureSimConfig } from '../config/azure-sim-config';
import { JsonStore } from '../store/json-store';

import { DatacenterErrorCode, DatacenterException } from './datacenter.exception';
import { DriveFaults, DriveRegistration } from './drive-faults';
import { DriveImporter, type DriveProgress } from './drive-importer';
import { Shipment, type ShipmentDrive, type ShipmentOrder } from './shipment';

/**
 * The simulated datacenter both ARM APIs share. A job's package is announced with `ship` when the
 * customer reports it shipped; `deliver` (control API, CLI, or the carrier delay) makes it arrive. Then
 * each registered drive image is imported and the package goes Received → Transferring → Packaging →
 * Completed, each drive Specified → Received → Transferring → Completed | CompletedMoreInfo (or
 * NeverReceived). Every step is written to disk first, so a restart resumes where it stopped.
 */
@Injectable()
export class DatacenterService implements OnModuleInit, OnModuleDestroy {
  private readonly shipments: JsonStore<typeof Shipment>;
  private readonly drives: JsonStore<typeof DriveRegistration>;
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(
    @Inject(AZURE_SIM_CONFIG) private readonly config: AzureSimConfig,
    @Inject(AZURE_SIM_LOGGER) private readonly logger: Logger,
    @Inject(DriveImporter) private readonly importer: DriveImporter,
  ) {
    this.shipments = new JsonStore(path.join(config.AZURE_SIM_DATA_DIR, 'datacenter', 'shipments'), Shipment);
    this.drives = new JsonStore(path.join(config.AZURE_SIM_DATA_DIR, 'datacenter', 'drives'), DriveRegistration);
  }

  async onModuleInit(): Promise<void> {
    for (const shipment of await this.shipments.list()) {
      if (shipment.phase === 'InTransit') this.scheduleCarrier(shipment);
      if (shipment.phase === 'Received' || shipment.phase === 'Transferring' || shipment.phase === 'Packaging') {
        this.logger.info({ shipment: shipment.key }, 'resuming the import of a package after a restart');
        this.startProcessing(shipment.key);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  get(key: string): Promise<Shipment | undefined> {
    return this.shipments.get(key);
  }

  list(): Promise<Shipment[]> {
    return this.shipments.list();
  }

  async findByTrackingNumber(trackingNumber: string): Promise<Shipment | undefined> {
    const wanted = normaliseTracking(trackingNumber);
    return (await this.shipments.list()).find(
      (shipment) => normaliseTracking(shipment.trackingNumber) === wanted && shipment.phase !== 'Cancelled',
    );
  }

  /** The customer reported the package shipped. Idempotent for the same job. */
  async ship(order: ShipmentOrder): Promise<Shipment> {
    const shipment = await this.shipments.update(order.jobKey, (current) => {
      if (current && current.phase !== 'Cancelled') return current;
      const drives: ShipmentDrive[] = order.drives.map((drive) => ({
        ...drive,
        state: 'Specified',
        percentComplete: 0,
        bytesSucceeded: 0,
        totalBytes: 0,
        blobsSucceeded: 0,
        totalBlobs: 0,
      }));
      return {
        key: order.jobKey,
        api: order.api,
        jobName: order.jobName,
        location: order.location,
        storageAccount: order.storageAccount,
        diagnosticsPath: order.diagnosticsPath,
        verboseLog: order.verboseLog,
        backupManifest: order.backupManifest,
        carrierName: order.carrierName,
        trackingNumber: order.trackingNumber,
        shippedAt: new Date().toISOString(),
        phase: 'InTransit' as const,
        ...(order.returnCarrierName ? { returnCarrierName: order.returnCarrierName } : {}),
        drives,
      };
    });
    this.logger.info({ shipment: shipment.key, trackingNumber: shipment.trackingNumber }, 'package shipped to the datacenter');
    this.scheduleCarrier(shipment);
    return shipment;
  }

  /** Cancels a package that has not arrived. Returns false when it has already been received. */
  async cancel(key: string): Promise<boolean> {
    let cancelled = false;
    await this.shipments.update(key, (current) => {
      if (!current || current.phase !== 'InTransit') return undefined;
      cancelled = true;
      return { ...current, phase: 'Cancelled' as const };
    });
    return cancelled;
  }

  async forget(key: string): Promise<void> {
    await this.running.get(key);
    await this.shipments.delete(key);
  }

  async registerDrive(driveId: string, imagePath: string): Promise<DriveRegistration> {
    if (!path.isAbsolute(imagePath)) {
      throw new DatacenterException(DatacenterErrorCode.InvalidRequest, `imagePath must be an absolute path; got '${imagePath}'.`);
    }
    return this.drives.update(driveId.toUpperCase(), (current) => ({
      driveId,
      imagePath,
      faults: current?.faults ?? DriveFaults.parse({}),
    }));
  }

  async setFaults(driveId: string, faults: DriveFaults): Promise<DriveRegistration> {
    const updated = await this.drives.update(driveId.toUpperCase(), (current) => (current ? { ...current, faults } : undefined));
    if (!updated) {
      throw new DatacenterException(DatacenterErrorCode.DriveNotRegistered, `No drive image is registered for drive ${driveId}; register it first.`);
    }
    return updated;
  }

  listDrives(): Promise<DriveRegistration[]> {
    return this.drives.list();
  }

  /** The carrier delivered the package with this tracking number. */
  async deliver(trackingNumber: string): Promise<Shipment> {
    const found = await this.findByTrackingNumber(trackingNumber);
    if (!found) {
      throw new DatacenterException(DatacenterErrorCode.PackageNotFound, `No shipped package has tracking number ${trackingNumber}.`);
    }
    return this.receive(found.key);
  }

  /** Resolves once the package's import (if running) has finished; for orderly shutdown and tests of this class. */
  async settled(key: string): Promise<void> {
    await this.running.get(key);
  }

  private async receive(key: string): Promise<Shipment> {
    const registrations = new Map((await this.drives.list()).map((drive) => [drive.driveId.toUpperCase(), drive]));
    const received = await this.shipments.update(key, (current) => {
      if (!current) throw new DatacenterException(DatacenterErrorCode.PackageNotFound, `No package is recorded for ${key}.`);
      if (current.phase !== 'InTransit') {
        throw new DatacenterException(
          DatacenterErrorCode.PackageNotInTransit,
          `The package with tracking number ${current.trackingNumber} is ${current.phase}, not in transit; it cannot be delivered again.`,
        );
      }
      const drives = current.drives.map((drive): ShipmentDrive => {
        const registration = registrations.get(drive.driveId.toUpperCase());
        const arrived = registration !== undefined && !registration.faults.neverReceived;
        return arrived
          ? { ...drive, state: 'Received' }
          : { ...drive, state: 'NeverReceived', problem: 'NeverReceived', copyStatus: 'Drive was not received at the datacenter' };
      });
      return { ...current, phase: 'Received' as const, receivedAt: new Date().toISOString(), drives };
    });
    this.logger.info({ shipment: key }, 'package received at the datacenter');
    this.startProcessing(key);
    return received;
  }

  private startProcessing(key: string): void {
    if (this.running.has(key) || this.stopping) return;
    const run = this.process(key)
      .catch((error: unknown) => this.logger.error({ err: error, shipment: key }, 'the import of a package failed'))
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  private async process(key: string): Promise<void> {
    await this.shipments.update(key, (current) =>
      current && current.phase === 'Received'
        ? { ...current, phase: 'Transferring' as const, transferStartedAt: new Date().toISOString() }
        : current,
    );
    const registrations = new Map((await this.drives.list()).map((drive) => [drive.driveId.toUpperCase(), drive]));
    for (;;) {
      if (this.stopping) return;
      const shipment = await this.shipments.get(key);
      if (!shipment || shipment.phase !== 'Transferring') break;
      // A drive left in Transferring by a restart is imported again from the start, as a re-run would.
      const next = shipment.drives.find((drive) => drive.state === 'Received' || drive.state === 'Transferring');
      if (!next) break;
      const registration = registrations.get(next.driveId.toUpperCase());
      if (!registration) {
        await this.setDrive(key, next.driveId, { state: 'CompletedMoreInfo', problem: 'NeverReceived' });
        continue;
      }
      await this.setDrive(key, next.driveId, { state: 'Transferring', copyStatus: 'In progress', percentComplete: 0, bytesSucceeded: 0 });
      const result = await this.importer.importDrive(shipment, next, registration, (progress) => this.recordProgress(key, next.driveId, progress));
      const ok = result.problem === undefined;
      await this.setDrive(key, next.driveId, {
        state: ok ? 'Completed' : 'CompletedMoreInfo',
        copyStatus: ok ? 'Completed' : copyStatusOf(result.problem),
        percentComplete: ok ? 100 : percentOf(result),
        bytesSucceeded: result.bytesSucceeded,
        totalBytes: result.totalBytes,
        blobsSucceeded: result.blobsSucceeded,
        totalBlobs: result.totalBlobs,
        ...(result.problem ? { problem: result.problem } : {}),
        ...(result.errorLogUri ? { errorLogUri: result.errorLogUri } : {}),
        ...(result.verboseLogUri ? { verboseLogUri: result.verboseLogUri } : {}),
        ...(result.manifestUri ? { manifestUri: result.manifestUri } : {}),
      });
      this.logger.info({ shipment: key, driveId: next.driveId, problem: result.problem }, 'drive import finished');
    }
    await this.shipments.update(key, (current) => (current && current.phase === 'Transferring' ? { ...current, phase: 'Packaging' as const } : current));
    await this.shipments.update(key, (current) =>
      current && current.phase === 'Packaging'
        ? {
            ...current,
            phase: 'Completed' as const,
            completedAt: new Date().toISOString(),
            returnCarrierName: current.returnCarrierName ?? current.carrierName,
            returnTrackingNumber: `SIM${String(randomInt(10 ** 9, 10 ** 10))}`,
          }
        : current,
    );
    this.logger.info({ shipment: key }, 'package completed and drives shipped back');
  }

  private async recordProgress(key: string, driveId: string, progress: DriveProgress): Promise<void> {
    await this.setDrive(key, driveId, {
      bytesSucceeded: progress.bytesSucceeded,
      totalBytes: progress.totalBytes,
      blobsSucceeded: progress.blobsSucceeded,
      totalBlobs: progress.totalBlobs,
      percentComplete: percentOf(progress),
    });
  }

  private async setDrive(key: string, driveId: string, change: Partial<ShipmentDrive>): Promise<void> {
    await this.shipments.update(key, (current) =>
      current ? { ...current, drives: current.drives.map((drive) => (drive.driveId === driveId ? { ...drive, ...change } : drive)) } : current,
    );
  }

  private scheduleCarrier(shipment: Shipment): void {
    const delay = this.config.AZURE_SIM_CARRIER_DELAY_MS;
    if (delay === undefined || shipment.phase !== 'InTransit' || this.stopping) return;
    const remaining = Math.max(0, Date.parse(shipment.shippedAt) + delay - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.receive(shipment.key).catch((error: unknown) => {
        if (error instanceof DatacenterException && error.code === DatacenterErrorCode.PackageNotInTransit) return;
        this.logger.error({ err: error, shipment: shipment.key }, 'the simulated carrier could not deliver a package');
      });
    }, remaining);
    timer.unref();
    this.timers.add(timer);
  }
}

function percentOf(progress: { bytesSucceeded: number; totalBytes: number }): number {
  if (progress.totalBytes === 0) return 0;
  return Math.min(100, Math.floor((progress.bytesSucceeded * 100) / progress.totalBytes));
}

function copyStatusOf(problem: ShipmentDrive['problem']): string {
  switch (problem) {
    case undefined:
      return 'Completed';
    case 'NeverReceived':
      return 'Drive was not received at the datacenter';
    case 'DriveUnreadable':
      return 'Failed: the drive could not be read';
    case 'BitLockerKeyInvalid':
      return 'Failed: the BitLocker key did not unlock the drive';
    case 'ManifestMissing':
      return 'Failed: the manifest file was not found on the drive';
    case 'ManifestHashMismatch':
      return 'Failed: the manifest hash does not match the job';
    case 'ManifestInvalid':
      return 'Failed: the manifest is invalid';
    case 'BlobErrors':
      return 'Completed with errors; see the error log';
    default:
      return assertUnreachable(problem);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled drive problem ${String(value)}`);
}

function normaliseTracking(trackingNumber: string): string {
  return trackingNumber.replace(/\s+/g, '').toUpperCase();
}
