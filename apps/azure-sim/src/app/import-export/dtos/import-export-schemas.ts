import { z } from 'zod';

import { RecoveryPassword } from '@seedship/domain';

/**
 * Request schemas of Microsoft.ImportExport 2021-01-01 (definitions PutJobParameters, JobDetails,
 * UpdateJobParameters, ReturnAddress, ReturnShipping, DeliveryPackageInformation, DriveStatus).
 * Required fields follow the spec's `required` lists; rules the spec leaves to the service (drive list
 * size, key format, hash format) follow the service documentation. Read-only properties sent by a
 * client are ignored, as ARM does.
 */
const text = (what: string) => z.string({ error: `${what} is required and must be a string` }).trim().min(1, `${what} must not be empty`);

export const ReturnAddressSchema = z.object({
  recipientName: text('recipientName'),
  streetAddress1: text('streetAddress1'),
  streetAddress2: z.string().optional(),
  city: text('city'),
  stateOrProvince: z.string().optional(),
  postalCode: text('postalCode'),
  countryOrRegion: text('countryOrRegion'),
  phone: text('phone'),
  email: text('email').regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'email must be an email address'),
});
export type ReturnAddress = z.infer<typeof ReturnAddressSchema>;

export const ReturnShippingSchema = z.object({
  carrierName: text('carrierName'),
  carrierAccountNumber: text('carrierAccountNumber'),
});
export type ReturnShipping = z.infer<typeof ReturnShippingSchema>;

export const DeliveryPackageSchema = z.object({
  carrierName: text('carrierName'),
  trackingNumber: text('trackingNumber'),
  driveCount: z.number().int().min(1).optional(),
  shipDate: z.string().optional(),
});
export type DeliveryPackage = z.infer<typeof DeliveryPackageSchema>;

const bitLockerKey = z
  .string({ error: 'bitLockerKey is required: the 48-digit BitLocker recovery password of the drive' })
  .superRefine((value, context) => {
    try {
      RecoveryPassword.parse(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  });

export const DriveSchema = z.object({
  driveId: text('driveId').regex(/^\S+$/, "driveId is the drive's hardware serial number without spaces"),
  bitLockerKey,
  manifestFile: text('manifestFile').regex(/^\\?[^:*?"<>|]+$/, 'manifestFile is the relative path of the manifest on the drive, e.g. \\DriveManifest.xml'),
  manifestHash: z
    .string({ error: 'manifestHash is required' })
    .regex(/^[0-9A-Fa-f]{32}$/, 'manifestHash must be the Base16 MD5 of the manifest file (32 hex digits)'),
  driveHeaderHash: z.string().optional(),
});
export type DriveInput = z.infer<typeof DriveSchema>;

/** The service accepts up to ten drives per job, each serial once. */
export const DriveListSchema = z
  .array(DriveSchema, { error: 'driveList is required for an import job: one entry per drive in the package' })
  .min(1, 'driveList needs at least one drive for an import job')
  .max(10, 'driveList may hold at most 10 drives')
  .superRefine((drives, context) => {
    const seen = new Set<string>();
    drives.forEach((drive, index) => {
      const id = drive.driveId.toUpperCase();
      if (seen.has(id)) context.addIssue({ code: 'custom', path: [index, 'driveId'], message: `driveId ${drive.driveId} appears more than once` });
      seen.add(id);
    });
  });

/** Blob container naming rules: 3-63 lowercase letters, digits and single hyphens. */
const containerName = z
  .string()
  .regex(/^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/, 'diagnosticsPath must be a blob container name: 3-63 lowercase letters, digits and single hyphens');

export const LogLevelSchema = z.enum(['Error', 'Verbose'], { error: "logLevel must be 'Error' or 'Verbose'" });

export const EncryptionKeySchema = z.object({
  kekType: z.enum(['MicrosoftManaged', 'CustomerManaged']).default('MicrosoftManaged'),
  kekUrl: z.string().optional(),
  kekVaultResourceID: z.string().optional(),
});

export const PutJobParametersSchema = z.object({
  location: text('location'),
  tags: z.record(z.string(), z.string()).optional(),
  properties: z.object(
    {
      storageAccountId: text('properties.storageAccountId'),
      jobType: z.enum(['Import', 'Export'], { error: "jobType must be 'Import' or 'Export'" }),
      returnAddress: ReturnAddressSchema.optional(),
      returnShipping: ReturnShippingSchema.optional(),
      deliveryPackage: DeliveryPackageSchema.optional(),
      diagnosticsPath: containerName.default('waimportexport'),
      logLevel: LogLevelSchema.default('Error'),
      backupDriveManifest: z.boolean().default(false),
      driveList: z.array(DriveSchema).optional(),
      export: z.unknown().optional(),
      encryptionKey: EncryptionKeySchema.optional(),
    },
    { error: 'properties is required: the job details' },
  ),
});
export type PutJobParameters = z.infer<typeof PutJobParametersSchema>;

export const UpdateJobParametersSchema = z.object({
  tags: z.record(z.string(), z.string()).optional(),
  properties: z
    .object({
      cancelRequested: z.boolean().optional(),
      state: z.string().optional(),
      returnAddress: ReturnAddressSchema.optional(),
      returnShipping: ReturnShippingSchema.optional(),
      deliveryPackage: DeliveryPackageSchema.optional(),
      logLevel: LogLevelSchema.optional(),
      backupDriveManifest: z.boolean().optional(),
      driveList: DriveListSchema.optional(),
    })
    .optional(),
});
export type UpdateJobParameters = z.infer<typeof UpdateJobParametersSchema>;
