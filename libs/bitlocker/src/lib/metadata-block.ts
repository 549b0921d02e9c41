import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

import { ccmUnwrap, ccmWrap } from './aes-ccm';
import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { type Datum, EntryType, ValueType, encodeDatum, keyDatum, makeDatum, parseDatums, parseKeyDatum } from './datum';
import { guidToString } from './guid';
import { FVE_SIGNATURE } from './volume-header';

/** Each metadata copy owns a 64 KiB region: block, validation block, zero padding. */
export const METADATA_REGION_SIZE = 0x10000;
const BLOCK_HEADER_SIZE = 64;
const METADATA_HEADER_SIZE = 48;
const ENTRIES_OFFSET = BLOCK_HEADER_SIZE + METADATA_HEADER_SIZE;
/** KEY method of the SHA-256 inside the validation block. */
export const KEY_METHOD_VALIDATION_HASH = 0x2005;

export const VolumeState = { Decrypted: 1, SwitchingEncryption: 2, Encrypted: 4, Paused: 5 } as const;

export interface MetadataBlockFields {
  currentState: number;
  nextState: number;
  /** Sectors from this byte offset on are plaintext; the full volume size on a fully encrypted volume. */
  encryptedVolumeSize: number;
  conversionSize: number;
  /** Sectors relocated to the boot-sector copy: 8192 / bytes per sector. */
  bootSectorCount: number;
  metadataOffsets: readonly [number, number, number];
  bootSectorCopyOffset: number;
  /** Mixed-endian GUID string of the volume. */
  volumeGuid: string;
  nextNonceCounter: number;
  encryptionMethod: number;
  /** Windows writes 0x8004 here for XTS-128 volumes and 0 for XTS-256. */
  secondMethodWord: number;
  creationTime: bigint;
}

export interface ParsedMetadataBlock extends MetadataBlockFields {
  /** The bytes the CRC-32 and the SHA-256 cover: block header, metadata header, entries, padding. */
  blockBytes: Buffer;
  entries: Datum[];
  validation: ParsedValidation | undefined;
}

export interface ParsedValidation {
  size: number;
  version: number;
  crc32: number;
  /** The AES-CCM value wrapping KEY{0x2005, SHA-256(blockBytes)} with the VMK (version 2 only). */
  wrappedHash: Buffer | undefined;
}

export function buildBlockBytes(fields: MetadataBlockFields, entries: readonly Datum[], volumeGuidBytes: Buffer): Buffer {
  const encodedEntries = Buffer.concat(entries.map(encodeDatum));
  const metadataSize = METADATA_HEADER_SIZE + encodedEntries.length;
  const units = Math.ceil((BLOCK_HEADER_SIZE + metadataSize) / 16);
  const block = Buffer.alloc(units * 16);
  block.write(FVE_SIGNATURE, 0, 'latin1');
  block.writeUInt16LE(units, 8);
  block.writeUInt16LE(2, 10);
  block.writeUInt16LE(fields.currentState, 12);
  block.writeUInt16LE(fields.nextState, 14);
  block.writeBigUInt64LE(BigInt(fields.encryptedVolumeSize), 16);
  block.writeUInt32LE(fields.conversionSize, 24);
  block.writeUInt32LE(fields.bootSectorCount, 28);
  fields.metadataOffsets.forEach((offset, index) => block.writeBigUInt64LE(BigInt(offset), 32 + index * 8));
  block.writeBigUInt64LE(BigInt(fields.bootSectorCopyOffset), 56);
  block.writeUInt32LE(metadataSize, 64);
  block.writeUInt32LE(1, 68);
  block.writeUInt32LE(METADATA_HEADER_SIZE, 72);
  block.writeUInt32LE(metadataSize, 76);
  volumeGuidBytes.copy(block, 80);
  block.writeUInt32LE(fields.nextNonceCounter, 96);
  block.writeUInt16LE(fields.encryptionMethod, 100);
  block.writeUInt16LE(fields.secondMethodWord, 102);
  block.writeBigUInt64LE(fields.creationTime, 104);
  encodedEntries.copy(block, ENTRIES_OFFSET);
  return block;
}

/**
 * A full 64 KiB metadata region: the block, then the validation block (u16 size to the end of the
 * region, u16 version 2, CRC-32 of the block, AES-CCM(VMK, nonce, KEY{0x2005, SHA-256(block)})).
 */
export function buildMetadataRegion(blockBytes: Buffer, vmk: Buffer, validationNonce: Buffer): Buffer {
  const region = Buffer.alloc(METADATA_REGION_SIZE);
  blockBytes.copy(region, 0);
  const validationOffset = blockBytes.length;
  region.writeUInt16LE(METADATA_REGION_SIZE - blockBytes.length, validationOffset);
  region.writeUInt16LE(2, validationOffset + 2);
  region.writeUInt32LE(crc32(blockBytes) >>> 0, validationOffset + 4);
  const hash = createHash('sha256').update(blockBytes).digest();
  const wrapped = ccmWrap(vmk, validationNonce, encodeDatum(keyDatum(KEY_METHOD_VALIDATION_HASH, hash)));
  encodeDatum(makeDatum(EntryType.Property, ValueType.AesCcm, wrapped)).copy(region, validationOffset + 8);
  return region;
}

