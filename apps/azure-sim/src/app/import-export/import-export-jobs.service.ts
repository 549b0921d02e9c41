import path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ArmErrorCode, ArmException } from '../arm/arm.exception';
import { parseBody } from '../arm/parse-body';
import { parseStorageAccountId, requireResourceName } from '../arm/resource-names';
import { AZURE_SIM_CONFIG, type AzureSimConfig } from '../config/azure-sim-config';
import { findDatacenterLocation } from '../datacenter/datacenter-locations';
import { DatacenterService } from '../datacenter/datacenter.service';
import { StorageAccounts } from '../datacenter/storage-accounts';
import { type Shipment, shipmentKey } from '../datacenter/shipment';
import { JsonStore } from '../store/json-store';

import { DriveListSchema, PutJobParametersSchema, UpdateJobParametersSchema } from './dtos/import-export-schemas';
import { ImportExportJobRecord, type ImportExportJobState, importExportJobKey } from './import-export-job.record';

/** A job as the API shows it: the customer's record joined with the datacenter's view of the package. */
export interface ImportExportJobView {
  readonly record: ImportExportJobRecord;
  readonly shipment: Shipment | undefined;
  readonly state: ImportExportJobState;
}

// Not in the REST spec; the portal accepts 2-64 letters, digits, hyphens and underscores. Documented choice.
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;

/** Which UpdateJobParameters properties each job state accepts (documented per property below). */
const UPDATABLE_IN: Record<string, readonly ImportExportJobState[]> = {
  // Drives are fixed once the package is on its way.
  driveList: ['Creating'],
  // The package can be reported (and corrected) until it arrives.
  deliveryPackage: ['Creating', 'Shipping'],
  // Where and how to return drives matters until they are packed.
  returnAddress: ['Creating', 'Shipping', 'Received', 'Transferring'],
  returnShipping: ['Creating', 'Shipping', 'Received', 'Transferring'],
  // Logging choices apply to the copy, so they close when it starts.
  logLevel: ['Creating', 'Shipping', 'Received'],
  backupDriveManifest: ['Creating', 'Shipping', 'Received'],
};

/** Microsoft.ImportExport jobs with the service's rules, kept on disk. */
@Injectable()
export class ImportExportJobsService {
  private readonly jobs: JsonStore<typeof ImportExportJobRecord>;

  constructor(
    @Inject(AZURE_SIM_CONFIG) config: AzureSimConfig,
    @Inject(DatacenterService) private readonly datacenter: DatacenterService,
    @Inject(StorageAccounts) private readonly accounts: StorageAccounts,
  ) {
    this.jobs = new JsonStore(path.join(config.AZURE_SIM_DATA_DIR, 'import-export', 'jobs'), ImportExportJobRecord);
  }

