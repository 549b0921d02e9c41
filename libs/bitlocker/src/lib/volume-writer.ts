import { randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';

import { RecoveryPassword } from '@seedship/domain';

import { NonceCounter, ccmWrap } from './aes-ccm';
import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { type Datum, EntryType, ValueType, encodeDatum, keyDatum, makeDatum } from './datum';
import { WRITABLE_METHODS, type WritableEncryption } from './encryption-method';
import { dateToFiletime } from './filetime';
import { guidToString, randomGuidBytes } from './guid';
import { stretchInWorker } from './key-stretch';
import { BOOT_REGION_BYTES, SPARE_REGION_BYTES, type VolumeLayout } from './layout';
import { type MetadataBlockFields, VolumeState, buildBlockBytes, buildMetadataRegion } from './metadata-block';
import { buildPasswordVmk, buildRecoveryPasswordVmk } from './protectors';
import { type PhysicalWrite, VolumeEncryptor } from './volume-encryptor';
import { buildVolumeHeader } from './volume-header';
import { buildVolumeHeaderEntry, extendedInfoFlags } from './volume-header-entry';
import { XtsWorkerPool } from './xts-worker-pool';

/** Windows 10 1903: the build of the Windows 10 sample whose layout (with the 0x15 entry) we follow. */
export const DEFAULT_WINDOWS_BUILD = 18362;

export interface NewVolumeOptions {
  layout: VolumeLayout;
  /** Default XTS-AES-128, as Windows 10 uses for fixed data drives. */
  encryption?: WritableEncryption;
  /** Default: a fresh random one (the usual case; Azure gets it in the drive list). */
  recoveryPassword?: RecoveryPassword;
  /** Adds a user-password protector as well. */
  password?: string;
  /** Shown by manage-bde; Windows writes "<computer> <drive>: <date>". */
  description?: string;
  /** Partition start in sectors, written as "hidden sectors" in sector 0. */
  partitionStartSector?: number;
  /** Copied from NTFS into sector 0; default 8 for 512-byte sectors, 1 for 4096 (4 KiB clusters). */
  sectorsPerCluster?: number;
  now?: Date;
  windowsBuild?: number;
}

/** Everything needed to write one BitLocker volume; keys stay in memory only. */
export interface PreparedVolume {
  layout: VolumeLayout;
  encryption: WritableEncryption;
  volumeGuid: string;
  recoveryPassword: RecoveryPassword;
  recoveryPasswordProtectorGuid: string;
  passwordProtectorGuid: string | undefined;
  /** Sector 0 (plaintext FVE header). */
  headerSector: Buffer;
  /** One 64 KiB region (block + validation), written at each of the three metadata offsets. */
  metadataRegion: Buffer;
  /** The sector key: K1 ‖ K2 of XTS. Secret. */
  fvek: Buffer;
}

function randomXtsKey(bytes: number): Buffer {
  for (;;) {
    const key = randomBytes(bytes);
    if (!key.subarray(0, bytes / 2).equals(key.subarray(bytes / 2))) return key;
  }
}

function windowsDate(date: Date): string {
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
}

/**
 * Creates the keys (random FVEK and VMK, random recovery password unless given) and every metadata
 * byte of a new volume in the Windows 10 layout. Stretching the protector keys takes about a second
 * each, on worker threads.
 */
export async function prepareVolume(options: NewVolumeOptions): Promise<PreparedVolume> {
  const { layout } = options;
  const encryption = options.encryption ?? 'XTS-AES-128';
  const method = WRITABLE_METHODS[encryption];
  if (!method) throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `Encryption "${String(encryption)}" is not one of XTS-AES-128, XTS-AES-256.`);
  if (options.password !== undefined && options.password.length === 0) {
    throw new BitLockerError(BitLockerErrorCode.InvalidArgument, 'A user password cannot be empty.');
  }
  const now = options.now ?? new Date();
  const filetime = dateToFiletime(now);
  const recoveryPassword = options.recoveryPassword ?? RecoveryPassword.fromKey(randomBytes(16));
  const fvek = randomXtsKey(method.keyBytes);
  const vmk = randomBytes(32);
  const volumeGuid = randomGuidBytes();
  const rpGuid = randomGuidBytes();
  const pwGuid = options.password === undefined ? undefined : randomGuidBytes();
  const rpSalt = randomBytes(16);
  const pwSalt = randomBytes(16);
  const [rpStretched, pwStretched] = await Promise.all([
    stretchInWorker({ recoveryKey: recoveryPassword.key }, rpSalt),
    options.password === undefined ? Promise.resolve(undefined) : stretchInWorker({ password: options.password }, pwSalt),
  ]);

  // Nonces: one timestamp, counting up from 2 as Windows does; never reused under one key.
  const nonces = new NonceCounter(filetime, 2);
  const entries: Datum[] = [
    makeDatum(EntryType.Description, ValueType.Unicode, Buffer.from(`${options.description ?? `SEEDSHIP ${windowsDate(now)}`}\0`, 'utf16le')),
  ];
  if (pwGuid && pwStretched && options.password !== undefined) {
    entries.push(buildPasswordVmk({ guid: pwGuid, modified: filetime, vmk, salt: pwSalt, stretchedKey: pwStretched, nonces }));
  }
  entries.push(
    buildRecoveryPasswordVmk({ guid: rpGuid, modified: filetime, vmk, salt: rpSalt, stretchedKey: rpStretched, nonces, recoveryKey: recoveryPassword.key }),
  );
  entries.push(makeDatum(EntryType.Fvek, ValueType.AesCcm, ccmWrap(vmk, nonces.next(), encodeDatum(keyDatum(method.method, fvek)))));
  entries.push(
    buildVolumeHeaderEntry({
      bootSectorCopyOffset: layout.bootSectorCopyOffset,
      bootSectorCopySize: BOOT_REGION_BYTES,
      extendedInfo: {
        flags: extendedInfoFlags(layout.sectorSize),
        sectorSize: layout.sectorSize,
        windowsBuild: options.windowsBuild ?? DEFAULT_WINDOWS_BUILD,
        spareRegionOffset: layout.spareRegionOffset,
        spareRegionSize: SPARE_REGION_BYTES,
      },
    }),
  );
  const validationNonce = nonces.next();
  const fields: MetadataBlockFields = {
    currentState: VolumeState.Encrypted,
    nextState: VolumeState.Encrypted,
    encryptedVolumeSize: layout.volumeBytes,
    conversionSize: 0,
    bootSectorCount: layout.bootSectorCount,
    metadataOffsets: layout.metadataOffsets,
    bootSectorCopyOffset: layout.bootSectorCopyOffset,
    volumeGuid: guidToString(volumeGuid),
    nextNonceCounter: nonces.nextCounter,
    encryptionMethod: method.method,
    secondMethodWord: method.secondMethodWord,
    creationTime: filetime,
  };
  const blockBytes = buildBlockBytes(fields, entries, volumeGuid);
  return {
    layout,
    encryption,
    volumeGuid: guidToString(volumeGuid),
    recoveryPassword,
    recoveryPasswordProtectorGuid: guidToString(rpGuid),
    passwordProtectorGuid: pwGuid ? guidToString(pwGuid) : undefined,
    headerSector: buildVolumeHeader({
      sectorSize: layout.sectorSize,
      sectorsPerCluster: options.sectorsPerCluster ?? (layout.sectorSize === 512 ? 8 : 1),
      hiddenSectors: options.partitionStartSector ?? 0,
      metadataOffsets: layout.metadataOffsets,
    }),
    metadataRegion: buildMetadataRegion(blockBytes, vmk, validationNonce),
    fvek,
  };
}

