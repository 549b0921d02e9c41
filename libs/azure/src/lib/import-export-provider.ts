import { type DriveStatus, type JobResponse, StorageImportExport } from '@azure/arm-storageimportexport';

import { type ArmConnection, armClientOptions } from './arm-connection';
import { AzureResponseError, isAzureNotFound } from './azure-errors';
import {
  type CreateImportJobRequest,
  type DatacenterAddress,
  type DeliveryPackage,
  type ImportJobObservation,
  type ImportJobRef,
  type ImportProvider,
  type ReturnAddress,
} from './import-provider';
import { redactSecrets } from './redact';

/** Classic Azure Import/Export (Microsoft.ImportExport 2021-01-01) through @azure/arm-storageimportexport. */
export class ImportExportProvider implements ImportProvider {
  readonly kind = 'IMPORT_EXPORT' as const;
  private readonly clients = new Map<string, StorageImportExport>();

  constructor(private readonly connection: ArmConnection) {}

  async createJob(request: CreateImportJobRequest): Promise<{ resourceId: string; created: boolean }> {
    const existing = await this.getJob(request);
    if (existing) return { resourceId: existing.resourceId, created: false };
    const job = await this.client(request.subscriptionId).jobs.create(request.jobName, request.resourceGroup, {
      location: request.location,
      ...(request.tags ? { tags: { ...request.tags } } : {}),
      properties: {
        storageAccountId: request.storageAccountId,
        jobType: 'Import',
        returnAddress: toReturnAddress(request.returnAddress),
        returnShipping: { ...request.returnShipping },
        diagnosticsPath: request.diagnosticsPath,
        logLevel: request.logLevel,
        backupDriveManifest: request.backupDriveManifest,
        driveList: request.drives.map((drive) => ({
          driveId: drive.driveId,
          bitLockerKey: drive.bitLockerKey,
          manifestFile: drive.manifestFile,
          manifestHash: drive.manifestHash,
          ...(drive.driveHeaderHash ? { driveHeaderHash: drive.driveHeaderHash } : {}),
        })),
      },
    });
    return { resourceId: requireId(job, request.jobName), created: true };
  }

  async getJob(ref: ImportJobRef): Promise<ImportJobObservation | undefined> {
    let job: JobResponse;
    try {
      job = await this.client(ref.subscriptionId).jobs.get(ref.jobName, ref.resourceGroup);
    } catch (error) {
      if (isAzureNotFound(error)) return undefined;
      throw error;
    }
    const properties = job.properties ?? {};
    return {
      provider: this.kind,
      resourceId: requireId(job, ref.jobName),
      azureState: properties.state ?? 'Unknown',
      ...(properties.percentComplete === undefined ? {} : { percentComplete: properties.percentComplete }),
      cancelRequested: properties.cancelRequested === true,
      drives: (properties.driveList ?? []).map((drive: DriveStatus) => ({
        driveId: drive.driveId ?? '',
        state: drive.state ?? 'Unknown',
        ...(drive.copyStatus ? { copyStatus: drive.copyStatus } : {}),
        ...(drive.percentComplete === undefined ? {} : { percentComplete: drive.percentComplete }),
        ...(drive.bytesSucceeded === undefined ? {} : { bytesSucceeded: drive.bytesSucceeded }),
        ...(drive.errorLogUri ? { errorLogUri: drive.errorLogUri } : {}),
        ...(drive.verboseLogUri ? { verboseLogUri: drive.verboseLogUri } : {}),
      })),
      raw: redactSecrets(job) as Record<string, unknown>,
    };
  }

  async reportShipped(ref: ImportJobRef, delivery: DeliveryPackage, returnAddress: ReturnAddress): Promise<void> {
    const current = await this.getJob(ref);
    // Already Shipping (a retry after a crash): the service accepts the package again only while Shipping.
    await this.client(ref.subscriptionId).jobs.update(ref.jobName, ref.resourceGroup, {
      ...(current?.azureState === 'Creating' ? { state: 'Shipping', returnAddress: toReturnAddress(returnAddress) } : {}),
      deliveryPackage: {
        carrierName: delivery.carrierName,
        trackingNumber: delivery.trackingNumber,
        ...(delivery.driveCount === undefined ? {} : { driveCount: delivery.driveCount }),
        ...(delivery.shipDate ? { shipDate: delivery.shipDate } : {}),
      },
    });
  }

  async cancel(ref: ImportJobRef): Promise<void> {
    await this.client(ref.subscriptionId).jobs.update(ref.jobName, ref.resourceGroup, { cancelRequested: true });
  }

  async datacenterAddress(ref: ImportJobRef, location: string): Promise<DatacenterAddress> {
    const found = await this.client(ref.subscriptionId).locations.get(location);
    if (!found.streetAddress1 || !found.city || !found.countryOrRegion) {
      throw new AzureResponseError(`The Locations API gave no complete shipping address for ${location}.`);
    }
    return {
      recipientName: found.recipientName ?? 'Microsoft Azure Import/Export Service',
      streetAddress1: found.streetAddress1,
      ...(found.streetAddress2 ? { streetAddress2: found.streetAddress2 } : {}),
      city: found.city,
      ...(found.stateOrProvince ? { stateOrProvince: found.stateOrProvince } : {}),
      ...(found.postalCode ? { postalCode: found.postalCode } : {}),
      countryOrRegion: found.countryOrRegion,
      ...(found.phone ? { phone: found.phone } : {}),
      ...(found.additionalShippingInformation ? { additionalInformation: found.additionalShippingInformation } : {}),
      ...(found.supportedCarriers ? { supportedCarriers: found.supportedCarriers } : {}),
    };
  }

  private client(subscriptionId: string): StorageImportExport {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new StorageImportExport(this.connection.credential, subscriptionId, armClientOptions(this.connection));
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}

function toReturnAddress(address: ReturnAddress) {
  return {
    recipientName: address.recipientName,
    streetAddress1: address.streetAddress1,
    ...(address.streetAddress2 ? { streetAddress2: address.streetAddress2 } : {}),
    city: address.city,
    ...(address.stateOrProvince ? { stateOrProvince: address.stateOrProvince } : {}),
    postalCode: address.postalCode,
    countryOrRegion: address.countryOrRegion,
    phone: address.phone,
    email: address.email,
  };
}

function requireId(job: { id?: string }, jobName: string): string {
  if (!job.id) throw new AzureResponseError(`Azure returned import job ${jobName} without an id.`);
  return job.id;
}
