export { CLUSTER_BYTES, blobFootprint, driveCapacity, ntfsOverheadBytes, type DriveCapacity } from './lib/capacity';
export { DriveFormatError, DriveFormatErrorCode } from './lib/drive-format-error';
export { driveHeaderHash } from './lib/drive-header-hash';
export {
  DEFAULT_BLOCK_BYTES,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  parseManifest,
  type DriveManifest,
  type ImportCredential,
  type ImportDisposition,
  type ManifestBlob,
  type ManifestBlock,
} from './lib/manifest/drive-manifest';
export { NtfsReader, type NtfsFile } from './lib/ntfs/ntfs-reader';
export { parsePartitionTable, type PartitionStyle } from './lib/partition-table';
export { blobFilePath, planDrives, type DriveAssignment, type DriveForPlan, type DrivePlan, type PlannedBlob } from './lib/plan-drives';
export { prepareDrive, type DriveBlob, type PrepareDriveOptions, type PreparedDrive } from './lib/prepare-drive';
export { type DrivePhase, type DriveProgress } from './lib/progress';
export { verifyDrive, type VerificationReport, type VerifyDriveOptions } from './lib/verify-drive';
