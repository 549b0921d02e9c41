import { z } from 'zod';

import { DriveSchema } from '../../import-export/dtos/import-export-schemas';

/**
 * Request schemas of Microsoft.DataBox 2022-12-01 for customer-disk import jobs (definitions
 * JobResource, JobProperties, DataBoxCustomerDiskJobDetails, ImportDiskDetails, ContactDetails,
 * ShippingAddress, DataImportDetails, StorageAccountDetails, PackageCarrierDetails, PackageCarrierInfo,
 * JobResourceUpdateParameter, UpdateJobDetails, MarkDevicesShippedRequest). `required` follows the spec.
 */
const text = (what: string) => z.string({ error: `${what} is required and must be a string` }).trim().min(1, `${what} must not be empty`);

export const ContactDetailsSchema = z.object({
  contactName: text('contactName'),
  phone: text('phone'),
  phoneExtension: z.string().optional(),
  mobile: z.string().optional(),
  emailList: z.array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'emailList entries must be email addresses'), {
    error: 'emailList is required: the addresses notified about the job',
  }).min(1, 'emailList needs at least one address'),
  notificationPreference: z.array(z.object({ stageName: z.string(), sendNotification: z.boolean() })).optional(),
});

export const ShippingAddressSchema = z.object({
  streetAddress1: text('streetAddress1'),
  streetAddress2: z.string().optional(),
  streetAddress3: z.string().optional(),
  city: z.string().optional(),
  stateOrProvince: z.string().optional(),
  country: text('country'),
  postalCode: z.string().optional(),
  zipExtendedCode: z.string().optional(),
  companyName: z.string().optional(),
  addressType: z.enum(['None', 'Residential', 'Commercial']).optional(),
  skipAddressValidation: z.boolean().optional(),
  taxIdentificationNumber: z.string().optional(),
});

const ContactInfoSchema = z.object({
  contactName: text('contactName'),
  phone: text('phone'),
  phoneExtension: z.string().optional(),
  mobile: z.string().optional(),
});

export const ReverseShippingDetailsSchema = z.object({
  contactDetails: ContactInfoSchema.optional(),
  shippingAddress: ShippingAddressSchema.optional(),
});

export const PackageCarrierDetailsSchema = z.object({
  carrierAccountNumber: z.string().optional(),
  carrierName: z.string().optional(),
  trackingId: z.string().optional(),
});

export const DataImportDetailsSchema = z.object({
  accountDetails: z.object({
    dataAccountType: z.literal('StorageAccount', { error: "dataAccountType must be 'StorageAccount' for customer-disk imports" }),
    storageAccountId: text('storageAccountId'),
    sharePassword: z.string().optional(),
  }),
  logCollectionLevel: z.enum(['Error', 'Verbose']).default('Error'),
});

/** ImportDiskDetails: the same facts as an Import/Export drive entry (manifest, its MD5, BitLocker key). */
export const ImportDiskDetailsSchema = DriveSchema.pick({ bitLockerKey: true, manifestFile: true, manifestHash: true });

export const KeyEncryptionKeySchema = z.object({
  kekType: z.enum(['MicrosoftManaged', 'CustomerManaged']),
  kekUrl: z.string().optional(),
  kekVaultResourceID: z.string().optional(),
});

export const CustomerDiskDetailsSchema = z.object({
  jobDetailsType: z.literal('DataBoxCustomerDisk', {
    error: "details.jobDetailsType must be 'DataBoxCustomerDisk': azure-sim simulates customer-disk jobs only",
  }),
  contactDetails: ContactDetailsSchema,
  shippingAddress: ShippingAddressSchema.optional(),
  dataImportDetails: z
    .array(DataImportDetailsSchema, { error: 'dataImportDetails is required: the storage account to import into' })
    .length(1, 'dataImportDetails must name exactly one storage account for a customer-disk import'),
  preferences: z.record(z.string(), z.unknown()).optional(),
  reverseShippingDetails: ReverseShippingDetailsSchema.optional(),
  keyEncryptionKey: KeyEncryptionKeySchema.optional(),
  expectedDataSizeInTeraBytes: z.number().optional(),
  importDiskDetailsCollection: z
    .record(z.string().regex(/^\S+$/, 'disk serial numbers have no spaces'), ImportDiskDetailsSchema, {
      error: 'importDiskDetailsCollection is required for an import: disk serial number -> manifestFile, manifestHash, bitLockerKey',
    })
    .refine((disks) => Object.keys(disks).length >= 1, 'importDiskDetailsCollection needs at least one disk')
    .refine((disks) => Object.keys(disks).length <= 10, 'importDiskDetailsCollection may hold at most 10 disks'),
  returnToCustomerPackageDetails: PackageCarrierDetailsSchema.refine((value) => value.carrierName, {
    message: 'returnToCustomerPackageDetails.carrierName is required: the carrier that returns the disks',
  }),
  enableManifestBackup: z.boolean().default(false),
});

export const JobResourceSchema = z.object({
  location: text('location'),
  tags: z.record(z.string(), z.string()).optional(),
  sku: z.object(
    {
      name: z.literal('DataBoxCustomerDisk', { error: "sku.name must be 'DataBoxCustomerDisk': azure-sim simulates customer-disk jobs only" }),
      displayName: z.string().optional(),
      family: z.string().optional(),
    },
    { error: 'sku is required' },
  ),
  identity: z.object({ type: z.string().optional() }).optional(),
  properties: z.object(
    {
      transferType: z.literal('ImportToAzure', { error: "transferType must be 'ImportToAzure': azure-sim receives import disks only" }),
      details: CustomerDiskDetailsSchema,
    },
    { error: 'properties is required: transferType and details' },
  ),
});
export type JobResourceInput = z.infer<typeof JobResourceSchema>;

export const JobUpdateSchema = z.object({
  tags: z.record(z.string(), z.string()).optional(),
  identity: z.object({ type: z.string().optional() }).optional(),
  properties: z
    .object({
      details: z
        .object({
          contactDetails: ContactDetailsSchema.optional(),
          shippingAddress: ShippingAddressSchema.optional(),
          reverseShippingDetails: ReverseShippingDetailsSchema.optional(),
          preferences: z.record(z.string(), z.unknown()).optional(),
          keyEncryptionKey: KeyEncryptionKeySchema.optional(),
          returnToCustomerPackageDetails: PackageCarrierDetailsSchema.optional(),
        })
        .optional(),
    })
    .optional(),
});
export type JobUpdateInput = z.infer<typeof JobUpdateSchema>;

export const MarkDevicesShippedSchema = z.object({
  deliverToDcPackageDetails: z.object(
    {
      carrierName: text('deliverToDcPackageDetails.carrierName'),
      trackingId: text('deliverToDcPackageDetails.trackingId'),
    },
    { error: 'deliverToDcPackageDetails is required: the carrier and tracking id of the package' },
  ),
});

export const CancellationReasonSchema = z.object({ reason: text('reason') });
