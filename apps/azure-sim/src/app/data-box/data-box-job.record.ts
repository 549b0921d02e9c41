import { z } from 'zod';

import {
  ContactDetailsSchema,
  DataImportDetailsSchema,
  ImportDiskDetailsSchema,
  KeyEncryptionKeySchema,
  PackageCarrierDetailsSchema,
  ReverseShippingDetailsSchema,
  ShippingAddressSchema,
} from './dtos/data-box-schemas';

/** What the simulator keeps for one Microsoft.DataBox customer-disk job. */
export const DataBoxJobRecord = z.object({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  name: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
  lastModifiedAt: z.string(),
  contactDetails: ContactDetailsSchema,
  shippingAddress: ShippingAddressSchema.optional(),
  reverseShippingDetails: ReverseShippingDetailsSchema.optional(),
  preferences: z.record(z.string(), z.unknown()).optional(),
  keyEncryptionKey: KeyEncryptionKeySchema,
  dataImportDetails: z.array(DataImportDetailsSchema),
  importDiskDetailsCollection: z.record(z.string(), ImportDiskDetailsSchema),
  returnToCustomerPackageDetails: PackageCarrierDetailsSchema,
  enableManifestBackup: z.boolean(),
  deliverToDcPackageDetails: z.object({ carrierName: z.string(), trackingId: z.string() }).optional(),
  shippedAt: z.string().optional(),
  cancellationReason: z.string().optional(),
  cancelledAt: z.string().optional(),
  /** The create LRO: its id and when the async operation reports Succeeded. */
  provisioning: z.object({ operationId: z.string(), startedAt: z.string(), completesAt: z.string() }),
});
export type DataBoxJobRecord = z.infer<typeof DataBoxJobRecord>;

export function dataBoxJobKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;
}
