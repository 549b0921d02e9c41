import { createCipheriv, createDecipheriv } from 'node:crypto';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';

/** BitLocker wraps keys with AES-256-CCM: 12-byte nonce, 16-byte tag, no AAD; on disk nonce ‖ tag ‖ ciphertext. */
export const CCM_NONCE_SIZE = 12;
export const CCM_TAG_SIZE = 16;

export function ccmWrap(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ccm', key, nonce, { authTagLength: CCM_TAG_SIZE });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

/** Unwraps an AES-CCM entry value; a wrong key or changed bytes fail the tag check and throw WrongKey. */
export function ccmUnwrap(key: Buffer, value: Buffer, what: string): Buffer {
  if (value.length < CCM_NONCE_SIZE + CCM_TAG_SIZE) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The AES-CCM entry of the ${what} is too short.`);
  }
  const nonce = value.subarray(0, CCM_NONCE_SIZE);
  const tag = value.subarray(CCM_NONCE_SIZE, CCM_NONCE_SIZE + CCM_TAG_SIZE);
  const ciphertext = value.subarray(CCM_NONCE_SIZE + CCM_TAG_SIZE);
  const decipher = createDecipheriv('aes-256-ccm', key, nonce, { authTagLength: CCM_TAG_SIZE });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new BitLockerError(BitLockerErrorCode.WrongKey, `The key does not unwrap the ${what} (AES-CCM tag mismatch).`);
  }
}

/**
 * Nonces are FILETIME ‖ u32 counter; one timestamp per metadata write and a counter that counts up,
 * as Windows does. Never reuse a nonce under one key.
 */
export class NonceCounter {
  constructor(
    private readonly filetime: bigint,
    private counter: number,
  ) {}

  next(): Buffer {
    const nonce = Buffer.alloc(CCM_NONCE_SIZE);
    nonce.writeBigUInt64LE(this.filetime, 0);
    nonce.writeUInt32LE(this.counter, 8);
    this.counter += 1;
    return nonce;
  }

  /** The value for the metadata header's "next nonce counter". */
  get nextCounter(): number {
    return this.counter;
  }
}
