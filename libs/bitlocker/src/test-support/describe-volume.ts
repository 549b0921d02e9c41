import { readFileSync } from 'node:fs';

import { RecoveryPassword } from '@seedship/domain';

import { ccmUnwrap } from '../lib/aes-ccm';
import { type Datum, DATUM_HEADER_SIZE, EntryType, ValueType, parseDatums } from '../lib/datum';
import { stretchPassword, stretchRecoveryKey } from '../lib/key-stretch';
import { METADATA_REGION_SIZE, parseMetadataRegion } from '../lib/metadata-block';
import { Protection, describeVmk, unwrapVmk } from '../lib/protectors';
import { parseVolumeHeader } from '../lib/volume-header';

/**
 * A structural description of a BitLocker volume's metadata, for comparing what this library writes
 * with what Windows wrote: every field is kept as is, except the ones that are random (GUIDs, salts,
 * keys, AES-CCM tags and ciphertexts), timestamps (FILETIMEs, also inside nonces) and the CRC (which
 * covers random bytes), which become a placeholder naming their kind and size. AES-CCM entries are
 * decrypted with the volume's keys, so the wrapped KEY entries are compared too.
 */
export interface Secrets {
  recoveryPassword: string;
  password: string;
}

type Shape = Record<string, unknown>;

export function describeVolume(path: string, secrets: Secrets): Shape {
  const image = readFileSync(path);
  const header = parseVolumeHeader(image.subarray(0, 4096));
  const sector0 = image.subarray(0, header.sectorSize);
  const regions = header.metadataOffsets.map((offset) => image.subarray(offset, offset + METADATA_REGION_SIZE));
  const block = parseMetadataRegion(regions[0] ?? Buffer.alloc(0), 'metadata copy 1');
  const vmk = findVmk(block.entries, secrets);
  const counters: number[] = [];
  const shapeEntries = (datums: Datum[]): Shape[] => datums.map((datum) => shapeDatum(datum, [vmk], counters, secrets));
  const entries = shapeEntries(block.entries);
  const validationOffset = block.blockBytes.length;
  const region = regions[0] ?? Buffer.alloc(0);
  const validationSize = region.readUInt16LE(validationOffset);
  const hashEntries = parseDatums(region.subarray(validationOffset + 8, validationOffset + 8 + 0x50), 'validation');
  return {
    // Past byte 512 of a 4096-byte sector 0 Windows leaves whatever was there (old ciphertext).
    sector0: sector0.subarray(0, 512).toString('hex'),
    allCopiesIdentical: regions.every((r) => r.equals(region)),
    blockHeader: {
      signature: block.blockBytes.toString('latin1', 0, 8),
      units: block.blockBytes.readUInt16LE(8),
      version: block.blockBytes.readUInt16LE(10),
      currentState: block.currentState,
      nextState: block.nextState,
      encryptedVolumeSize: block.encryptedVolumeSize,
      conversionSize: block.conversionSize,
      bootSectorCount: block.bootSectorCount,
      metadataOffsets: block.metadataOffsets,
      bootSectorCopyOffset: block.bootSectorCopyOffset,
    },
    metadataHeader: {
      metadataSize: block.blockBytes.readUInt32LE(64),
      version: block.blockBytes.readUInt32LE(68),
      headerSize: block.blockBytes.readUInt32LE(72),
      sizeCopy: block.blockBytes.readUInt32LE(76),
      volumeGuid: '<random 16>',
      nextNonceAboveAllUsed: block.nextNonceCounter > Math.max(...counters),
      encryptionMethod: block.encryptionMethod,
      secondMethodWord: block.secondMethodWord,
      creationTime: '<filetime>',
    },
    entries,
    noncesUnique: new Set(counters).size === counters.length,
    blockPadding: block.blockBytes.subarray(64 + block.blockBytes.readUInt32LE(64)).toString('hex'),
    validation: {
      size: validationSize,
      version: region.readUInt16LE(validationOffset + 2),
      crc32: '<crc of random bytes>',
      hash: hashEntries.map((datum) => shapeDatum(datum, [vmk], [], secrets)),
      restIsZero: region.subarray(validationOffset + 8 + 0x50).every((byte) => byte === 0),
    },
  };
}

function findVmk(entries: Datum[], secrets: Secrets): Buffer {
  for (const info of entries.filter((datum) => datum.entryType === EntryType.Vmk).map(describeVmk)) {
    if (info.protection === Protection.RecoveryPassword && info.salt) {
      return unwrapVmk(info, stretchRecoveryKey(RecoveryPassword.parse(secrets.recoveryPassword).key, info.salt));
    }
  }
  throw new Error('no recovery-password protector');
}

function shapeDatum(datum: Datum, keys: Buffer[], counters: number[], secrets: Secrets): Shape {
  const size = DATUM_HEADER_SIZE + datum.value.length + datum.nested.reduce((sum, nested) => sum + encodedSize(nested), 0);
  const base = { size, entryType: datum.entryType, valueType: datum.valueType, version: datum.version };
  const v = datum.value;
  switch (datum.valueType) {
    case ValueType.Unicode:
      return { ...base, text: v.toString('utf16le') };
    case ValueType.Vmk: {
      const info = describeVmk(datum);
      const salt = info.salt ?? Buffer.alloc(16);
      const protectorKey =
        info.protection === Protection.RecoveryPassword
          ? stretchRecoveryKey(RecoveryPassword.parse(secrets.recoveryPassword).key, salt)
          : stretchPassword(secrets.password, salt);
      const vmkKeys = [...keys, protectorKey];
      return {
        ...base,
        guid: '<random 16>',
        modified: '<filetime>',
        reserved: v.readUInt16LE(24),
        protection: v.readUInt16LE(26),
        nested: datum.nested.map((nested) => shapeDatum(nested, vmkKeys, counters, secrets)),
      };
    }
    case ValueType.StretchKey:
      return {
        ...base,
        method: v.readUInt16LE(0),
        reserved: v.readUInt16LE(2),
        salt: `<random ${v.length - 4}>`,
        nested: datum.nested.map((nested) => shapeDatum(nested, keys, counters, secrets)),
      };
    case ValueType.AesCcm: {
      counters.push(v.readUInt32LE(8));
      let inner: Shape | string = '<wrapped with an unknown key>';
      for (const key of keys) {
        try {
          inner = shapeKey(ccmUnwrap(key, v, 'entry'));
          break;
        } catch {
          // Try the next key: the VMK wraps most entries, a protector's stretched key wraps the VMK.
        }
      }
      return { ...base, nonce: '<filetime + counter>', tag: '<random 16>', ciphertextBytes: v.length - 28, inner };
    }
    case ValueType.RecoveryTime:
      return { ...base, times: '<filetime ×2>', tail: v.subarray(16).toString('hex') };
    case ValueType.OffsetAndSize:
      return { ...base, value: v.toString('hex') };
    default:
      return { ...base, value: v.toString('hex') };
  }
}

function shapeKey(plaintext: Buffer): Shape {
  const [key] = parseDatums(plaintext, 'wrapped key');
  if (!key) return { empty: true };
  return {
    size: plaintext.readUInt16LE(0),
    entryType: key.entryType,
    valueType: key.valueType,
    version: key.version,
    method: key.value.readUInt16LE(0),
    reserved: key.value.readUInt16LE(2),
    key: `<secret ${key.value.length - 4}>`,
  };
}

function encodedSize(datum: Datum): number {
  return DATUM_HEADER_SIZE + datum.value.length + datum.nested.reduce((sum, nested) => sum + encodedSize(nested), 0);
}
