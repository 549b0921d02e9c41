import {
  type DataBoxCustomerDiskCopyLogDetails,
  type DataBoxCustomerDiskJobDetails,
  DataBoxManagementClient,
  type DatacenterAddressLocationResponse,
  type JobResource,
} from '@azure/arm-databox';

import { type ArmConnection, armClientOptions } from './arm-connection';
import { AzureResponseError, isAzureNotFound } from './azure-errors';
import {
  type CreateImportJobRequest,
  type DatacenterAddress,
  type DeliveryPackage,
  type ImportDriveObservation,
  type ImportJobObservation,
  type ImportJobRef,
  type ImportProvider,
} from './import-provider';
import { redactSecrets } from './redact';

export interface DataBoxProviderOptions {
  /** How often the create operation (a long-running ARM operation) is polled. */
  readonly createPollIntervalMs?: number;
}

/**
 * Customer-disk imports on the Data Box API (Microsoft.DataBox 2022-12-01, SKU DataBoxCustomerDisk)
 * through @azure/arm-databox: where Microsoft runs customer-disk imports since the classic API closed
 * for offline seeding.
 */
export class DataBoxProvider implements ImportProvider {
  readonly kind = 'DATABOX_CUSTOMER_DISK' as const;
  private readonly clients = new Map<string, DataBoxManagementClient>();

  constructor(
    private readonly connection: ArmConnection,
    private readonly options: DataBoxProviderOptions = {},
  ) {}

  async createJob(request: CreateImportJobRequest): Promise<{ resourceId: string; created: boolean }> {
    const existing = await this.getJob(request);
    if (existing) return { resourceId: existing.resourceId, created: false };
    const address = request.returnAddress;
    const details: DataBoxCustomerDiskJobDetails = {
      jobDetailsType: 'DataBoxCustomerDisk',
      contactDetails: { contactName: address.recipientName, phone: address.phone, emailList: [address.email] },
      shippingAddress: {
        streetAddress1: address.streetAddress1,
        ...(address.streetAddress2 ? { streetAddress2: address.streetAddress2 } : {}),
        city: address.city,
        ...(address.stateOrProvince ? { stateOrProvince: address.stateOrProvince } : {}),
        postalCode: address.postalCode,
        country: address.countryCode,
        ...(address.companyName ? { companyName: address.companyName } : {}),
      },
      dataImportDetails: [
        { accountDetails: { dataAccountType: 'StorageAccount', storageAccountId: request.storageAccountId }, logCollectionLevel: request.logLevel },
      ],
      importDiskDetailsCollection: Object.fromEntries(
        request.drives.map((drive) => [drive.driveId, { manifestFile: drive.manifestFile, manifestHash: drive.manifestHash, bitLockerKey: drive.bitLockerKey }]),
      ),
      returnToCustomerPackageDetails: { ...request.returnShipping },
      enableManifestBackup: request.backupDriveManifest,
    };
    const job = await this.client(request.subscriptionId).jobs.beginCreateAndWait(
      request.resourceGroup,
      request.jobName,
      {
        location: request.location,
        sku: { name: 'DataBoxCustomerDisk' },
        transferType: 'ImportToAzure',
        details,
        ...(request.tags ? { tags: { ...request.tags } } : {}),
      },
      { updateIntervalInMs: this.options.createPollIntervalMs ?? 10_000 },
    );
    return { resourceId: requireId(job, request.jobName), created: true };
  }

