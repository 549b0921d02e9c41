import { createCipheriv, createDecipheriv } from 'node:crypto';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { xtsDecryptSectors, xtsEncryptSectors } from './xts';

export const EncryptionMethod = {
  AesCbc128Elephant: 0x8000,
  AesCbc256Elephant: 0x8001,
  AesCbc128: 0x8002,
  AesCbc256: 0x8003,
  XtsAes128: 0x8004,
  XtsAes256: 0x8005,
} as const;

export type WritableEncryption = 'XTS-AES-128' | 'XTS-AES-256';

export const WRITABLE_METHODS: Readonly<Record<WritableEncryption, { method: number; keyBytes: number; secondMethodWord: number }>> = {
  // Windows writes the method again in the second word for XTS-128 and 0 there for XTS-256.
  'XTS-AES-128': { method: EncryptionMethod.XtsAes128, keyBytes: 32, secondMethodWord: EncryptionMethod.XtsAes128 },
  'XTS-AES-256': { method: EncryptionMethod.XtsAes256, keyBytes: 64, secondMethodWord: 0 },
};

export function methodName(method: number): string {
  switch (method) {
    case EncryptionMethod.AesCbc128Elephant:
      return 'AES-CBC-128 with Elephant diffuser';
    case EncryptionMethod.AesCbc256Elephant:
      return 'AES-CBC-256 with Elephant diffuser';
    case EncryptionMethod.AesCbc128:
      return 'AES-CBC-128';
    case EncryptionMethod.AesCbc256:
      return 'AES-CBC-256';
    case EncryptionMethod.XtsAes128:
      return 'XTS-AES-128';
    case EncryptionMethod.XtsAes256:
      return 'XTS-AES-256';
    default:
      return `unknown method 0x${method.toString(16)}`;
  }
}

/** Encrypts and decrypts whole sectors by physical sector number, in one volume's method and key. */
export interface SectorCipher {
  readonly method: number;
  readonly sectorSize: number;
  encrypt(plaintext: Buffer, firstSector: number): Buffer;
  decrypt(ciphertext: Buffer, firstSector: number): Buffer;
}

export function createSectorCipher(method: number, fvekKeyData: Buffer, sectorSize: number): SectorCipher {
  switch (method) {
    case EncryptionMethod.XtsAes128:
    case EncryptionMethod.XtsAes256: {
      const key = fvekKeyData.subarray(0, method === EncryptionMethod.XtsAes128 ? 32 : 64);
      return {
        method,
        sectorSize,
        encrypt: (data, firstSector) => xtsEncryptSectors(key, data, firstSector, sectorSize),
        decrypt: (data, firstSector) => xtsDecryptSectors(key, data, firstSector, sectorSize),
      };
    }
    case EncryptionMethod.AesCbc128:
    case EncryptionMethod.AesCbc256: {
      const key = fvekKeyData.subarray(0, method === EncryptionMethod.AesCbc128 ? 16 : 32);
      return { method, sectorSize, encrypt: (data, first) => cbcEncrypt(key, data, first, sectorSize), decrypt: (data, first) => cbcDecrypt(key, data, first, sectorSize) };
    }
    case EncryptionMethod.AesCbc128Elephant:
    case EncryptionMethod.AesCbc256Elephant:
      throw new BitLockerError(
        BitLockerErrorCode.UnsupportedMethod,
        `This volume uses ${methodName(method)} (the Windows Vista/7 default), which this library does not decrypt; its metadata can still be verified and unlocked.`,
      );
    default:
      throw new BitLockerError(BitLockerErrorCode.UnsupportedMethod, `This volume uses ${methodName(method)}, which is not supported.`);
  }
}

function ecb(key: Buffer): string {
  return key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb';
}

/** CBC IV of a sector: AES-ECB with the FVEK over its byte offset as a 128-bit little-endian number. */
function cbcIvs(key: Buffer, firstSector: number, sectors: number, sectorSize: number): Buffer {
  const offsets = Buffer.alloc(sectors * 16);
  for (let s = 0; s < sectors; s++) offsets.writeBigUInt64LE(BigInt(firstSector + s) * BigInt(sectorSize), s * 16);
  const cipher = createCipheriv(ecb(key), key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(offsets), cipher.final()]);
}

function cbcEncrypt(key: Buffer, data: Buffer, firstSector: number, sectorSize: number): Buffer {
  const sectors = data.length / sectorSize;
  const ivs = cbcIvs(key, firstSector, sectors, sectorSize);
  const out = Buffer.alloc(data.length);
  for (let s = 0; s < sectors; s++) {
    const cipher = createCipheriv(key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc', key, ivs.subarray(s * 16, s * 16 + 16));
    cipher.setAutoPadding(false);
    cipher.update(data.subarray(s * sectorSize, (s + 1) * sectorSize)).copy(out, s * sectorSize);
    cipher.final();
  }
  return out;
}

/** CBC decryption parallelises: P_j = D(C_j) ⊕ C_{j-1}, with the IV before the first block. One ECB call. */
function cbcDecrypt(key: Buffer, data: Buffer, firstSector: number, sectorSize: number): Buffer {
  if (data.length % sectorSize !== 0) {
    throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `CBC works on whole sectors: ${data.length} is not a multiple of ${sectorSize}.`);
  }
  const sectors = data.length / sectorSize;
  const ivs = cbcIvs(key, firstSector, sectors, sectorSize);
  const decipher = createDecipheriv(ecb(key), key, null);
  decipher.setAutoPadding(false);
  const out = Buffer.concat([decipher.update(data), decipher.final()]);
  for (let s = 0; s < sectors; s++) {
    const base = s * sectorSize;
    for (let i = 0; i < 16; i++) out[base + i] = (out[base + i] as number) ^ (ivs[s * 16 + i] as number);
    for (let i = 16; i < sectorSize; i++) out[base + i] = (out[base + i] as number) ^ (data[base + i - 16] as number);
  }
  return out;
}
