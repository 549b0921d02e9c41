import { anyValue, arrayOf, bool, dateTime, int, mapOf, object, oneOf, ref, type SpecFacts, str } from './schema-fact';

/**
 * Microsoft.ImportExport api-version 2021-01-01 (azure-rest-api-specs
 * specification/storageimportexport/resource-manager/Microsoft.ImportExport/preview/2021-01-01/storageimportexport.json):
 * the response definitions of the operations azure-sim serves, restated as facts.
 */
const address = {
  recipientName: str,
  streetAddress1: str,
  streetAddress2: str,
  city: str,
  stateOrProvince: str,
  postalCode: str,
  countryOrRegion: str,
  phone: str,
};

export const IMPORT_EXPORT_FACTS: SpecFacts = {
  ErrorResponse: object(
    {
      error: object({
        code: str,
        message: str,
        target: str,
        details: arrayOf(object({ code: str, target: str, message: str })),
        innererror: anyValue,
      }),
    },
    ['error'],
  ),
  JobResponse: object({
    systemData: ref('systemData'),
    id: str,
    name: str,
    type: str,
    location: str,
    tags: mapOf(anyValue),
    properties: ref('JobDetails'),
    identity: ref('IdentityDetails'),
  }),
  ListJobsResponse: object({ nextLink: str, value: arrayOf(ref('JobResponse')) }),
  JobDetails: object({
    storageAccountId: str,
    jobType: str,
    returnAddress: ref('ReturnAddress'),
    returnShipping: ref('ReturnShipping'),
    shippingInformation: ref('ShippingInformation'),
    deliveryPackage: ref('DeliveryPackageInformation'),
    returnPackage: ref('PackageInformation'),
    diagnosticsPath: str,
    logLevel: str,
    backupDriveManifest: bool,
    state: str,
    cancelRequested: bool,
    percentComplete: int,
    incompleteBlobListUri: str,
    driveList: arrayOf(ref('DriveStatus')),
    export: anyValue,
    provisioningState: str,
    encryptionKey: ref('EncryptionKeyDetails'),
  }),
  EncryptionKeyDetails: object({ kekType: oneOf('MicrosoftManaged', 'CustomerManaged'), kekUrl: str, kekVaultResourceID: str }),
  IdentityDetails: object({ type: oneOf('None', 'SystemAssigned', 'UserAssigned'), principalId: str, tenantId: str }),
  ReturnAddress: object({ ...address, email: str }, ['recipientName', 'streetAddress1', 'city', 'postalCode', 'countryOrRegion', 'phone', 'email']),
  ReturnShipping: object({ carrierName: str, carrierAccountNumber: str }, ['carrierName', 'carrierAccountNumber']),
  ShippingInformation: object({ ...address, additionalInformation: str }),
  PackageInformation: object({ carrierName: str, trackingNumber: str, driveCount: int, shipDate: str }, ['carrierName', 'trackingNumber', 'driveCount', 'shipDate']),
  DeliveryPackageInformation: object({ carrierName: str, trackingNumber: str, driveCount: int, shipDate: str }, ['carrierName', 'trackingNumber']),
  DriveStatus: object({
    driveId: str,
    bitLockerKey: str,
    manifestFile: str,
    manifestHash: str,
    driveHeaderHash: str,
    state: oneOf('Specified', 'Received', 'NeverReceived', 'Transferring', 'Completed', 'CompletedMoreInfo', 'ShippedBack'),
    copyStatus: str,
    percentComplete: int,
    verboseLogUri: str,
    errorLogUri: str,
    manifestUri: str,
    bytesSucceeded: int,
  }),
  Location: object({
    id: str,
    name: str,
    type: str,
    properties: object({
      ...address,
      additionalShippingInformation: str,
      supportedCarriers: arrayOf(str),
      alternateLocations: arrayOf(str),
    }),
  }),
  LocationsResponse: object({ value: arrayOf(ref('Location')) }),
  GetBitLockerKeysResponse: object({ value: arrayOf(object({ bitLockerKey: str, driveId: str })) }),
  Operation: object({ name: str, display: object({ provider: str, resource: str, operation: str, description: str }) }, ['name', 'display']),
  ListOperationsResponse: object({ value: arrayOf(ref('Operation')) }),
  // common-types/resource-management/v2/types.json#/definitions/systemData
  systemData: object({
    createdBy: str,
    createdByType: oneOf('User', 'Application', 'ManagedIdentity', 'Key'),
    createdAt: dateTime,
    lastModifiedBy: str,
    lastModifiedByType: oneOf('User', 'Application', 'ManagedIdentity', 'Key'),
    lastModifiedAt: dateTime,
  }),
};