  async create(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<ImportExportJobView> {
    requireResourceName(name, JOB_NAME, 'use 2-64 letters, digits, hyphens or underscores, starting with a letter or digit.');
    const input = parseBody(PutJobParametersSchema, body, 'job (PutJobParameters)');
    const location = findDatacenterLocation(input.location);
    if (!location) {
      throw new ArmException(
        ArmErrorCode.LocationNotFound,
        `The location '${input.location}' does not accept Import/Export jobs. Use Locations_List for the supported locations.`,
        'location',
      );
    }
    const properties = input.properties;
    if (properties.jobType === 'Export') {
      throw new ArmException(
        ArmErrorCode.InvalidRequestContent,
        "jobType 'Export' is not simulated: azure-sim receives import drives only. Use jobType 'Import'.",
        'properties.jobType',
      );
    }
    const account = parseStorageAccountId(properties.storageAccountId, 'properties.storageAccountId');
    if (!this.accounts.has(account.accountName)) {
      throw new ArmException(
        ArmErrorCode.InvalidRequestContent,
        `The storage account '${account.accountName}' was not found. Known accounts: ${this.accounts.names().join(', ')}.`,
        'properties.storageAccountId',
      );
    }
    const driveList = parseBody(DriveListSchema, properties.driveList, 'properties.driveList');
    if (properties.deliveryPackage) await this.requireFreeTrackingNumber(properties.deliveryPackage.trackingNumber, undefined);
    const key = importExportJobKey(subscriptionId, resourceGroup, name);
    const now = new Date().toISOString();
    const record = await this.jobs.update(key, (current) => {
      if (current) {
        throw new ArmException(
          ArmErrorCode.Conflict,
          `A job named '${current.name}' already exists in resource group '${current.resourceGroup}'. Job names are unique; change this job with Jobs_Update or choose another name.`,
          'jobName',
        );
      }
      return {
        subscriptionId,
        resourceGroup,
        name,
        location: location.name,
        tags: input.tags ?? {},
        createdAt: now,
        lastModifiedAt: now,
        storageAccountId: properties.storageAccountId,
        jobType: properties.jobType,
        ...(properties.returnAddress ? { returnAddress: properties.returnAddress } : {}),
        ...(properties.returnShipping ? { returnShipping: properties.returnShipping } : {}),
        ...(properties.deliveryPackage ? { deliveryPackage: properties.deliveryPackage } : {}),
        diagnosticsPath: properties.diagnosticsPath,
        logLevel: properties.logLevel,
        backupDriveManifest: properties.backupDriveManifest,
        driveList,
        encryptionKey: properties.encryptionKey ?? { kekType: 'MicrosoftManaged' },
        customerState: 'Creating' as const,
        cancelRequested: false,
      };
    });
    return this.view(record);
  }

  async get(subscriptionId: string, resourceGroup: string, name: string): Promise<ImportExportJobView> {
    return this.view(await this.require(subscriptionId, resourceGroup, name));
  }

  async list(subscriptionId: string, resourceGroup: string | undefined): Promise<ImportExportJobView[]> {
    const records = (await this.jobs.list()).filter(
      (job) => job.subscriptionId === subscriptionId && (resourceGroup === undefined || job.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    );
    return Promise.all(records.map((record) => this.view(record)));
  }

  async update(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<ImportExportJobView> {
    const input = parseBody(UpdateJobParametersSchema, body, 'job update (UpdateJobParameters)');
    const key = importExportJobKey(subscriptionId, resourceGroup, name);
    const changes = input.properties ?? {};
    if (changes.deliveryPackage) await this.requireFreeTrackingNumber(changes.deliveryPackage.trackingNumber, key);
    const shipment = await this.datacenter.get(shipmentKey('ImportExport', subscriptionId, resourceGroup, name));
    let ship = false;
    let cancel = false;
    const record = await this.jobs.update(key, (current) => {
      if (!current) throw notFound(name, resourceGroup);
      const state = stateOf(current, shipment);
      if (current.cancelRequested && Object.keys(changes).length > 0) {
        throw new ArmException(ArmErrorCode.InvalidJobState, `Job '${name}' has been cancelled; only its tags can change.`);
      }
      for (const [property, allowed] of Object.entries(UPDATABLE_IN)) {
        if ((changes as Record<string, unknown>)[property] !== undefined && !allowed.includes(state)) {
          throw new ArmException(
            ArmErrorCode.PropertyNotUpdatable,
            `${property} cannot be changed while the job is ${state}; it can be changed only in ${allowed.join(', ')}.`,
            `properties.${property}`,
          );
        }
      }
      if (changes.cancelRequested !== undefined) {
        if (changes.cancelRequested !== true) {
          throw new ArmException(ArmErrorCode.InvalidRequestContent, 'cancelRequested, if given, must be true.', 'properties.cancelRequested');
        }
        if (state !== 'Creating' && state !== 'Shipping') {
          throw new ArmException(ArmErrorCode.InvalidJobState, `Job '${name}' is ${state}; a job can be cancelled only before its drives are received.`);
        }
        cancel = true;
      }
      const next: ImportExportJobRecord = {
        ...current,
        tags: input.tags ?? current.tags,
        ...(changes.returnAddress ? { returnAddress: changes.returnAddress } : {}),
        ...(changes.returnShipping ? { returnShipping: changes.returnShipping } : {}),
        ...(changes.deliveryPackage ? { deliveryPackage: changes.deliveryPackage } : {}),
        ...(changes.logLevel ? { logLevel: changes.logLevel } : {}),
        ...(changes.backupDriveManifest !== undefined ? { backupDriveManifest: changes.backupDriveManifest } : {}),
        ...(changes.driveList ? { driveList: changes.driveList } : {}),
        cancelRequested: current.cancelRequested || cancel,
        lastModifiedAt: new Date().toISOString(),
      };
      if (changes.state !== undefined) {
        if (changes.state !== 'Shipping') {
          throw new ArmException(ArmErrorCode.InvalidRequestContent, `state, if given, must be 'Shipping'; got '${changes.state}'.`, 'properties.state');
        }
        if (state !== 'Creating' && state !== 'Shipping') {
          throw new ArmException(ArmErrorCode.InvalidJobState, `Job '${name}' is ${state}; it can be marked Shipping only while Creating.`, 'properties.state');
        }
        const missing = [next.returnAddress ? undefined : 'returnAddress', next.deliveryPackage ? undefined : 'deliveryPackage'].filter(Boolean);
        if (missing.length > 0) {
          throw new ArmException(
            ArmErrorCode.InvalidRequestContent,
            `The job cannot move to Shipping without ${missing.join(' and ')}; set ${missing.length > 1 ? 'them' : 'it'} in this or an earlier request.`,
            `properties.${missing[0] ?? 'state'}`,
          );
        }
        if (state === 'Creating') ship = true;
        next.customerState = 'Shipping';
      }
      return next;
    });
    if (ship) await this.ship(record);
    if (cancel) await this.datacenter.cancel(shipmentKey('ImportExport', subscriptionId, resourceGroup, name));
    return this.view(record);
  }

  async delete(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    const key = importExportJobKey(subscriptionId, resourceGroup, name);
    const current = await this.require(subscriptionId, resourceGroup, name);
    const { state } = await this.view(current);
    const deletable = state === 'Creating' || state === 'Completed' || (current.cancelRequested && state === 'Shipping');
    if (!deletable) {
      throw new ArmException(
        ArmErrorCode.InvalidJobState,
        `Job '${name}' is ${state}. Only jobs in the Creating or Completed state (or cancelled before their drives arrived) can be deleted.`,
      );
    }
    await this.jobs.delete(key);
    await this.datacenter.forget(shipmentKey('ImportExport', subscriptionId, resourceGroup, name));
  }

  async bitLockerKeys(subscriptionId: string, resourceGroup: string, name: string): Promise<{ driveId: string; bitLockerKey: string }[]> {
    const record = await this.require(subscriptionId, resourceGroup, name);
    return record.driveList.map((drive) => ({ driveId: drive.driveId, bitLockerKey: drive.bitLockerKey }));
  }

  private async ship(record: ImportExportJobRecord): Promise<void> {
    const deliveryPackage = record.deliveryPackage;
    if (!deliveryPackage) return;
    await this.datacenter.ship({
      api: 'ImportExport',
      jobKey: shipmentKey('ImportExport', record.subscriptionId, record.resourceGroup, record.name),
      jobName: record.name,
      location: record.location,
      storageAccount: parseStorageAccountId(record.storageAccountId, 'properties.storageAccountId'),
      diagnosticsPath: record.diagnosticsPath,
      verboseLog: record.logLevel === 'Verbose',
      backupManifest: record.backupDriveManifest,
      carrierName: deliveryPackage.carrierName,
      trackingNumber: deliveryPackage.trackingNumber,
      ...(record.returnShipping ? { returnCarrierName: record.returnShipping.carrierName } : {}),
      drives: record.driveList.map((drive) => ({
        driveId: drive.driveId,
        bitLockerKey: drive.bitLockerKey,
        manifestFile: drive.manifestFile,
        manifestHash: drive.manifestHash,
      })),
    });
  }

  /** Two jobs can never share a tracking number (one package per job), across both APIs. */
  private async requireFreeTrackingNumber(trackingNumber: string, ownKey: string | undefined): Promise<void> {
    const wanted = trackingNumber.replace(/\s+/g, '').toUpperCase();
    const clash = (await this.jobs.list()).find(
      (job) =>
        importExportJobKey(job.subscriptionId, job.resourceGroup, job.name) !== ownKey &&
        job.deliveryPackage?.trackingNumber.replace(/\s+/g, '').toUpperCase() === wanted,
    );
    const shipment = await this.datacenter.findByTrackingNumber(trackingNumber);
    const ownShipment = ownKey === undefined ? undefined : `ImportExport/${ownKey}`;
    if (clash || (shipment && shipment.key !== ownShipment)) {
      throw new ArmException(
        ArmErrorCode.DuplicateTrackingNumber,
        `Tracking number ${trackingNumber} is already used by ${clash ? `job '${clash.name}'` : `job '${shipment?.jobName ?? ''}'`}. Each job ships in its own package with its own tracking number.`,
        'properties.deliveryPackage.trackingNumber',
      );
    }
  }

  private async require(subscriptionId: string, resourceGroup: string, name: string): Promise<ImportExportJobRecord> {
    const record = await this.jobs.get(importExportJobKey(subscriptionId, resourceGroup, name));
    if (!record || record.subscriptionId !== subscriptionId) throw notFound(name, resourceGroup);
    return record;
  }

  private async view(record: ImportExportJobRecord): Promise<ImportExportJobView> {
    const shipment = await this.datacenter.get(shipmentKey('ImportExport', record.subscriptionId, record.resourceGroup, record.name));
    return { record, shipment, state: stateOf(record, shipment) };
  }
}

function stateOf(record: ImportExportJobRecord, shipment: Shipment | undefined): ImportExportJobState {
  if (record.customerState === 'Creating' || !shipment) return record.customerState;
  switch (shipment.phase) {
    case 'InTransit':
    case 'Cancelled':
      return 'Shipping';
    case 'Received':
      return 'Received';
    case 'Transferring':
      return 'Transferring';
    case 'Packaging':
      return 'Packaging';
    case 'Completed':
      return 'Completed';
    default:
      return assertUnreachable(shipment.phase);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled shipment phase ${String(value)}`);
}

function notFound(name: string, resourceGroup: string): ArmException {
  return new ArmException(
    ArmErrorCode.ResourceNotFound,
    `The Resource 'Microsoft.ImportExport/jobs/${name}' under resource group '${resourceGroup}' was not found.`,
  );
}
