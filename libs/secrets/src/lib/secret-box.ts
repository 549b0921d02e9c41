import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (BitLocker recovery passwords, keys, Azure credentials) are sealed with AES-256-GCM
 * under one master key from the environment. Layout of a sealed value:
 *
 *   byte 0      format version (1)
 *   bytes 1-12  random 96-bit IV
 *   bytes 13-28 GCM authentication tag
 *   bytes 29-   ciphertext
 *
 * The `context` string is authenticated (GCM additional data) but not stored: a value sealed for one
 * drive cannot be moved to another row and still open.
 */
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class SecretFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFormatError';
  }
}

/** The value was sealed under another master key or context, or it was altered. */
export class SecretDecryptionError extends Error {
  constructor() {
    super(
      'The secret could not be opened: it was sealed with another master key (check SECRETS_MASTER_KEY) or the stored value was altered.',
    );
    this.name = 'SecretDecryptionError';
  }
}

/** The 32-byte master key. Parsed once from hex; never logged (toJSON and inspect hide it). */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromHex(hex: string): MasterKey {
    const trimmed = hex.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
      throw new SecretFormatError('The master key must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`.');
    }
    return new MasterKey(Buffer.from(trimmed, 'hex'));
  }

  /** A key for another purpose (e.g. signing sessions), derived so the master key itself is used only for sealing. */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`seedship:${purpose}`).digest();
  }

  /** @internal for encrypt/decrypt in this file. */
  bytes(): Buffer {
    return this.key;
  }

  toJSON(): string {
    return '[master key]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'MasterKey([redacted])';
  }
}

export function encryptSecret(masterKey: MasterKey, plaintext: string, context: string): Buffer<ArrayBuffer> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey.bytes(), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
}

export function decryptSecret(masterKey: MasterKey, sealed: Uint8Array, context: string): string {
  const data = Buffer.from(sealed);
  if (data.length < HEADER_BYTES) {
    throw new SecretFormatError(`A sealed secret is at least ${HEADER_BYTES} bytes; this one has ${data.length}.`);
  }
  if (data[0] !== FORMAT_VERSION) {
    throw new SecretFormatError(`Unknown sealed-secret format version ${data[0] ?? '?'}; this build reads version ${FORMAT_VERSION}.`);
  }
  const iv = data.subarray(1, 1 + IV_BYTES);
  const tag = data.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', masterKey.bytes(), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError();
  }
}

/** The context a drive's BitLocker recovery password is sealed under (drive.recovery_password_ciphertext). */
export function recoveryPasswordContext(driveId: string): string {
  return `drive.recovery-password:${driveId}`;
}