/** Parses one metadata region (at least the block and its validation block). */
export function parseMetadataRegion(region: Buffer, where: string): ParsedMetadataBlock {
  if (region.length < ENTRIES_OFFSET || region.toString('latin1', 0, 8) !== FVE_SIGNATURE) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The ${where} has no -FVE-FS- signature.`);
  }
  const version = region.readUInt16LE(10);
  if (version !== 2) {
    throw new BitLockerError(BitLockerErrorCode.UnsupportedVersion, `The ${where} has version ${version}; only version 2 (Windows 7 and later) is supported.`);
  }
  const metadataSize = region.readUInt32LE(64);
  const blockSize = region.readUInt16LE(8) * 16;
  if (metadataSize < METADATA_HEADER_SIZE || BLOCK_HEADER_SIZE + metadataSize > blockSize || blockSize > region.length) {
    throw new BitLockerError(
      BitLockerErrorCode.MalformedMetadata,
      `The ${where} gives a block of ${blockSize} bytes for ${metadataSize} bytes of metadata.`,
    );
  }
  const blockBytes = Buffer.from(region.subarray(0, blockSize));
  const offsets = [0, 1, 2].map((index) => Number(region.readBigUInt64LE(32 + index * 8)));
  const entries = parseDatums(region.subarray(ENTRIES_OFFSET, BLOCK_HEADER_SIZE + metadataSize), where);
  let validation: ParsedValidation | undefined;
  if (region.length >= blockSize + 8) {
    const size = region.readUInt16LE(blockSize);
    const validationVersion = region.readUInt16LE(blockSize + 2);
    const [hashDatum] = validationVersion >= 2 ? parseDatums(region.subarray(blockSize + 8, blockSize + Math.max(size, 8)), `${where} validation`) : [];
    validation = {
      size,
      version: validationVersion,
      crc32: region.readUInt32LE(blockSize + 4),
      wrappedHash: hashDatum?.valueType === ValueType.AesCcm ? hashDatum.value : undefined,
    };
  }
  return {
    currentState: region.readUInt16LE(12),
    nextState: region.readUInt16LE(14),
    encryptedVolumeSize: Number(region.readBigUInt64LE(16)),
    conversionSize: region.readUInt32LE(24),
    bootSectorCount: region.readUInt32LE(28),
    metadataOffsets: [offsets[0] ?? 0, offsets[1] ?? 0, offsets[2] ?? 0],
    bootSectorCopyOffset: Number(region.readBigUInt64LE(56)),
    volumeGuid: guidToString(region.subarray(80, 96)),
    nextNonceCounter: region.readUInt32LE(96),
    encryptionMethod: region.readUInt16LE(100),
    secondMethodWord: region.readUInt16LE(102),
    creationTime: region.readBigUInt64LE(104),
    blockBytes,
    entries,
    validation,
  };
}

/** Checks the CRC-32 of a parsed block; throws MetadataCrcMismatch. */
export function checkCrc(block: ParsedMetadataBlock, where: string): void {
  if (!block.validation) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The ${where} has no validation block.`);
  }
  const actual = crc32(block.blockBytes) >>> 0;
  if (actual !== block.validation.crc32) {
    throw new BitLockerError(
      BitLockerErrorCode.MetadataCrcMismatch,
      `The ${where} fails its CRC-32 check (stored ${hex32(block.validation.crc32)}, computed ${hex32(actual)}).`,
    );
  }
}

/** Checks the VMK-wrapped SHA-256 of a parsed block (what Windows and cryptsetup ≥ 2.8.2 check). */
export function checkHash(block: ParsedMetadataBlock, vmk: Buffer, where: string): void {
  const wrapped = block.validation?.wrappedHash;
  if (!wrapped) {
    throw new BitLockerError(BitLockerErrorCode.MetadataHashMismatch, `The ${where} has no SHA-256 validation entry.`);
  }
  let stored: Buffer;
  try {
    stored = parseKeyDatum(ccmUnwrap(vmk, wrapped, `${where} validation hash`), `${where} validation hash`).key;
  } catch (error) {
    if (error instanceof BitLockerError && error.code === BitLockerErrorCode.WrongKey) {
      throw new BitLockerError(BitLockerErrorCode.MetadataHashMismatch, `The ${where} validation hash does not unwrap with the volume's VMK.`);
    }
    throw error;
  }
  const actual = createHash('sha256').update(block.blockBytes).digest();
  if (!stored.equals(actual)) {
    throw new BitLockerError(
      BitLockerErrorCode.MetadataHashMismatch,
      `The ${where} fails its SHA-256 validation: the metadata was changed after it was written (a recomputed CRC does not fix this).`,
    );
  }
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
