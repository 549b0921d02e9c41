import { randomUUID } from 'node:crypto';
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

import { DataBoxJobRecord, dataBoxJobKey } from './data-box-job.record';
import { jobStagesOf } from './data-box-job.stages';
import { CancellationReasonSchema, JobResourceSchema, JobUpdateSchema, MarkDevicesShippedSchema } from './dtos/data-box-schemas';

export interface DataBoxJobView {
  readonly record: DataBoxJobRecord;
  readonly shipment: Shipment | undefined;
  readonly status: string;
}

/** The spec's rule for Data Box job names. */
const JOB_NAME = /^[A-Za-z0-9_]{3,24}$/;
/** Stages before the disks arrive, while the customer can still cancel or edit the return details. */
const BEFORE_ARRIVAL = new Set(['DeviceOrdered', 'AwaitingShipmentDetails', 'ShippedToAzureDC']);

/** Microsoft.DataBox jobs with SKU DataBoxCustomerDisk, kept on disk. */
@Injectable()
export class DataBoxJobsService {
  private readonly jobs: JsonStore<typeof DataBoxJobRecord>;

  constructor(
    @Inject(AZURE_SIM_CONFIG) private readonly config: AzureSimConfig,
    @Inject(DatacenterService) private readonly datacenter: DatacenterService,
    @Inject(StorageAccounts) private readonly accounts: StorageAccounts,
  ) {
    this.jobs = new JsonStore(path.join(config.AZURE_SIM_DATA_DIR, 'data-box', 'jobs'), DataBoxJobRecord);
  }