  async getJob(ref: ImportJobRef): Promise<ImportJobObservation | undefined> {
    const job = await this.fetch(ref);
    if (!job) return undefined;
    const details = job.details as DataBoxCustomerDiskJobDetails | undefined;
    const progress = (details?.copyProgress ?? []);
    const logs = new Map(
      ((details?.copyLogDetails ?? []) as DataBoxCustomerDiskCopyLogDetails[]).map((log) => [log.serialNumber ?? '', log]),
    );
    const serials = Object.keys(details?.importDiskDetailsCollection ?? {});
    const drives: ImportDriveObservation[] = serials.map((serial) => {
      const copy = progress.find((entry) => entry.serialNumber === serial);
      const log = logs.get(serial);
      const total = copy?.totalBytesToProcess ?? 0;
      const done = copy?.bytesProcessed ?? 0;
      return {
        driveId: serial,
        // Data Box has no per-disk state besides the copy status.
        state: copy?.copyStatus ?? 'NotStarted',
        ...(copy?.copyStatus ? { copyStatus: copy.copyStatus } : {}),
        ...(total > 0 ? { percentComplete: Math.floor((done * 100) / total) } : {}),
        ...(copy?.bytesProcessed === undefined ? {} : { bytesSucceeded: copy.bytesProcessed }),
        ...(log?.errorLogLink ? { errorLogUri: log.errorLogLink } : {}),
        ...(log?.verboseLogLink ? { verboseLogUri: log.verboseLogLink } : {}),
      };
    });
    const total = progress.reduce((sum, entry) => sum + (entry.totalBytesToProcess ?? 0), 0);
    const done = progress.reduce((sum, entry) => sum + (entry.bytesProcessed ?? 0), 0);
    return {
      provider: this.kind,
      resourceId: requireId(job, ref.jobName),
      azureState: job.status ?? 'Unknown',
      ...(total > 0 ? { percentComplete: Math.floor((done * 100) / total) } : {}),
      cancelRequested: job.status === 'Cancelled',
      drives,
      raw: redactSecrets(job) as Record<string, unknown>,
    };
  }

  async reportShipped(ref: ImportJobRef, delivery: DeliveryPackage): Promise<void> {
    const job = await this.fetch(ref);
    const details = job?.details as DataBoxCustomerDiskJobDetails | undefined;
    // A retry after a crash: the package is already on record, so there is nothing to send.
    if (details?.deliverToDcPackageDetails?.trackingId === delivery.trackingNumber) return;
    await this.client(ref.subscriptionId).jobs.markDevicesShipped(ref.jobName, ref.resourceGroup, {
      deliverToDcPackageDetails: { carrierName: delivery.carrierName, trackingId: delivery.trackingNumber },
    });
  }

  async cancel(ref: ImportJobRef, reason: string): Promise<void> {
    await this.client(ref.subscriptionId).jobs.cancel(ref.resourceGroup, ref.jobName, { reason });
  }

  async datacenterAddress(ref: ImportJobRef, location: string): Promise<DatacenterAddress> {
    const job = await this.fetch(ref);
    const address = (job?.details as DataBoxCustomerDiskJobDetails | undefined)?.datacenterAddress as DatacenterAddressLocationResponse | undefined;
    if (!address || address.datacenterAddressType !== 'DatacenterAddressLocation' || !address.street1 || !address.city || !address.country) {
      throw new AzureResponseError(`Data Box job ${ref.jobName} (${location}) has no datacenter shipping address yet.`);
    }
    return {
      recipientName: [address.contactPersonName, address.company].filter(Boolean).join(', ') || 'Microsoft Azure',
      streetAddress1: address.street1,
      ...(address.street2 ? { streetAddress2: address.street2 } : {}),
      city: address.city,
      ...(address.state ? { stateOrProvince: address.state } : {}),
      ...(address.zip ? { postalCode: address.zip } : {}),
      countryOrRegion: address.country,
      ...(address.phone ? { phone: address.phone } : {}),
      ...(address.additionalShippingInformation ? { additionalInformation: address.additionalShippingInformation } : {}),
      ...(address.supportedCarriersForReturnShipment ? { supportedCarriers: address.supportedCarriersForReturnShipment } : {}),
    };
  }

  private async fetch(ref: ImportJobRef): Promise<JobResource | undefined> {
    try {
      return await this.client(ref.subscriptionId).jobs.get(ref.resourceGroup, ref.jobName, { expand: 'details' });
    } catch (error) {
      if (isAzureNotFound(error)) return undefined;
      throw error;
    }
  }

  private client(subscriptionId: string): DataBoxManagementClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new DataBoxManagementClient(this.connection.credential, subscriptionId, armClientOptions(this.connection));
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}

function requireId(job: { id?: string }, jobName: string): string {
  if (!job.id) throw new AzureResponseError(`Azure returned Data Box job ${jobName} without an id.`);
  return job.id;
}
