import { findDatacenterLocation } from '../datacenter/datacenter-locations';
import { type ShipmentDrive } from '../datacenter/shipment';

import { jobStagesOf } from './data-box-job.stages';
import { type DataBoxJobView, isCancellable, isDeletable } from './data-box-jobs.service';

/**
 * JobResource of Microsoft.DataBox 2022-12-01 for a DataBoxCustomerDisk job. `details` is sent only
 * for `$expand=details`, as the service does.
 */
export function toJobResource(view: DataBoxJobView, expandDetails: boolean, now = new Date()): Record<string, unknown> {
  const { record, shipment } = view;
  const { status, stages } = jobStagesOf(record, shipment, now);
  const location = findDatacenterLocation(record.location);
  const beforeArrival = isCancellable(status);
  const properties: Record<string, unknown> = {
    transferType: 'ImportToAzure',
    isCancellable: beforeArrival && record.cancelledAt === undefined,
    isDeletable: isDeletable(status),
    isShippingAddressEditable: beforeArrival,
    reverseShippingDetailsUpdate: beforeArrival ? 'Enabled' : 'Disabled',
    reverseTransportPreferenceUpdate: 'NotSupported',
    isPrepareToShipEnabled: false,
    status,
    startTime: record.createdAt,
    deliveryType: 'NonScheduled',
    isCancellableWithoutFee: beforeArrival,
    ...(record.cancellationReason ? { cancellationReason: record.cancellationReason } : {}),
  };
  if (expandDetails) {
    const drives = new Map((shipment?.drives ?? []).map((drive) => [drive.driveId, drive]));
    const storageAccountId = record.dataImportDetails[0]?.accountDetails.storageAccountId ?? '';
    const accountName = storageAccountId.split('/').pop() ?? '';
    properties['details'] = {
      jobDetailsType: 'DataBoxCustomerDisk',
      jobStages: stages,
      contactDetails: record.contactDetails,
      ...(record.shippingAddress ? { shippingAddress: record.shippingAddress } : {}),
      ...(record.reverseShippingDetails ? { reverseShippingDetails: { ...record.reverseShippingDetails, isUpdated: false } } : {}),
      ...(record.preferences ? { preferences: record.preferences } : {}),
      dataImportDetails: record.dataImportDetails,
      keyEncryptionKey: record.keyEncryptionKey,
      ...(record.deliverToDcPackageDetails
        ? {
            deliveryPackage: { carrierName: record.deliverToDcPackageDetails.carrierName, trackingId: record.deliverToDcPackageDetails.trackingId },
            deliverToDcPackageDetails: record.deliverToDcPackageDetails,
          }
        : {}),
      ...(shipment?.returnTrackingNumber
        ? { returnPackage: { carrierName: shipment.returnCarrierName ?? shipment.carrierName, trackingId: shipment.returnTrackingNumber } }
        : {}),
      returnToCustomerPackageDetails: {
        ...record.returnToCustomerPackageDetails,
        ...(shipment?.returnTrackingNumber ? { trackingId: shipment.returnTrackingNumber } : {}),
      },
      enableManifestBackup: record.enableManifestBackup,
      importDiskDetailsCollection: Object.fromEntries(
        Object.entries(record.importDiskDetailsCollection).map(([serial, disk]) => {
          const manifestUri = drives.get(serial)?.manifestUri;
          // The spec makes bitLockerKey a required property of ImportDiskDetails, so it is returned.
          return [
            serial,
            { manifestFile: disk.manifestFile, manifestHash: disk.manifestHash.toUpperCase(), bitLockerKey: disk.bitLockerKey, ...(manifestUri ? { backupManifestCloudPath: manifestUri } : {}) },
          ];
        }),
      ),
      copyProgress: Object.keys(record.importDiskDetailsCollection).map((serial) =>
        copyProgressOf(serial, drives.get(serial), accountName, storageAccountId),
      ),
      copyLogDetails: [...drives.values()]
        .filter((drive) => drive.errorLogUri || drive.verboseLogUri)
        .map((drive) => ({
          copyLogDetailsType: 'DataBoxCustomerDisk',
          serialNumber: drive.driveId,
          ...(drive.errorLogUri ? { errorLogLink: drive.errorLogUri } : {}),
          ...(drive.verboseLogUri ? { verboseLogLink: drive.verboseLogUri } : {}),
        })),
      ...(location
        ? {
            datacenterAddress: {
              datacenterAddressType: 'DatacenterAddressLocation',
              supportedCarriersForReturnShipment: location.supportedCarriers,
              dataCenterAzureLocation: location.name,
              contactPersonName: location.recipientName,
              company: 'Microsoft',
              street1: location.streetAddress1,
              street2: location.streetAddress2,
              city: location.city,
              state: location.stateOrProvince,
              zip: location.postalCode,
              country: location.countryOrRegion,
              phone: location.phone,
              additionalShippingInformation: location.additionalShippingInformation,
            },
            dataCenterCode: location.dataCenterCode,
          }
        : {}),
    };
  }
  return {
    id: `/subscriptions/${record.subscriptionId}/resourceGroups/${record.resourceGroup}/providers/Microsoft.DataBox/jobs/${record.name}`,
    name: record.name,
    type: 'Microsoft.DataBox/jobs',
    location: record.location,
    tags: record.tags,
    sku: { name: 'DataBoxCustomerDisk' },
    identity: { type: 'None' },
    systemData: {
      createdBy: 'azure-sim',
      createdByType: 'Application',
      createdAt: record.createdAt,
      lastModifiedBy: 'azure-sim',
      lastModifiedByType: 'Application',
      lastModifiedAt: record.lastModifiedAt,
    },
    properties,
  };
}