  async create(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<DataBoxJobRecord> {
    requireResourceName(name, JOB_NAME, 'job names must be between 3 and 24 characters long and use only letters, digits and underscores.');
    const input = parseBody(JobResourceSchema, body, 'job (JobResource)');
    const location = findDatacenterLocation(input.location);
    if (!location) {
      throw new ArmException(ArmErrorCode.LocationNotFound, `The location '${input.location}' does not accept customer-disk jobs.`, 'location');
    }
    const details = input.properties.details;
    const importDetails = details.dataImportDetails[0];
    if (!importDetails) throw new ArmException(ArmErrorCode.InvalidRequestContent, 'dataImportDetails is required.', 'properties.details.dataImportDetails');
    const account = parseStorageAccountId(importDetails.accountDetails.storageAccountId, 'properties.details.dataImportDetails[0].accountDetails.storageAccountId');
    if (!this.accounts.has(account.accountName)) {
      throw new ArmException(
        ArmErrorCode.InvalidRequestContent,
        `The storage account '${account.accountName}' was not found. Known accounts: ${this.accounts.names().join(', ')}.`,
        'properties.details.dataImportDetails[0].accountDetails.storageAccountId',
      );
    }
    const now = new Date();
    return this.jobs.update(dataBoxJobKey(subscriptionId, resourceGroup, name), (current) => {
      if (current) {
        throw new ArmException(
          ArmErrorCode.Conflict,
          `A job named '${current.name}' already exists in resource group '${current.resourceGroup}'. An existing job cannot be changed with Create; use Update, or choose another name.`,
          'jobName',
        );
      }
      return {
        subscriptionId,
        resourceGroup,
        name,
        location: location.name,
        tags: input.tags ?? {},
        createdAt: now.toISOString(),
        lastModifiedAt: now.toISOString(),
        contactDetails: details.contactDetails,
        ...(details.shippingAddress ? { shippingAddress: details.shippingAddress } : {}),
        ...(details.reverseShippingDetails ? { reverseShippingDetails: details.reverseShippingDetails } : {}),
        ...(details.preferences ? { preferences: details.preferences } : {}),
        keyEncryptionKey: details.keyEncryptionKey ?? { kekType: 'MicrosoftManaged' as const },
        dataImportDetails: details.dataImportDetails,
        importDiskDetailsCollection: details.importDiskDetailsCollection,
        returnToCustomerPackageDetails: details.returnToCustomerPackageDetails,
        enableManifestBackup: details.enableManifestBackup,
        provisioning: {
          operationId: randomUUID(),
          startedAt: now.toISOString(),
          completesAt: new Date(now.getTime() + this.config.AZURE_SIM_DATABOX_LRO_DELAY_MS).toISOString(),
        },
      };
    });
  }

  async get(subscriptionId: string, resourceGroup: string, name: string): Promise<DataBoxJobView> {
    return this.view(await this.require(subscriptionId, resourceGroup, name));
  }

  async list(subscriptionId: string, resourceGroup: string | undefined): Promise<DataBoxJobView[]> {
    const records = (await this.jobs.list()).filter(
      (job) => job.subscriptionId === subscriptionId && (resourceGroup === undefined || job.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    );
    return Promise.all(records.map((record) => this.view(record)));
  }

  /** The async operation of a create, by id: InProgress until the provisioning delay has passed. */
  async operation(subscriptionId: string, operationId: string): Promise<{ record: DataBoxJobRecord; done: boolean } | undefined> {
    const record = (await this.jobs.list()).find((job) => job.subscriptionId === subscriptionId && job.provisioning.operationId === operationId);
    if (!record) return undefined;
    return { record, done: Date.parse(record.provisioning.completesAt) <= Date.now() };
  }

  async update(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<DataBoxJobView> {
    const input = parseBody(JobUpdateSchema, body, 'job update (JobResourceUpdateParameter)');
    const details = input.properties?.details ?? {};
    const before = await this.get(subscriptionId, resourceGroup, name);
    const changesDetails = Object.values(details).some((value) => value !== undefined);
    if (changesDetails && !BEFORE_ARRIVAL.has(before.status)) {
      throw new ArmException(
        ArmErrorCode.InvalidJobState,
        `Job '${name}' is at stage ${before.status}; its details can be changed only before the disks arrive at the datacenter.`,
      );
    }
    if (details.keyEncryptionKey?.kekType === 'CustomerManaged') {
      throw new ArmException(ArmErrorCode.InvalidRequestContent, 'CustomerManaged key encryption keys are not simulated.', 'properties.details.keyEncryptionKey');
    }
    const record = await this.jobs.update(dataBoxJobKey(subscriptionId, resourceGroup, name), (current) => {
      if (!current) throw notFound(name, resourceGroup);
      return {
        ...current,
        tags: input.tags ?? current.tags,
        ...(details.contactDetails ? { contactDetails: details.contactDetails } : {}),
        ...(details.shippingAddress ? { shippingAddress: details.shippingAddress } : {}),
        ...(details.reverseShippingDetails ? { reverseShippingDetails: details.reverseShippingDetails } : {}),
        ...(details.preferences ? { preferences: details.preferences } : {}),
        ...(details.keyEncryptionKey ? { keyEncryptionKey: details.keyEncryptionKey } : {}),
        ...(details.returnToCustomerPackageDetails
          ? { returnToCustomerPackageDetails: { ...current.returnToCustomerPackageDetails, ...details.returnToCustomerPackageDetails } }
          : {}),
        lastModifiedAt: new Date().toISOString(),
      };
    });
    return this.view(record);
  }

  async markDevicesShipped(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<void> {
    const input = parseBody(MarkDevicesShippedSchema, body, 'request (MarkDevicesShippedRequest)');
    const before = await this.get(subscriptionId, resourceGroup, name);
    if (before.status !== 'AwaitingShipmentDetails') {
      throw new ArmException(
        ArmErrorCode.InvalidJobState,
        `Job '${name}' is at stage ${before.status}; disks can be marked shipped only while the job awaits shipment details.`,
      );
    }
    const returnAddress = before.record.reverseShippingDetails?.shippingAddress ?? before.record.shippingAddress;
    if (!returnAddress) {
      throw new ArmException(
        ArmErrorCode.InvalidRequestContent,
        'The job has no return address: set details.shippingAddress (or reverseShippingDetails.shippingAddress) with Update before marking the disks shipped.',
        'properties.details.shippingAddress',
      );
    }
    const trackingId = input.deliverToDcPackageDetails.trackingId;
    const clash = (await this.jobs.list()).find(
      (job) => job.name !== before.record.name && job.deliverToDcPackageDetails?.trackingId.toUpperCase() === trackingId.toUpperCase(),
    );
    const shipped = await this.datacenter.findByTrackingNumber(trackingId);
    if (clash || shipped) {
      throw new ArmException(
        ArmErrorCode.DuplicateTrackingNumber,
        `Tracking id ${trackingId} is already used by job '${clash?.name ?? shipped?.jobName ?? ''}'. Each job ships in its own package with its own tracking id.`,
        'deliverToDcPackageDetails.trackingId',
      );
    }
    const record = await this.jobs.update(dataBoxJobKey(subscriptionId, resourceGroup, name), (current) => {
      if (!current) throw notFound(name, resourceGroup);
      const now = new Date().toISOString();
      return { ...current, deliverToDcPackageDetails: input.deliverToDcPackageDetails, shippedAt: now, lastModifiedAt: now };
    });
    const importDetails = record.dataImportDetails[0];
    if (!importDetails) return;
    await this.datacenter.ship({
      api: 'DataBox',
      jobKey: shipmentKey('DataBox', subscriptionId, resourceGroup, name),
      jobName: record.name,
      location: record.location,
      storageAccount: parseStorageAccountId(importDetails.accountDetails.storageAccountId, 'storageAccountId'),
      // Data Box keeps copy logs in the account's databoxcopylog container.
      diagnosticsPath: 'databoxcopylog',
      verboseLog: importDetails.logCollectionLevel === 'Verbose',
      backupManifest: record.enableManifestBackup,
      carrierName: input.deliverToDcPackageDetails.carrierName,
      trackingNumber: trackingId,
      ...(record.returnToCustomerPackageDetails.carrierName ? { returnCarrierName: record.returnToCustomerPackageDetails.carrierName } : {}),
      drives: Object.entries(record.importDiskDetailsCollection).map(([serial, disk]) => ({ driveId: serial, ...disk })),
    });
  }

  async cancel(subscriptionId: string, resourceGroup: string, name: string, body: unknown): Promise<void> {
    const { reason } = parseBody(CancellationReasonSchema, body, 'request (CancellationReason)');
    const before = await this.get(subscriptionId, resourceGroup, name);
    if (!BEFORE_ARRIVAL.has(before.status)) {
      throw new ArmException(ArmErrorCode.InvalidJobState, `Job '${name}' is at stage ${before.status}; it can no longer be cancelled.`);
    }
    if (before.record.deliverToDcPackageDetails) {
      const cancelled = await this.datacenter.cancel(shipmentKey('DataBox', subscriptionId, resourceGroup, name));
      if (!cancelled) throw new ArmException(ArmErrorCode.InvalidJobState, `The disks of job '${name}' have already arrived; it can no longer be cancelled.`);
    }
    await this.jobs.update(dataBoxJobKey(subscriptionId, resourceGroup, name), (current) => {
      if (!current) throw notFound(name, resourceGroup);
      const now = new Date().toISOString();
      return { ...current, cancellationReason: reason, cancelledAt: now, lastModifiedAt: now };
    });
  }

  async delete(subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
    const view = await this.get(subscriptionId, resourceGroup, name);
    if (!isDeletable(view.status)) {
      throw new ArmException(
        ArmErrorCode.InvalidJobState,
        `Job '${name}' is at stage ${view.status}. Only cancelled or completed jobs can be deleted; cancel it first.`,
      );
    }
    await this.jobs.delete(dataBoxJobKey(subscriptionId, resourceGroup, name));
    await this.datacenter.forget(shipmentKey('DataBox', subscriptionId, resourceGroup, name));
  }

  private async require(subscriptionId: string, resourceGroup: string, name: string): Promise<DataBoxJobRecord> {
    const record = await this.jobs.get(dataBoxJobKey(subscriptionId, resourceGroup, name));
    if (!record || record.subscriptionId !== subscriptionId) throw notFound(name, resourceGroup);
    return record;
  }

  private async view(record: DataBoxJobRecord): Promise<DataBoxJobView> {
    const shipment = await this.datacenter.get(shipmentKey('DataBox', record.subscriptionId, record.resourceGroup, record.name));
    return { record, shipment, status: jobStagesOf(record, shipment, new Date()).status };
  }
}

export function isDeletable(status: string): boolean {
  return status === 'Cancelled' || status === 'Completed' || status === 'CompletedWithErrors';
}

export function isCancellable(status: string): boolean {
  return BEFORE_ARRIVAL.has(status);
}

function notFound(name: string, resourceGroup: string): ArmException {
  return new ArmException(
    ArmErrorCode.ResourceNotFound,
    `The Resource 'Microsoft.DataBox/jobs/${name}' under resource group '${resourceGroup}' was not found.`,
  );
}
