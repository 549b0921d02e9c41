import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { xtsDecryptSectors, xtsEncryptSectors } from './xts';

/** The reference: Node's own aes-xts, one call per sector, tweak = sector number (128-bit LE). */
function nodeXts(key: Buffer, data: Buffer, firstSector: number, sectorSize: number, decrypt: boolean): Buffer {
  const algorithm = key.length === 32 ? 'aes-128-xts' : 'aes-256-xts';
  const out = Buffer.alloc(data.length);
  for (let offset = 0; offset < data.length; offset += sectorSize) {
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64LE(BigInt(firstSector + offset / sectorSize));
    const cipher = decrypt ? createDecipheriv(algorithm, key, iv) : createCipheriv(algorithm, key, iv);
    Buffer.concat([cipher.update(data.subarray(offset, offset + sectorSize)), cipher.final()]).copy(out, offset);
  }
  return out;
}

describe('batched AES-XTS', () => {
  const cases = [
    { keyBytes: 32, sectorSize: 512, firstSector: 0 },
    { keyBytes: 32, sectorSize: 4096, firstSector: 12345 },
    { keyBytes: 64, sectorSize: 512, firstSector: 0x1_2345_6789 },
    { keyBytes: 64, sectorSize: 4096, firstSector: 2 ** 40 + 7 },
  ];

  it.each(cases)('matches node aes-xts ($keyBytes-byte key, $sectorSize-byte sectors from $firstSector)', (c) => {
    const key = randomBytes(c.keyBytes);
    const plaintext = randomBytes(c.sectorSize * 37);
    const ciphertext = xtsEncryptSectors(key, plaintext, c.firstSector, c.sectorSize);
    expect(ciphertext.equals(nodeXts(key, plaintext, c.firstSector, c.sectorSize, false))).toBe(true);
    expect(xtsDecryptSectors(key, ciphertext, c.firstSector, c.sectorSize).equals(plaintext)).toBe(true);
  });

  it('accepts an input that is a slice at an odd offset of a larger buffer', () => {
    const key = randomBytes(32);
    const backing = randomBytes(512 * 4 + 3);
    const slice = backing.subarray(3);
    expect(xtsEncryptSectors(key, slice, 9, 512).equals(nodeXts(key, Buffer.from(slice), 9, 512, false))).toBe(true);
  });

  it('refuses partial sectors and equal key halves', () => {
    expect(() => xtsEncryptSectors(randomBytes(32), Buffer.alloc(700), 0, 512)).toThrow('not a multiple of 512');
    expect(() => xtsEncryptSectors(Buffer.alloc(32, 1), Buffer.alloc(512), 0, 512)).toThrow('must differ');
  });
});
