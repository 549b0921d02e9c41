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
