import * as nodeCrypto from 'node:crypto';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';

/**
 * AES-XTS over many sectors at once, with one data unit per sector (BitLocker's layout: tweak = sector
 * number). Node's aes-xts cipher handles one data unit per createCipheriv call, which costs about a
 * microsecond of setup per 512-byte sector. Instead, XTS is written as C = E_K1(P ⊕ T) ⊕ T:
 *   1. one ECB call with K2 over all the sector numbers gives every sector's first tweak;
 *   2. the tweaks of the following blocks are first-tweak · α^j in GF(2^128), done on 32-bit words;
 *   3. ECB with K1 over (P ⊕ T), one call per 64 KiB tile, then ⊕ T again.
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

  // 2 and 3, in tiles of about 64 KiB so the tweaks are still in cache when they are applied again.
  const aligned = input.byteOffset % 4 === 0;
  const source = aligned ? input : new Uint8Array(input); // a copy (Buffer#slice would be a view)
  const p = new Uint32Array(source.buffer, source.byteOffset, input.length / 4);
  const output = new Uint8Array(input.length);
  const o = new Uint32Array(output.buffer);
  const tileBytes = Math.max(sectorSize, 65536 - (65536 % sectorSize));
  const w = new Uint32Array(tileBytes / 4);
  const tweaks = new Uint32Array(tileBytes / 4);
  const blockCipher = decrypt ? crypto.createDecipheriv(algorithm, k1, null) : crypto.createCipheriv(algorithm, k1, null);
  blockCipher.setAutoPadding(false);
  for (let tileStart = 0; tileStart < input.length; tileStart += tileBytes) {
    const tileLength = Math.min(tileBytes, input.length - tileStart);
    const firstInTile = tileStart / sectorSize;
    const sectorsInTile = tileLength / sectorSize;
    const base = tileStart / 4;
    // Every block's tweak, and the whitened input P ⊕ T (or C ⊕ T), on 32-bit words.
    for (let s = 0; s < sectorsInTile; s++) {
      const seed = (firstInTile + s) * 4;
      let t0 = firstTweaks[seed] as number;
      let t1 = firstTweaks[seed + 1] as number;
      let t2 = firstTweaks[seed + 2] as number;
      let t3 = firstTweaks[seed + 3] as number;
      const end = (s + 1) * blocksPerSector * 4;
      for (let i = s * blocksPerSector * 4; i < end; i += 4) {
        tweaks[i] = t0;
        tweaks[i + 1] = t1;
        tweaks[i + 2] = t2;
        tweaks[i + 3] = t3;
        w[i] = (p[base + i] as number) ^ t0;
        w[i + 1] = (p[base + i + 1] as number) ^ t1;
        w[i + 2] = (p[base + i + 2] as number) ^ t2;
        w[i + 3] = (p[base + i + 3] as number) ^ t3;
        // Multiply by α: shift the 128-bit little-endian value left by one, fold the carry with 0x87.
        const carry = t3 >>> 31;
        t3 = (t3 << 1) | (t2 >>> 31);
        t2 = (t2 << 1) | (t1 >>> 31);
        t1 = (t1 << 1) | (t0 >>> 31);
        t0 = (t0 << 1) ^ (carry * 0x87);
      }
    }
    // ECB with K1 over the tile (ECB keeps no state between update calls), then ⊕ T.
    let encrypted: Uint8Array = blockCipher.update(new Uint8Array(w.buffer, 0, tileLength));
    if (encrypted.byteOffset % 4 !== 0) encrypted = new Uint8Array(encrypted);
    const e = new Uint32Array(encrypted.buffer, encrypted.byteOffset, tileLength / 4);
    for (let i = 0; i < tileLength / 4; i++) o[base + i] = (e[i] as number) ^ (tweaks[i] as number);
  }
  blockCipher.final();
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
