import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Layout of a sealed secret: version byte, 12-byte IV, 16-byte GCM tag, ciphertext. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * Secrets at rest (BitLocker recovery passwords, credentials) are AES-256-GCM with the master key from
 * the environment (a Kubernetes Secret). The key is 32 bytes, given as Base64.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKeyBase64: string) {
    const key = Buffer.from(masterKeyBase64, 'base64');
    if (key.length !== 32) throw new SecretBoxError(`The master key must be 32 bytes in Base64 (got ${key.length} bytes); create one with: openssl rand -base64 32`);
    this.key = key;
  }

  /** A fresh byte array (Prisma's Bytes columns take a Uint8Array backed by its own ArrayBuffer). */
  seal(plaintext: string): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
  }

  open(sealed: Uint8Array): string {
    const bytes = Buffer.from(sealed);
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
      throw new SecretBoxError('The stored secret is not in the sealed format this version reads.');
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('The stored secret cannot be opened with this master key (wrong key, or the value was altered).');
    }
  }
}
