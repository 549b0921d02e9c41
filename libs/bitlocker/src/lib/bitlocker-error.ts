/** Every way reading, verifying, unlocking or writing a BitLocker volume can fail, by code. */
export enum BitLockerErrorCode {
  NotBitLocker = 'BITLOCKER_NOT_A_BITLOCKER_VOLUME',
  UnsupportedVersion = 'BITLOCKER_UNSUPPORTED_VERSION',
  UnsupportedMethod = 'BITLOCKER_UNSUPPORTED_ENCRYPTION_METHOD',
  MalformedMetadata = 'BITLOCKER_MALFORMED_METADATA',
  MetadataCrcMismatch = 'BITLOCKER_METADATA_CRC_MISMATCH',
  MetadataHashMismatch = 'BITLOCKER_METADATA_HASH_MISMATCH',
  MetadataCopiesDiffer = 'BITLOCKER_METADATA_COPIES_DIFFER',
  NoMatchingProtector = 'BITLOCKER_NO_MATCHING_PROTECTOR',
  WrongKey = 'BITLOCKER_WRONG_KEY',
  Locked = 'BITLOCKER_LOCKED',
  InvalidArgument = 'BITLOCKER_INVALID_ARGUMENT',
  InvalidLayout = 'BITLOCKER_INVALID_LAYOUT',
  ReservedRegionWrite = 'BITLOCKER_RESERVED_REGION_WRITE',
}

export class BitLockerError extends Error {
  constructor(
    readonly code: BitLockerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BitLockerError';
  }
}
