import * as nodeCrypto from 'node:crypto';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';

/**
 * AES-XTS over many sectors at once, with one data unit per sector (BitLocker's layout: tweak = sector
 * number). Node's aes-xts cipher handles one data unit per createCipheriv call, which costs about a
 * microsecond of setup per 512-byte sector. Instead, XTS is written as C = E_K1(P ⊕ T) ⊕ T:
 *   1. one ECB call with K2 over all the sector numbers gives every sector's first tweak;
 *   2. the tweaks of the following blocks are first-tweak · α^j in GF(2^128), done on 32-bit words;
 *   3. one ECB call with K1 over the whole (P ⊕ T) buffer, then ⊕ T again.
 *
 * `xtsKernel` must stay self-contained (no references outside its body): worker threads run its source
 * text (see xts-worker-pool.ts), so the code that runs in threads is the code the unit tests check.
 */
export function xtsKernel(
  crypto: Pick<typeof nodeCrypto, 'createCipheriv' | 'createDecipheriv'>,
  key: Uint8Array,
  input: Uint8Array,
  firstSector: number,
  sectorSize: number,
  decrypt: boolean,
): Uint8Array {
  const half = key.length / 2;
  const algorithm = half === 16 ? 'aes-128-ecb' : 'aes-256-ecb';
  const k1 = key.subarray(0, half);
  const k2 = key.subarray(half);
  const sectors = input.length / sectorSize;
  const blocksPerSector = sectorSize / 16;

  // 1. First tweak of every sector: E_K2(sector number as a 128-bit little-endian integer).
  const seeds = new Uint32Array(sectors * 4);
  for (let s = 0; s < sectors; s++) {
    const sector = firstSector + s;
    seeds[s * 4] = sector % 0x100000000;
    seeds[s * 4 + 1] = Math.floor(sector / 0x100000000);
  }
  const tweakCipher = crypto.createCipheriv(algorithm, k2, null);
  tweakCipher.setAutoPadding(false);
  const firstTweaksBytes = new Uint8Array(sectors * 16);
  firstTweaksBytes.set(tweakCipher.update(new Uint8Array(seeds.buffer)));
  tweakCipher.final();
  const firstTweaks = new Uint32Array(firstTweaksBytes.buffer);

  // 2. Every block's tweak, and the whitened input P ⊕ T (or C ⊕ T), on 32-bit words.
  const whitened = new Uint8Array(input.length);
  whitened.set(input);
  const w = new Uint32Array(whitened.buffer);
  const tweaks = new Uint32Array(input.length / 4);
  for (let s = 0; s < sectors; s++) {
    let t0 = firstTweaks[s * 4] as number;
    let t1 = firstTweaks[s * 4 + 1] as number;
    let t2 = firstTweaks[s * 4 + 2] as number;
    let t3 = firstTweaks[s * 4 + 3] as number;
    let i = s * blocksPerSector * 4;
    for (let b = 0; b < blocksPerSector; b++, i += 4) {
      tweaks[i] = t0;
      tweaks[i + 1] = t1;
      tweaks[i + 2] = t2;
      tweaks[i + 3] = t3;
      w[i] = (w[i] as number) ^ t0;
      w[i + 1] = (w[i + 1] as number) ^ t1;
      w[i + 2] = (w[i + 2] as number) ^ t2;
      w[i + 3] = (w[i + 3] as number) ^ t3;
      // Multiply by α: shift the 128-bit little-endian value left by one, fold the carry with 0x87.
      const carry = t3 >>> 31;
      t3 = (t3 << 1) | (t2 >>> 31);
      t2 = (t2 << 1) | (t1 >>> 31);
      t1 = (t1 << 1) | (t0 >>> 31);
      t0 = (t0 << 1) ^ (carry * 0x87);
    }
  }

  // 3. One ECB pass over everything, then ⊕ T.
  const blockCipher = decrypt ? crypto.createDecipheriv(algorithm, k1, null) : crypto.createCipheriv(algorithm, k1, null);
  blockCipher.setAutoPadding(false);
  const output = new Uint8Array(input.length);
  output.set(blockCipher.update(whitened));
  blockCipher.final();
  const o = new Uint32Array(output.buffer);
  for (let i = 0; i < o.length; i++) o[i] = (o[i] as number) ^ (tweaks[i] as number);
  return output;
}

export const XTS_KEY_SIZES: readonly number[] = [32, 64];

export function checkXtsArguments(key: Uint8Array, length: number, sectorSize: number): void {
  if (!XTS_KEY_SIZES.includes(key.length)) {
    throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `An XTS key is 32 or 64 bytes, not ${key.length}.`);
  }
  const half = key.length / 2;
  if (Buffer.compare(Buffer.from(key.subarray(0, half)), Buffer.from(key.subarray(half))) === 0) {
    throw new BitLockerError(BitLockerErrorCode.InvalidArgument, 'The two halves of an XTS key must differ.');
  }
  if (sectorSize % 16 !== 0 || sectorSize < 16) {
    throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `A sector of ${sectorSize} bytes is not a multiple of 16.`);
  }
  if (length % sectorSize !== 0) {
    throw new BitLockerError(
      BitLockerErrorCode.InvalidArgument,
      `XTS works on whole sectors: ${length} bytes is not a multiple of ${sectorSize}.`,
    );
  }
}

/** Encrypts whole sectors; sector i of `plaintext` gets tweak firstSector + i. Runs on the calling thread. */
export function xtsEncryptSectors(key: Uint8Array, plaintext: Uint8Array, firstSector: number, sectorSize: number): Buffer {
  checkXtsArguments(key, plaintext.length, sectorSize);
  const out = xtsKernel(nodeCrypto, key, plaintext, firstSector, sectorSize, false);
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

export function xtsDecryptSectors(key: Uint8Array, ciphertext: Uint8Array, firstSector: number, sectorSize: number): Buffer {
  checkXtsArguments(key, ciphertext.length, sectorSize);
  const out = xtsKernel(nodeCrypto, key, ciphertext, firstSector, sectorSize, true);
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