/** CopyStatus of the DataBox API for a disk, from the datacenter's drive state and problem. */
function copyStatusOf(drive: ShipmentDrive | undefined): string {
  if (!drive) return 'NotStarted';
  switch (drive.problem) {
    case 'NeverReceived':
      return 'DriveNotReceived';
    case 'DriveUnreadable':
      return 'DriveCorrupted';
    case 'BitLockerKeyInvalid':
      return 'OtherUserError';
    case 'ManifestMissing':
    case 'ManifestHashMismatch':
    case 'ManifestInvalid':
      return 'MetadataFilesModifiedOrRemoved';
    case 'BlobErrors':
      return 'CompletedWithErrors';
    case undefined:
      break;
    default:
      return assertUnreachable(drive.problem);
  }
  switch (drive.state) {
    case 'Transferring':
      return 'InProgress';
    case 'Completed':
    case 'ShippedBack':
      return 'Completed';
    case 'Specified':
    case 'Received':
      return 'NotStarted';
    case 'NeverReceived':
      return 'DriveNotReceived';
    case 'CompletedMoreInfo':
      return 'CompletedWithErrors';
    default:
      return assertUnreachable(drive.state);
  }
}

function copyProgressOf(serial: string, drive: ShipmentDrive | undefined, accountName: string, accountId: string): Record<string, unknown> {
  return {
    serialNumber: serial,
    copyStatus: copyStatusOf(drive),
    storageAccountName: accountName,
    transferType: 'ImportToAzure',
    dataAccountType: 'StorageAccount',
    accountId,
    bytesProcessed: drive?.bytesSucceeded ?? 0,
    totalBytesToProcess: drive?.totalBytes ?? 0,
    filesProcessed: drive?.blobsSucceeded ?? 0,
    totalFilesToProcess: drive?.totalBlobs ?? 0,
    invalidFilesProcessed: 0,
    invalidFileBytesUploaded: 0,
    renamedContainerCount: 0,
    filesErroredOut: Math.max(0, (drive?.totalBlobs ?? 0) - (drive?.blobsSucceeded ?? 0)) * (drive?.problem === 'BlobErrors' ? 1 : 0),
    directoriesErroredOut: 0,
    invalidDirectoriesProcessed: 0,
    isEnumerationInProgress: false,
  };
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled value ${String(value)}`);
}
