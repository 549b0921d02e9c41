import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

import { RecoveryPassword } from '@seedship/domain';

import { firstDifferenceOutsideReserved } from '../test-support/compare';
import { BitLockerErrorCode } from './bitlocker-error';
import { planVolumeLayout } from './layout';
import { METADATA_REGION_SIZE } from './metadata-block';
import { BitLockerVolume } from './volume-reader';
import { BitLockerVolumeWriter, encryptVolumeInPlace, prepareVolume } from './volume-writer';
import { XtsWorkerPool } from './xts-worker-pool';

const VOLUME_BYTES = 12 * 1024 * 1024;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-bitlocker-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Plaintext with random bytes everywhere except the reserved regions (which NTFS would leave alone). */
function plaintextImage(sectorSize: number): { path: string; plaintext: Buffer; layout: ReturnType<typeof planVolumeLayout> } {
  const layout = planVolumeLayout({ volumeBytes: VOLUME_BYTES, sectorSize });
  const plaintext = randomBytes(VOLUME_BYTES);
  for (const region of layout.reservedRegions) plaintext.fill(0, region.offset, region.offset + region.length);
  const path = join(dir, `plain-${sectorSize}-${randomBytes(4).toString('hex')}.img`);
  writeFileSync(path, plaintext);
  return { path, plaintext, layout };
}

async function readAll(volume: BitLockerVolume): Promise<Buffer> {
  return volume.read(0, volume.volumeBytes);
}

