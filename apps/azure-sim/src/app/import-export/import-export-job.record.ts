import { z } from 'zod';

import { DeliveryPackageSchema, DriveSchema, EncryptionKeySchema, LogLevelSchema, ReturnAddressSchema, ReturnShippingSchema } from './dtos/import-export-schemas';

/** What the simulator keeps for one Microsoft.ImportExport job (the customer's side of it). */
export const ImportExportJobRecord = z.object({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  name: z.string(),
  /** ARM location name (westus). */
  location: z.string(),
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
  lastModifiedAt: z.string(),
  storageAccountId: z.string(),
  jobType: z.enum(['Import', 'Export']),
  returnAddress: ReturnAddressSchema.optional(),
  returnShipping: ReturnShippingSchema.optional(),
  deliveryPackage: DeliveryPackageSchema.optional(),
  diagnosticsPath: z.string(),
  logLevel: LogLevelSchema,
  backupDriveManifest: z.boolean(),
  driveList: z.array(DriveSchema),
  encryptionKey: EncryptionKeySchema,
  /** Creating until the customer reports the package shipped; from then on the datacenter drives the state. */
  customerState: z.enum(['Creating', 'Shipping']),
  cancelRequested: z.boolean(),
});
export type ImportExportJobRecord = z.infer<typeof ImportExportJobRecord>;

export type ImportExportJobState = 'Creating' | 'Shipping' | 'Received' | 'Transferring' | 'Packaging' | 'Completed' | 'Closed';

export function importExportJobKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;
}
