import { findDatacenterLocation } from '../datacenter/datacenter-locations';
import { type ShipmentDrive } from '../datacenter/shipment';

import { type ImportExportJobView } from './import-export-jobs.service';

/**
 * JobResponse of Microsoft.ImportExport 2021-01-01. Field names and nesting follow the spec's
 * definitions; the BitLocker keys are not returned here (BitLockerKeys_List returns them), as the
 * service's own Get Job example shows.
 */
export function toJobResponse(view: ImportExportJobView): Record<string, unknown> {
  const { record, shipment, state } = view;
  const location = findDatacenterLocation(record.location);
  const drives = new Map((shipment?.drives ?? []).map((drive) => [drive.driveId, drive]));
  const driveStatuses = record.driveList.map((drive) => driveStatus(drive, drives.get(drive.driveId)));
  const percentComplete = driveStatuses.length === 0 ? 0 : Math.floor(driveStatuses.reduce((sum, drive) => sum + drive.percentComplete, 0) / driveStatuses.length);
  return {
    id: `/subscriptions/${record.subscriptionId}/resourceGroups/${record.resourceGroup}/providers/Microsoft.ImportExport/jobs/${record.name}`,
    name: record.name,
    type: 'Microsoft.ImportExport/jobs',
    location: location?.displayName ?? record.location,
    tags: record.tags,
    systemData: {
      createdBy: 'azure-sim',
      createdByType: 'Application',
      createdAt: record.createdAt,
      lastModifiedBy: 'azure-sim',
      lastModifiedByType: 'Application',
      lastModifiedAt: record.lastModifiedAt,
    },
    identity: { type: 'None' },
    properties: {
      storageAccountId: record.storageAccountId,
      jobType: record.jobType,
      ...(record.returnAddress ? { returnAddress: record.returnAddress } : {}),
      ...(record.returnShipping ? { returnShipping: record.returnShipping } : {}),
      ...(location
        ? {
            shippingInformation: {
              recipientName: location.recipientName,
              streetAddress1: location.streetAddress1,
              streetAddress2: location.streetAddress2,
              city: location.city,
              stateOrProvince: location.stateOrProvince,
              postalCode: location.postalCode,
              countryOrRegion: location.countryOrRegion,
              phone: location.phone,
              additionalInformation: location.additionalShippingInformation,
            },
          }
        : {}),
      ...(record.deliveryPackage ? { deliveryPackage: record.deliveryPackage } : {}),
      ...(shipment?.returnTrackingNumber && state === 'Completed'
        ? {
            returnPackage: {
              carrierName: shipment.returnCarrierName ?? shipment.carrierName,
              trackingNumber: shipment.returnTrackingNumber,
              driveCount: shipment.drives.filter((drive) => drive.state !== 'NeverReceived').length,
              shipDate: shipment.completedAt ?? '',
            },
          }
        : {}),
      diagnosticsPath: record.diagnosticsPath,
      logLevel: record.logLevel,
      backupDriveManifest: record.backupDriveManifest,
      state,
      cancelRequested: record.cancelRequested,
      percentComplete,
      driveList: driveStatuses,
      provisioningState: 'Succeeded',
      encryptionKey: record.encryptionKey,
    },
  };
}

interface DriveStatusBody {
  driveId: string;
  manifestFile: string;
  manifestHash: string;
  driveHeaderHash: string;
  state: string;
  percentComplete: number;
  bytesSucceeded?: number;
  copyStatus?: string;
  verboseLogUri?: string;
  errorLogUri?: string;
  manifestUri?: string;
}

function driveStatus(
  drive: ImportExportJobView['record']['driveList'][number],
  progress: ShipmentDrive | undefined,
): DriveStatusBody {
  const body: DriveStatusBody = {
    driveId: drive.driveId,
    manifestFile: drive.manifestFile,
    manifestHash: drive.manifestHash.toUpperCase(),
    driveHeaderHash: drive.driveHeaderHash ?? '',
    state: progress?.state ?? 'Specified',
    percentComplete: progress?.percentComplete ?? 0,
  };
  if (!progress) return body;
  if (progress.state !== 'Specified') body.bytesSucceeded = progress.bytesSucceeded;
  // copyStatus is not returned until the drive is Transferring.
  if (progress.copyStatus && progress.state !== 'Received' && progress.state !== 'Specified') body.copyStatus = progress.copyStatus;
  if (progress.verboseLogUri) body.verboseLogUri = progress.verboseLogUri;
  if (progress.errorLogUri) body.errorLogUri = progress.errorLogUri;
  if (progress.manifestUri) body.manifestUri = progress.manifestUri;
  return body;
}
