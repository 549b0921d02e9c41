import { type FileHandle, open } from 'node:fs/promises';

import { RecoveryPassword } from '@seedship/domain';

import { ccmUnwrap } from './aes-ccm';
import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { EntryType, ValueType, parseKeyDatum } from './datum';
import { EncryptionMethod, type SectorCipher, createSectorCipher, methodName } from './encryption-method';
import { filetimeToDate } from './filetime';
import { BOOT_REGION_BYTES } from './layout';
import { METADATA_REGION_SIZE, type ParsedMetadataBlock, checkCrc, checkHash, parseMetadataRegion } from './metadata-block';
import { Protection, type VmkEntryInfo, describeVmk, protectionName, stretchFor, unwrapVmk } from './protectors';
import { type ParsedVolumeHeader, parseVolumeHeader } from './volume-header';
import { type VolumeHeaderEntry, parseVolumeHeaderEntry } from './volume-header-entry';
import { type XtsWorkerPool } from './xts-worker-pool';

const USED_SPACE_ONLY_FLAG = 0x40;
const POOL_MIN_BYTES = 64 * 1024;

export type UnlockSecret = { recoveryPassword: RecoveryPassword | string } | { password: string };

export interface MetadataCopyStatus {
  offset: number;
  /** 'ok', or why the copy is unusable. */
  crc: string;
  /** 'ok', 'not checked' (before unlock, or CRC failed), or why it failed. */
  hash: string;
}

export interface ProtectorInfo {
  guid: string;
  protection: string;
}

/**
 * A BitLocker volume opened for reading: parses sector 0 and all three metadata copies (checking each
 * CRC-32), unlocks with a recovery password or user password (checking each copy's VMK-wrapped
 * SHA-256), and reads the decrypted volume as Windows presents it.
 */
export class BitLockerVolume {
  private cipher: SectorCipher | undefined;
  private unlockedVmk: Buffer | undefined;
  /** XTS volumes read through a worker pool: the sector key, kept only while the volume is open. */
  private xtsKey: Buffer | undefined;
  private pool: XtsWorkerPool | undefined;

  private constructor(
    private readonly file: PositionedFile,
    readonly path: string,
    readonly header: ParsedVolumeHeader,
    readonly copyStatus: MetadataCopyStatus[],
    private readonly blocks: (ParsedMetadataBlock | undefined)[],
    private metadataBlock: ParsedMetadataBlock,
  ) {}