describe('writing a BitLocker volume', () => {
  it.each([
    ['XTS-AES-128', 512],
    ['XTS-AES-128', 4096],
    ['XTS-AES-256', 512],
    ['XTS-AES-256', 4096],
  ] as const)('%s with %i-byte sectors: reads back through the verifier with all three copies valid', async (encryption, sectorSize) => {
    const { path, plaintext, layout } = plaintextImage(sectorSize);
    const result = await encryptVolumeInPlace(path, { layout, encryption, threads: 2 });
    const onDisk = readFileSync(path);
    expect(onDisk.subarray(1024 * 1024, 1024 * 1024 + 4096).equals(plaintext.subarray(1024 * 1024, 1024 * 1024 + 4096))).toBe(false);

    const volume = await BitLockerVolume.open(path);
    try {
      expect(volume.volumeGuid).toBe(result.volumeGuid);
      expect(volume.encryptionMethodName).toBe(encryption);
      expect(volume.protectors).toEqual([{ guid: result.recoveryPasswordProtectorGuid, protection: 'recovery password' }]);
      await volume.unlock({ recoveryPassword: result.recoveryPassword.toString() });
      expect(volume.allCopiesValid).toBe(true);
      const decrypted = await readAll(volume);
      expect(firstDifferenceOutsideReserved(decrypted, plaintext, layout)).toBeUndefined();
      // The metadata regions and the boot-sector copy read as zeros.
      expect(decrypted.subarray(layout.metadataOffsets[0], layout.metadataOffsets[0] + METADATA_REGION_SIZE).equals(Buffer.alloc(METADATA_REGION_SIZE))).toBe(true);
    } finally {
      await volume.close();
    }
  });

  it('reads the same plaintext when decrypting on a worker pool', async () => {
    const { path, plaintext, layout } = plaintextImage(512);
    const result = await encryptVolumeInPlace(path, { layout, threads: 0 });
    const pool = new XtsWorkerPool(2);
    const volume = await BitLockerVolume.open(path, { pool });
    try {
      await volume.unlock({ recoveryPassword: result.recoveryPassword.toString() });
      expect(firstDifferenceOutsideReserved(await readAll(volume), plaintext, layout)).toBeUndefined();
      expect((await volume.read(1024 * 1024, 4096)).equals(plaintext.subarray(1024 * 1024, 1024 * 1024 + 4096))).toBe(true);
    } finally {
      await volume.close();
      await pool.close();
    }
  });

  it('adds a user password protector that unlocks the same volume', async () => {
    const { path, plaintext, layout } = plaintextImage(512);
    const result = await encryptVolumeInPlace(path, { layout, password: 'correct horse £ battery', threads: 0 });
    const volume = await BitLockerVolume.open(path);
    try {
      expect(volume.protectors.map((p) => p.protection)).toEqual(['password', 'recovery password']);
      expect(result.passwordProtectorGuid).toBeDefined();
      await expect(volume.unlock({ password: 'correct horse battery' })).rejects.toMatchObject({ code: BitLockerErrorCode.WrongKey });
      await volume.unlock({ password: 'correct horse £ battery' });
      expect(firstDifferenceOutsideReserved(await readAll(volume), plaintext, layout)).toBeUndefined();
    } finally {
      await volume.close();
    }
  });

  it('gives each drive its own keys and recovery password', async () => {
    const layout = planVolumeLayout({ volumeBytes: VOLUME_BYTES, sectorSize: 512 });
    const [a, b] = await Promise.all([prepareVolume({ layout }), prepareVolume({ layout })]);
    expect(a.fvek.equals(b.fvek)).toBe(false);
    expect(a.recoveryPassword.equals(b.recoveryPassword)).toBe(false);
    expect(a.volumeGuid).not.toBe(b.volumeGuid);
    expect(a.recoveryPassword.toString()).toMatch(/^(\d{6}-){7}\d{6}$/);
  });

  it('streams: plaintext written in any order through write() equals the in-place conversion', async () => {
    const { plaintext, layout } = plaintextImage(512);
    const recoveryPassword = RecoveryPassword.fromKey(randomBytes(16));
    const prepared = await prepareVolume({ layout, recoveryPassword });
    const streamed = join(dir, 'streamed.img');
    writeFileSync(streamed, Buffer.alloc(VOLUME_BYTES));
    const writer = await BitLockerVolumeWriter.open(streamed, prepared, { threads: 2 });
    try {
      // Free ranges between reserved regions, written back to front in uneven pieces.
      const free: [number, number][] = [];
      let position = 0;
      for (const region of layout.reservedRegions) {
        if (region.offset > position) free.push([position, region.offset]);
        position = region.offset + region.length;
      }
      if (position < VOLUME_BYTES) free.push([position, VOLUME_BYTES]);
      for (const [start, end] of free.reverse()) {
        for (let at = start; at < end; ) {
          const n = Math.min(end - at, 512 * (1 + ((at / 512) % 700)));
          await writer.write(at, plaintext.subarray(at, at + n));
          at += n;
        }
      }
      await writer.finish();
    } finally {
      await writer.close();
    }
    const volume = await BitLockerVolume.open(streamed);
    try {
      await volume.unlock({ recoveryPassword });
      expect(firstDifferenceOutsideReserved(await readAll(volume), plaintext, layout)).toBeUndefined();
    } finally {
      await volume.close();
    }
  });

  it('writes and reads a volume that starts inside a larger disk image (after a partition table)', async () => {
    const { plaintext, layout } = plaintextImage(512);
    const start = 1024 * 1024;
    const disk = join(dir, 'disk.img');
    const before = randomBytes(start);
    writeFileSync(disk, Buffer.concat([before, plaintext, Buffer.alloc(4096, 0xee)]));
    const result = await encryptVolumeInPlace(disk, { layout, volumeOffset: start, partitionStartSector: start / 512, threads: 0 });
    const image = readFileSync(disk);
    expect(image.subarray(0, start).equals(before)).toBe(true);
    expect(image.subarray(start + VOLUME_BYTES).equals(Buffer.alloc(4096, 0xee))).toBe(true);
    const volume = await BitLockerVolume.open(disk, { volumeOffset: start });
    try {
      expect(volume.header.hiddenSectors).toBe(2048);
      await volume.unlock({ recoveryPassword: result.recoveryPassword });
      expect(firstDifferenceOutsideReserved(await readAll(volume), plaintext, layout)).toBeUndefined();
    } finally {
      await volume.close();
    }
  });

  it('refuses writes into the reserved regions, naming the region', async () => {
    const layout = planVolumeLayout({ volumeBytes: VOLUME_BYTES, sectorSize: 512 });
    const prepared = await prepareVolume({ layout });
    const target = join(dir, 'reserved.img');
    writeFileSync(target, Buffer.alloc(VOLUME_BYTES));
    const writer = await BitLockerVolumeWriter.open(target, prepared, { threads: 0 });
    try {
      const copy = layout.bootSectorCopyOffset;
      await expect(writer.write(copy + 4096, Buffer.alloc(1024))).rejects.toThrow(
        `overlaps the boot-sector-copy region (8192 bytes at ${copy}), which the filesystem must not use`,
      );
      await expect(writer.write(100, Buffer.alloc(512))).rejects.toMatchObject({ code: BitLockerErrorCode.InvalidArgument });
    } finally {
      await writer.close();
    }
  });

  it('is rejected by the verifier when the metadata is changed and only the CRC recomputed', async () => {
    const { path, layout } = plaintextImage(512);
    const result = await encryptVolumeInPlace(path, { layout, description: 'SEEDSHIP TAMPER TEST', threads: 0 });
    const image = readFileSync(path);
    for (const offset of layout.metadataOffsets) {
      const region = image.subarray(offset, offset + METADATA_REGION_SIZE);
      const blockSize = region.readUInt16LE(8) * 16;
      const at = region.indexOf(Buffer.from('TAMPER', 'utf16le'));
      expect(at).toBeGreaterThan(0);
      region.write('X', at, 'utf16le');
      region.writeUInt32LE(crc32(region.subarray(0, blockSize)) >>> 0, blockSize + 4);
    }
    writeFileSync(path, image);
    const volume = await BitLockerVolume.open(path);
    try {
      // The CRC alone is satisfied (this is all the Debian readers check)...
      expect(volume.copyStatus.map((s) => s.crc)).toEqual(['ok', 'ok', 'ok']);
      // ...but the VMK-wrapped SHA-256 is not.
      await expect(volume.unlock({ recoveryPassword: result.recoveryPassword })).rejects.toMatchObject({
        code: BitLockerErrorCode.MetadataHashMismatch,
      });
      expect(volume.copyStatus.every((s) => s.hash.includes('fails its SHA-256 validation'))).toBe(true);
    } finally {
      await volume.close();
    }
  });
});
