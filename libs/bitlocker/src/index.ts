export { BitLockerError, BitLockerErrorCode } from './lib/bitlocker-error';
export { EncryptionMethod, methodName, type WritableEncryption } from './lib/encryption-method';
export {
  BOOT_REGION_BYTES,
  SPARE_REGION_BYTES,
  planVolumeLayout,
  reservedRegionAt,
  type ReservedRegion,
  type ReservedRegionKind,
  type VolumeLayout,
  type VolumeLayoutOptions,
} from './lib/layout';
export { METADATA_REGION_SIZE } from './lib/metadata-block';
export { BitLockerVolume, type MetadataCopyStatus, type ProtectorInfo, type UnlockSecret } from './lib/volume-reader';
export { VolumeEncryptor, type PhysicalWrite } from './lib/volume-encryptor';
export {
  BitLockerVolumeWriter,
  DEFAULT_WINDOWS_BUILD,
  encryptVolumeInPlace,
  prepareVolume,
  type EncryptedVolumeResult,
  type NewVolumeOptions,
  type PreparedVolume,
  type Progress,
  type WriterOptions,
} from './lib/volume-writer';
export { XtsWorkerPool } from './lib/xts-worker-pool';
export { xtsDecryptSectors, xtsEncryptSectors } from './lib/xts';