  /**
   * `volumeOffset`: where the volume (partition) starts inside the file or device; default 0.
   * `pool`: decrypt large XTS reads on these worker threads (the caller owns and closes the pool), so
   * that a read-back can hash on the calling thread while the next range is decrypted.
   */
  static async open(path: string, options: { volumeOffset?: number; pool?: XtsWorkerPool } = {}): Promise<BitLockerVolume> {
    const handle = await open(path, 'r');
    const file = new PositionedFile(handle, options.volumeOffset ?? 0);
    try {
      const first = await readExactly(file, 0, 4096);
      const header = parseVolumeHeader(first);
      const blocks: (ParsedMetadataBlock | undefined)[] = [];
      const status: MetadataCopyStatus[] = [];
      for (const [index, offset] of header.metadataOffsets.entries()) {
        const where = `metadata copy ${index + 1} (at ${offset})`;
        try {
          const block = parseMetadataRegion(await readExactly(file, offset, METADATA_REGION_SIZE), where);
          checkCrc(block, where);
          if (block.metadataOffsets.some((value, i) => value !== header.metadataOffsets[i])) {
            throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The ${where} lists other metadata offsets than sector 0.`);
          }
          blocks.push(block);
          status.push({ offset, crc: 'ok', hash: 'not checked' });
        } catch (error) {
          if (!(error instanceof BitLockerError)) throw error;
          blocks.push(undefined);
          status.push({ offset, crc: error.message, hash: 'not checked' });
        }
      }
      const usable = blocks.find((block) => block !== undefined);
      if (!usable) {
        throw new BitLockerError(
          BitLockerErrorCode.MetadataCrcMismatch,
          `No metadata copy of ${path} is intact: ${status.map((s) => s.crc).join(' ')}`,
        );
      }
      const volume = new BitLockerVolume(file, path, header, status, blocks, usable);
      volume.pool = options.pool;
      return volume;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  get metadata(): ParsedMetadataBlock {
    return this.metadataBlock;
  }

  get volumeGuid(): string {
    return this.metadataBlock.volumeGuid;
  }

  get encryptionMethod(): number {
    return this.metadataBlock.encryptionMethod;
  }

  get encryptionMethodName(): string {
    return methodName(this.metadataBlock.encryptionMethod);
  }

  get sectorSize(): number {
    return this.header.sectorSize;
  }

  get volumeBytes(): number {
    return this.metadataBlock.encryptedVolumeSize;
  }

  get createdAt(): Date {
    return filetimeToDate(this.metadataBlock.creationTime);
  }

  get description(): string | undefined {
    const entry = this.metadataBlock.entries.find((datum) => datum.entryType === EntryType.Description && datum.valueType === ValueType.Unicode);
    return entry?.value.toString('utf16le').replace(/\0+$/, '');
  }

  get protectors(): ProtectorInfo[] {
    return this.vmkEntries().map((info) => ({ guid: info.guid, protection: protectionName(info.protection) }));
  }

  get volumeHeaderEntry(): VolumeHeaderEntry | undefined {
    const entry = this.metadataBlock.entries.find((datum) => datum.entryType === EntryType.VolumeHeaderBlock);
    return entry ? parseVolumeHeaderEntry(entry) : undefined;
  }

  get isUnlocked(): boolean {
    return this.unlockedVmk !== undefined;
  }

  /** Where the plaintext boot sectors live, from the block header (the 0x000F entry must agree). */
  get bootSectorCopyOffset(): number {
    return this.metadataBlock.bootSectorCopyOffset;
  }

  private vmkEntries(): VmkEntryInfo[] {
    return this.metadataBlock.entries.filter((datum) => datum.entryType === EntryType.Vmk).map(describeVmk);
  }

  /**
   * Unlocks with a recovery password or a user password. Then checks the SHA-256 validation of every
   * copy whose CRC is intact, and uses the first copy that passes both; throws MetadataHashMismatch
   * if none does (metadata changed with only the CRC fixed).
   */
  async unlock(secret: UnlockSecret): Promise<void> {
    const wanted = 'password' in secret ? Protection.Password : Protection.RecoveryPassword;
    const stretchSecret =
      'password' in secret
        ? { password: secret.password }
        : { recoveryKey: (typeof secret.recoveryPassword === 'string' ? RecoveryPassword.parse(secret.recoveryPassword) : secret.recoveryPassword).key };
    const candidates = this.vmkEntries().filter((info) => info.protection === wanted);
    if (candidates.length === 0) {
      throw new BitLockerError(
        BitLockerErrorCode.NoMatchingProtector,
        `The volume has no ${protectionName(wanted)} protector; it has: ${this.protectors.map((p) => p.protection).join(', ') || 'none'}.`,
      );
    }
    let vmk: Buffer | undefined;
    for (const info of candidates) {
      try {
        vmk = unwrapVmk(info, await stretchFor(info, stretchSecret));
        break;
      } catch (error) {
        if (!(error instanceof BitLockerError && error.code === BitLockerErrorCode.WrongKey)) throw error;
      }
    }
    if (!vmk) {
      throw new BitLockerError(BitLockerErrorCode.WrongKey, `The ${protectionName(wanted)} does not unlock this volume.`);
    }
    let chosen: ParsedMetadataBlock | undefined;
    this.blocks.forEach((block, index) => {
      const status = this.copyStatus[index];
      if (!block || !status || !vmk) return;
      try {
        checkHash(block, vmk, `metadata copy ${index + 1}`);
        status.hash = 'ok';
        chosen ??= block;
      } catch (error) {
        if (!(error instanceof BitLockerError)) throw error;
        status.hash = error.message;
      }
    });
    if (!chosen) {
      throw new BitLockerError(
        BitLockerErrorCode.MetadataHashMismatch,
        `No metadata copy passes its SHA-256 validation: ${this.copyStatus.map((s) => s.hash).join(' ')}`,
      );
    }
    this.metadataBlock = chosen;
    const fvekEntry = chosen.entries.find((datum) => datum.entryType === EntryType.Fvek && datum.valueType === ValueType.AesCcm);
    if (!fvekEntry) throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, 'The metadata holds no FVEK entry.');
    const fvek = parseKeyDatum(ccmUnwrap(vmk, fvekEntry.value, 'FVEK'), 'FVEK');
    this.unlockedVmk = vmk;
    try {
      this.cipher = createSectorCipher(chosen.encryptionMethod, fvek.key, this.header.sectorSize);
      if (chosen.encryptionMethod === EncryptionMethod.XtsAes128 || chosen.encryptionMethod === EncryptionMethod.XtsAes256) {
        this.xtsKey = Buffer.from(fvek.key.subarray(0, chosen.encryptionMethod === EncryptionMethod.XtsAes128 ? 32 : 64));
      }
    } catch (error) {
      // Unlocked and verified, but the sectors use a method this library does not decrypt.
      if (!(error instanceof BitLockerError && error.code === BitLockerErrorCode.UnsupportedMethod)) throw error;
      this.unsupported = error;
    }
  }

  private unsupported: BitLockerError | undefined;

  /** True when every metadata copy passed both checks (for volumes this project writes). */
  get allCopiesValid(): boolean {
    return this.copyStatus.every((status) => status.crc === 'ok' && status.hash === 'ok');
  }

  /**
   * Reads decrypted bytes as Windows shows the volume: the first 8 KiB from the boot-sector copy,
   * zeros over the metadata regions and the copy, plaintext past the encrypted size.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    const bps = this.header.sectorSize;
    const cipher = this.cipher;
    if (this.unsupported) throw this.unsupported;
    if (!cipher || !this.unlockedVmk) {
      throw new BitLockerError(BitLockerErrorCode.Locked, 'Unlock the volume before reading it.');
    }
    if (offset % bps !== 0 || length % bps !== 0 || offset < 0 || offset + length > this.volumeBytes) {
      throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `Reads are whole ${bps}-byte sectors inside the ${this.volumeBytes}-byte volume.`);
    }
    if (await this.isUnreadableUsedSpaceOnly()) {
      throw new BitLockerError(
        BitLockerErrorCode.UnsupportedVersion,
        'This is a used-space-only (encrypt-on-write) volume whose boot-sector copy is stored in plaintext; this library does not decrypt that layout. Its metadata can still be verified and unlocked.',
      );
    }
    const out = Buffer.alloc(length);
    const zeroRegions = [
      ...this.header.metadataOffsets.map((start) => ({ start, end: start + METADATA_REGION_SIZE })),
      { start: this.bootSectorCopyOffset, end: this.bootSectorCopyOffset + BOOT_REGION_BYTES },
    ];
    const encryptedEnd = this.metadataBlock.encryptedVolumeSize;
    let position = offset;
    while (position < offset + length) {
      const remaining = offset + length - position;
      if (position < BOOT_REGION_BYTES) {
        const n = Math.min(remaining, BOOT_REGION_BYTES - position);
        const physical = this.bootSectorCopyOffset + position;
        cipher.decrypt(await readExactly(this.file, physical, n), physical / bps).copy(out, position - offset);
        position += n;
        continue;
      }
      const zero = zeroRegions.find((region) => position >= region.start && position < region.end);
      if (zero) {
        position += Math.min(remaining, zero.end - position);
        continue;
      }
      const nextBoundary = Math.min(
        offset + length,
        ...zeroRegions.filter((region) => region.start > position).map((region) => region.start),
        position < encryptedEnd ? encryptedEnd : Number.MAX_SAFE_INTEGER,
      );
      const n = nextBoundary - position;
      const raw = await readExactly(this.file, position, n);
      // Small reads (MFT records, headers) are not worth a trip to a worker thread.
      const onPool = this.pool && this.xtsKey && raw.length >= POOL_MIN_BYTES;
      const plain = position >= encryptedEnd ? raw : onPool && this.pool && this.xtsKey ? await this.pool.decrypt(this.xtsKey, raw, position / bps, bps) : cipher.decrypt(raw, position / bps);
      plain.copy(out, position - offset);
      position += n;
    }
    return out;
  }

  /**
   * Windows' used-space-only sample (extended-info flag 0x40) keeps its boot-sector copy in plaintext,
   * while another used-space-only sample (the partially encrypted one) encrypts it as usual. The
   * plaintext case is recognised by a boot-sector signature in the raw copy and refused.
   */
  private async isUnreadableUsedSpaceOnly(): Promise<boolean> {
    if (((this.volumeHeaderEntry?.extendedInfo?.flags ?? 0) & USED_SPACE_ONLY_FLAG) === 0) return false;
    const raw = await readExactly(this.file, this.bootSectorCopyOffset, 512);
    return raw.readUInt16LE(510) === 0xaa55 && (raw[0] === 0xeb || raw[0] === 0xe9);
  }

  async close(): Promise<void> {
    this.xtsKey?.fill(0);
    this.xtsKey = undefined;
    await this.file.close();
  }
}

/** A file handle whose positions are relative to the start of the volume inside it. */
class PositionedFile {
  constructor(
    readonly handle: FileHandle,
    readonly base: number,
  ) {}

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return this.handle.read(buffer, offset, length, this.base + position);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

async function readExactly(file: PositionedFile, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
    if (bytesRead === 0) {
      throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The volume ends before byte ${offset + length}.`);
    }
    done += bytesRead;
  }
  return buffer;
}