export interface WriterOptions {
  /** Byte offset of the volume (partition) inside the file or device; default 0. */
  volumeOffset?: number;
  /** Encryption threads; default the machine's parallelism. 0 encrypts on the calling thread. */
  threads?: number;
}

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Writes one BitLocker volume onto a device or image file. Two ways to get data in, which can be
 * mixed: `write()` encrypts plaintext as it arrives (the one-pass drive fill); `encryptInPlace()`
 * turns plaintext already on the device (e.g. NTFS written by ntfs-3g) into ciphertext. `finish()`
 * writes sector 0, the three metadata copies and the spare region, then flushes.
 */
export class BitLockerVolumeWriter {
  private constructor(
    private readonly file: FileHandle,
    readonly prepared: PreparedVolume,
    private readonly encryptor: VolumeEncryptor,
    private readonly pool: XtsWorkerPool | undefined,
    private readonly base: number,
  ) {}

  static async open(path: string, prepared: PreparedVolume, options: WriterOptions = {}): Promise<BitLockerVolumeWriter> {
    const base = options.volumeOffset ?? 0;
    const file = await open(path, 'r+');
    try {
      const stat = await file.stat();
      if (stat.isFile() && stat.size < base + prepared.layout.volumeBytes) {
        throw new BitLockerError(
          BitLockerErrorCode.InvalidLayout,
          `${path} has ${stat.size} bytes, too few for a ${prepared.layout.volumeBytes}-byte volume at offset ${base}.`,
        );
      }
    } catch (error) {
      await file.close();
      throw error;
    }
    const threads = options.threads ?? undefined;
    const pool = threads === 0 ? undefined : new XtsWorkerPool(threads);
    return new BitLockerVolumeWriter(file, prepared, new VolumeEncryptor(prepared.layout, prepared.fvek, pool), pool, base);
  }

