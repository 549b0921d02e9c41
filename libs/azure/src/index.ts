export { type ArmConnection, armClientOptions } from './lib/arm-connection';
export { AzureResponseError, describeAzureError, isAzureNotFound } from './lib/azure-errors';
export { type AzureStateMeaning, knownAzureStates, meaningOf } from './lib/azure-state-mapping';
export { blobServiceFor, verifyBlobs, type BlobEndpointOptions, type BlobProblem, type BlobVerification, type ExpectedBlob } from './lib/blob-verifier';
export { createAzureCredential, type AzureCredentialSettings } from './lib/credentials';
export { DataBoxProvider, type DataBoxProviderOptions } from './lib/data-box-provider';
export { ImportExportProvider } from './lib/import-export-provider';
export {
  IMPORT_PROVIDER_KINDS,
  type CreateImportJobRequest,
  type DatacenterAddress,
  type DeliveryPackage,
  type ImportDrive,
  type ImportDriveObservation,
  type ImportJobObservation,
  type ImportJobRef,
  type ImportProvider,
  type ImportProviderKind,
  type ReturnAddress,
  type ReturnShipping,
} from './lib/import-provider';
export { redactSecrets } from './lib/redact';
