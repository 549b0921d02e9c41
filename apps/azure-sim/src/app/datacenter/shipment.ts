import { z } from 'zod';

/** Which ARM API created the job the package belongs to; both share one datacenter. */
export const ImportApi = z.enum(['ImportExport', 'DataBox']);
export type ImportApi = z.infer<typeof ImportApi>;

/** Drive states of Microsoft.ImportExport; the datacenter keeps drives in these terms for both APIs. */
export const DriveState = z.enum(['Specified', 'Received', 'NeverReceived', 'Transferring', 'Completed', 'CompletedMoreInfo', 'ShippedBack']);
export type DriveState = z.infer<typeof DriveState>;

/** What happened to a drive, in enough detail for each API to report it its own way. */
export const DriveProblem = z.enum([
  'NeverReceived',
  'DriveUnreadable',
  'BitLockerKeyInvalid',
  'ManifestMissing',
  'ManifestHashMismatch',
  'ManifestInvalid',
  'BlobErrors',
]);
export type DriveProblem = z.infer<typeof DriveProblem>;

/** Where the package is. Packaging = drives being packed to go back; Completed = done and shipped back. */
export const ShipmentPhase = z.enum(['InTransit', 'Received', 'Transferring', 'Packaging', 'Completed', 'Cancelled']);
export type ShipmentPhase = z.infer<typeof ShipmentPhase>;

export const StorageAccount = z.object({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  accountName: z.string(),
});
export type StorageAccount = z.infer<typeof StorageAccount>;

export const ShipmentDrive = z.object({
  driveId: z.string(),
  bitLockerKey: z.string(),
  manifestFile: z.string(),
  manifestHash: z.string(),
  state: DriveState,
  /** Free text, as the service's copyStatus is; set once the drive is being worked on. */
  copyStatus: z.string().optional(),
  percentComplete: z.number().int().min(0).max(100),
  bytesSucceeded: z.number().int().min(0),
  totalBytes: z.number().int().min(0),
  blobsSucceeded: z.number().int().min(0),
  totalBlobs: z.number().int().min(0),
  problem: DriveProblem.optional(),
  errorLogUri: z.string().optional(),
  verboseLogUri: z.string().optional(),
  manifestUri: z.string().optional(),
});
export type ShipmentDrive = z.infer<typeof ShipmentDrive>;

/** One job's package on its way to and through the datacenter. */
export const Shipment = z.object({
  key: z.string(),
  api: ImportApi,
  jobName: z.string(),
  location: z.string(),
  storageAccount: StorageAccount,
  /** Container for logs (and backed-up manifests). */
  diagnosticsPath: z.string(),
  verboseLog: z.boolean(),
  backupManifest: z.boolean(),
  carrierName: z.string(),
  trackingNumber: z.string(),
  shippedAt: z.string(),
  phase: ShipmentPhase,
  receivedAt: z.string().optional(),
  transferStartedAt: z.string().optional(),
  completedAt: z.string().optional(),
  returnTrackingNumber: z.string().optional(),
  returnCarrierName: z.string().optional(),
  drives: z.array(ShipmentDrive),
});
export type Shipment = z.infer<typeof Shipment>;

/** What an API hands the datacenter when the customer reports the package shipped. */
export interface ShipmentOrder {
  readonly api: ImportApi;
  readonly jobKey: string;
  readonly jobName: string;
  readonly location: string;
  readonly storageAccount: StorageAccount;
  readonly diagnosticsPath: string;
  readonly verboseLog: boolean;
  readonly backupManifest: boolean;
  readonly carrierName: string;
  readonly trackingNumber: string;
  readonly returnCarrierName?: string;
  readonly drives: readonly { driveId: string; bitLockerKey: string; manifestFile: string; manifestHash: string }[];
}

/** The key under which a job's shipment is stored: unique across both APIs. */
export function shipmentKey(api: ImportApi, subscriptionId: string, resourceGroup: string, jobName: string): string {
  return `${api}/${subscriptionId}/${resourceGroup.toLowerCase()}/${jobName.toLowerCase()}`;
}