  /** Encrypts and writes plaintext that belongs at `offset` of the volume. */
  async write(offset: number, plaintext: Buffer): Promise<void> {
    await this.writeAll(await this.encryptor.encryptAsync(offset, plaintext));
  }

  /**
   * Reads plaintext already on the device in [from, to) and writes it back encrypted, skipping the
   * reserved regions. Reads the next chunk while the current one is encrypted.
   */
  async encryptInPlace(range: { from?: number; to?: number; chunkBytes?: number; onProgress?: (progress: Progress) => void } = {}): Promise<void> {
    const { layout } = this.prepared;
    const from = range.from ?? 0;
    const to = range.to ?? layout.volumeBytes;
    const chunk = range.chunkBytes ?? 8 * 1024 * 1024;
    const pieces: { offset: number; length: number }[] = [];
    let position = from;
    const regions = [...layout.reservedRegions];
    while (position < to) {
      const inside = regions.find((region) => position >= region.offset && position < region.offset + region.length);
      if (inside) {
        position = inside.offset + inside.length;
        continue;
      }
      const nextRegion = regions.find((region) => region.offset > position);
      const end = Math.min(to, position + chunk, nextRegion ? nextRegion.offset : Number.MAX_SAFE_INTEGER, position < BOOT_REGION_BYTES ? BOOT_REGION_BYTES : Number.MAX_SAFE_INTEGER);
      pieces.push({ offset: position, length: end - position });
      position = end;
    }
    let done = 0;
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    let nextRead = pieces[0] ? this.read(pieces[0].offset, pieces[0].length) : undefined;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (!piece || !nextRead) break;
      const plaintext = await nextRead;
      const following = pieces[i + 1];
      nextRead = following ? this.read(following.offset, following.length) : undefined;
      await this.write(piece.offset, plaintext);
      done += piece.length;
      range.onProgress?.({ bytesDone: done, bytesTotal: total });
    }
  }

  /** Writes sector 0, the three metadata regions and the zeroed spare region, then flushes to disk. */
  async finish(): Promise<void> {
    const { layout, headerSector, metadataRegion } = this.prepared;
    const writes: PhysicalWrite[] = [
      { offset: 0, data: headerSector },
      ...layout.metadataOffsets.map((offset) => ({ offset, data: metadataRegion })),
      { offset: layout.spareRegionOffset, data: Buffer.alloc(SPARE_REGION_BYTES) },
    ];
    await this.writeAll(writes);
    await this.file.sync();
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await this.file.close();
  }

  private async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buffer, done, length - done, this.base + offset + done);
      if (bytesRead === 0) throw new BitLockerError(BitLockerErrorCode.InvalidLayout, `The device ends before byte ${this.base + offset + length}.`);
      done += bytesRead;
    }
    return buffer;
  }

  private async writeAll(writes: PhysicalWrite[]): Promise<void> {
    for (const write of writes) {
      let done = 0;
      while (done < write.data.length) {
        const { bytesWritten } = await this.file.write(write.data, done, write.data.length - done, this.base + write.offset + done);
        done += bytesWritten;
      }
    }
  }
}

export interface EncryptedVolumeResult {
  volumeGuid: string;
  recoveryPassword: RecoveryPassword;
  recoveryPasswordProtectorGuid: string;
  passwordProtectorGuid: string | undefined;
  layout: VolumeLayout;
}

/**
 * Turns the plaintext volume at `path` (e.g. an NTFS image made by mkntfs and filled by ntfs-3g, which
 * left the layout's reserved regions unused) into a BitLocker volume, in place.
 */
export async function encryptVolumeInPlace(
  path: string,
  options: NewVolumeOptions & WriterOptions & { onProgress?: (progress: Progress) => void },
): Promise<EncryptedVolumeResult> {
  const prepared = await prepareVolume(options);
  const writer = await BitLockerVolumeWriter.open(path, prepared, options);
  try {
    await writer.encryptInPlace({ onProgress: options.onProgress });
    await writer.finish();
  } finally {
    await writer.close();
  }
  return {
    volumeGuid: prepared.volumeGuid,
    recoveryPassword: prepared.recoveryPassword,
    recoveryPasswordProtectorGuid: prepared.recoveryPasswordProtectorGuid,
    passwordProtectorGuid: prepared.passwordProtectorGuid,
    layout: prepared.layout,
  };
}
