export { BlockDeviceError, BlockDeviceErrorCode } from './lib/block-device-error';
export { deviceUsage, findSignatures, isInUse, loopBackingFile, type DeviceUsage, type DiskSignature, type UsageOptions } from './lib/device-usage';
export { checkDriveWritable, openDriveTarget, type DriveTarget, type DriveTargetOptions, type WriteCheck } from './lib/drive-target';
export { createLoopDevice, withLoopDevice, type LoopDevice, type LoopDeviceOptions } from './lib/loop-device';
export { RawDevice, dropCachedPages, type RawDeviceOptions } from './lib/raw-device';
export {
  identifyBlockDevice,
  isBlockDevice,
  listBlockDevices,
  normalizeSerial,
  type BlockDeviceIdentity,
  type SysfsOptions,
  type Transport,
} from './lib/sysfs-identity';
