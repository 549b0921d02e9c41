import { randomBytes } from 'node:crypto';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';

/**
 * GUIDs as Windows stores them: the first three fields little-endian ("mixed-endian"), the last
 * eight bytes in order. Strings are lowercase 8-4-4-4-12.
 */
export function guidToString(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  if (b.length !== 16) throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `A GUID is 16 bytes, not ${b.length}.`);
  const hex = b.toString('hex');
  return [
    b.readUInt32LE(0).toString(16).padStart(8, '0'),
    b.readUInt16LE(4).toString(16).padStart(4, '0'),
    b.readUInt16LE(6).toString(16).padStart(4, '0'),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}

export function guidToBytes(text: string): Buffer {
  const match = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(text.trim());
  if (!match) throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `"${text}" is not a GUID (8-4-4-4-12 hex digits).`);
  const [, a = '', b = '', c = '', d = '', e = ''] = match;
  const out = Buffer.alloc(16);
  out.writeUInt32LE(parseInt(a, 16), 0);
  out.writeUInt16LE(parseInt(b, 16), 4);
  out.writeUInt16LE(parseInt(c, 16), 6);
  Buffer.from(d + e, 'hex').copy(out, 8);
  return out;
}

/** A random (version 4) GUID in on-disk byte order. */
export function randomGuidBytes(): Buffer {
  const bytes = randomBytes(16);
  // Version 4 in the high nibble of the third field (stored little-endian: byte 7), variant 10xx in byte 8.
  bytes[7] = ((bytes[7] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return bytes;
}
