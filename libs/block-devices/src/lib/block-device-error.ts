/** Every way finding, checking or writing a block device can fail, by code. */
export enum BlockDeviceErrorCode {
  NotFound = 'BLOCK_DEVICE_NOT_FOUND',
  NotABlockDevice = 'BLOCK_DEVICE_NOT_A_BLOCK_DEVICE',
  Unaligned = 'BLOCK_DEVICE_UNALIGNED_IO',
  OutOfRange = 'BLOCK_DEVICE_OUT_OF_RANGE',
  ShortIo = 'BLOCK_DEVICE_SHORT_IO',
  LoopDeviceFailed = 'BLOCK_DEVICE_LOOP_DEVICE_FAILED',
  InvalidArgument = 'BLOCK_DEVICE_INVALID_ARGUMENT',
}

export class BlockDeviceError extends Error {
  constructor(
    readonly code: BlockDeviceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BlockDeviceError';
  }
}
