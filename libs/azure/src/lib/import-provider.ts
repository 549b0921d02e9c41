/** Which Azure API runs a job's import (the values of SeedingJob.provider). */
export type ImportProviderKind = 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';

export const IMPORT_PROVIDER_KINDS: readonly ImportProviderKind[] = ['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK'];

/** Where an import job lives in ARM. */
export interface ImportJobRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The Azure import job name (SeedingJob.importJobName). */
  readonly jobName: string;
}

/** The address drives come back to, and the person Azure notifies. */
export interface ReturnAddress {
  readonly recipientName: string;
  readonly companyName?: string;
  readonly streetAddress1: string;
  readonly streetAddress2?: string;
  readonly city: string;
  readonly stateOrProvince?: string;
  readonly postalCode: string;
  /** As the Import/Export API wants it (e.g. "USA"). */
  readonly countryOrRegion: string;
  /** ISO 3166 alpha-2, as the Data Box API wants it (e.g. "US"). */
  readonly countryCode: string;
  readonly phone: string;
  readonly email: string;
}

export interface ReturnShipping {
  readonly carrierName: string;
  readonly carrierAccountNumber: string;
}

/** One prepared drive, as the job's drive list (Import/Export) or disk collection (Data Box) carries it. */
export interface ImportDrive {
  /** Hardware serial number without spaces. */
  readonly driveId: string;
  /** 48-digit BitLocker recovery password. Never logged, never stored in status snapshots. */
  readonly bitLockerKey: string;
  readonly manifestFile: string;
  /** Base16 MD5 of the manifest file. */
  readonly manifestHash: string;
  readonly driveHeaderHash?: string;
}

export interface CreateImportJobRequest extends ImportJobRef {
  /** ARM location of the destination datacenter, e.g. `westeurope`. */
  readonly location: string;
  /** ARM id of the storage account the blobs go into. */
  readonly storageAccountId: string;
  readonly returnAddress: ReturnAddress;
  readonly returnShipping: ReturnShipping;
  /** Container for the service's error and verbose logs. */
  readonly diagnosticsPath: string;
  readonly logLevel: 'Error' | 'Verbose';
  readonly backupDriveManifest: boolean;
  readonly drives: readonly ImportDrive[];
  readonly tags?: Readonly<Record<string, string>>;
}

export interface DeliveryPackage {
  readonly carrierName: string;
  readonly trackingNumber: string;
  readonly driveCount?: number;
  /** yyyy-mm-dd */
  readonly shipDate?: string;
}

/** Where to send the drives, as the service tells it. */
export interface DatacenterAddress {
  readonly recipientName: string;
  readonly streetAddress1: string;
  readonly streetAddress2?: string;
  readonly city: string;
  readonly stateOrProvince?: string;
  readonly postalCode?: string;
  readonly countryOrRegion: string;
  readonly phone?: string;
  readonly additionalInformation?: string;
  readonly supportedCarriers?: string[];
}

/** One drive of an import job as Azure reports it now (states verbatim). */
export interface ImportDriveObservation {
  readonly driveId: string;
  /** Import/Export drive state, or the Data Box disk's copyStatus (the only per-disk state it has). */
  readonly state: string;
  readonly copyStatus?: string;
  readonly percentComplete?: number;
  readonly bytesSucceeded?: number;
  readonly errorLogUri?: string;
  readonly verboseLogUri?: string;
}

/** The import job as Azure reports it now. `raw` is the response with every BitLocker key removed. */
export interface ImportJobObservation {
  readonly provider: ImportProviderKind;
  readonly resourceId: string;
  /** Import/Export job state, or the Data Box job status (its current stage name), verbatim. */
  readonly azureState: string;
  readonly percentComplete?: number;
  readonly cancelRequested: boolean;
  readonly drives: readonly ImportDriveObservation[];
  readonly raw: Record<string, unknown>;
}

/**
 * Every call that changes or reads an Azure import job, behind one interface so a job can run on
 * classic Import/Export or on the Data Box customer-disk API. Calls are idempotent where Azure allows:
 * creating a job that already exists with our name returns it, so a crash between Azure's answer and
 * our record is harmless.
 */
export interface ImportProvider {
  readonly kind: ImportProviderKind;
  /** Creates the job (or finds the one a previous attempt created) and returns its ARM id. */
  createJob(request: CreateImportJobRequest): Promise<{ resourceId: string; created: boolean }>;
  /** The job now, or undefined when Azure has no job of that name. */
  getJob(ref: ImportJobRef): Promise<ImportJobObservation | undefined>;
  /** Reports the delivery package shipped (Import/Export: state Shipping; Data Box: markDevicesShipped). */
  reportShipped(ref: ImportJobRef, delivery: DeliveryPackage, returnAddress: ReturnAddress): Promise<void>;
  cancel(ref: ImportJobRef, reason: string): Promise<void>;
  /** The shipping address of the datacenter the job's drives go to. */
  datacenterAddress(ref: ImportJobRef, location: string): Promise<DatacenterAddress>;
}
