import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { BitLockerVolume } from '@seedship/bitlocker';
import { type LoopDevice, createLoopDevice } from '@seedship/block-devices';

import { decryptWithDislocker, ntfsCat, ntfsFiles, stagedSnapshot } from '../test-support/staged-snapshot';

import { DriveFormatErrorCode } from './drive-format-error';
import { parseManifest } from './manifest/drive-manifest';
import { NtfsReader } from './ntfs/ntfs-reader';
import { type DriveBlob, prepareDrive } from './prepare-drive';
import { verifyDrive } from './verify-drive';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex').toUpperCase();
const md5Base64 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('base64');

describe('prepareDrive on loop devices', () => {
  let work: string;
  const loops: LoopDevice[] = [];
  const loop = async (sizeBytes: number, sectorSize = 512): Promise<LoopDevice> => {
    const device = await createLoopDevice({ sizeBytes, sectorSize, directory: work });
    loops.push(device);
    return device;
  };
  const blobFile = async (name: string, bytes: Buffer): Promise<DriveBlob> => {
    const sourcePath = path.join(work, name.replace(/\//g, '_'));
    await writeFile(sourcePath, bytes);
    return { blobName: name, sourcePath, size: bytes.length, md5: md5Base64(bytes) };
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'drive-format-'));
  });
  afterAll(async () => {
    for (const device of loops) await device.detach();
    await rm(work, { recursive: true, force: true });
  });

  it('fills a drive with a staged snapshot that dislocker, ntfs-3g and our verifier all read back', async () => {
    const blobs = await stagedSnapshot(path.join(work, 'staged'), { largeFiles: 3, largeFileBytes: 6 * MiB, packTargetBytes: 8 * MiB });
    expect(blobs.length).toBeGreaterThan(3);
    const device = await loop(96 * MiB);
    const phases = new Set<string>();
    const prepared = await prepareDrive(
      { device: device.path, driveId: 'LOOP-SNAPSHOT-1', container: 'seedjob', blobs, credential: { storageAccountKey: 'a2V5' }, blockBytes: MiB, threads: 2 },
      (progress) => phases.add(progress.phase),
    );
    expect([...phases]).toEqual(['allocating', 'writing', 'finishing', 'verifying', 'done']);
    expect(prepared).toMatchObject({ driveId: 'LOOP-SNAPSHOT-1', manifestFile: '\\DriveManifest.xml' });
    expect(prepared.verification).toMatchObject({ ok: true, problems: [], blobsChecked: blobs.length });
    expect(prepared.bytesWritten).toBeGreaterThan(prepared.blobBytes);
    expect(prepared.blobBytes).toBe(blobs.reduce((sum, blob) => sum + blob.size, 0));
    // util-linux's probes see a DOS partition table, and BitLocker in the partition.
    expect((await run('blkid', ['-p', '-o', 'value', '-s', 'PTTYPE', device.path])).stdout.trim()).toBe('dos');
    expect((await run('blkid', ['-p', '-O', String(prepared.capacity.partitionOffset), '-o', 'value', '-s', 'TYPE', device.path])).stdout.trim()).toBe('BitLocker');

    // dislocker decrypts it with the recovery password; ntfs-3g's tools list and read every file.
    const decrypted = path.join(work, 'decrypted.img');
    await decryptWithDislocker(device.path, prepared.capacity.partitionOffset, prepared.recoveryPassword.toString(), decrypted);
    const manifestBytes = await ntfsCat(decrypted, '/DriveManifest.xml');
    expect(md5Hex(manifestBytes)).toBe(prepared.manifestHash);
    const manifest = parseManifest(manifestBytes.toString('utf8'));
    expect(manifest.driveId).toBe('LOOP-SNAPSHOT-1');
    expect(await ntfsFiles(decrypted, '/Blobs')).toEqual(prepared.blobs.map((blob) => blob.filePath.split('\\').pop()).sort());
    for (const blob of blobs) {
      const entry = manifest.blobs.find((candidate) => candidate.blobPath === `seedjob/${blob.blobName}`);
      expect(entry).toBeDefined();
      const content = await ntfsCat(decrypted, (entry?.filePath ?? '').replace(/\\/g, '/'));
      expect(md5Base64(content)).toBe(blob.md5);
      expect(content.equals(await readFile(blob.sourcePath))).toBe(true);
      for (const block of entry?.blocks ?? []) expect(md5Hex(content.subarray(block.offset, block.offset + block.length))).toBe(block.hash);
    }
    await rm(decrypted);

    // The project's verifier, on its own, with the recovery password as the drive list carries it.
    const report = await verifyDrive({
      device: device.path,
      recoveryPassword: prepared.recoveryPassword.toString(),
      driveId: 'LOOP-SNAPSHOT-1',
      manifestHash: prepared.manifestHash,
      driveHeaderHash: prepared.driveHeaderHash,
      expectedBlobs: blobs.map((blob) => ({ blobPath: `seedjob/${blob.blobName}`, size: blob.size, md5: blob.md5 })),
    });
    expect(report).toMatchObject({ ok: true, blobsChecked: blobs.length, bytesChecked: prepared.blobBytes });
    const wrongKey = await verifyDrive({ device: device.path, recoveryPassword: '000000-000011-000022-000033-000044-000055-000066-000077' });
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.problems[0]).toContain('the recovery password does not unlock the volume');
  });

  it('prepares a 4Kn drive with a GPT', async () => {
    const device = await loop(48 * MiB, 4096);
    const blobs = [await blobFile('gpt/a.bin', randomBytes(5 * MiB + 3)), await blobFile('gpt/b.bin', randomBytes(1000))];
    const prepared = await prepareDrive({ device: device.path, driveId: 'LOOP-4KN', container: 'seedjob', blobs, credential: { containerSas: '?sv=2021&sig=x' }, partitionStyle: 'gpt', threads: 0 });
    expect(prepared.capacity).toMatchObject({ sectorSize: 4096, partitionStyle: 'gpt' });
    expect(prepared.verification?.ok).toBe(true);
    const decrypted = path.join(work, 'decrypted-4kn.img');
    await decryptWithDislocker(device.path, prepared.capacity.partitionOffset, prepared.recoveryPassword.toString(), decrypted);
    expect(md5Base64(await ntfsCat(decrypted, '/Blobs/000001.bin'))).toBe(blobs[0]?.md5);
    expect(md5Base64(await ntfsCat(decrypted, '/Blobs/000002.bin'))).toBe(blobs[1]?.md5);
    await rm(decrypted);
  });

  it('prepares a plain image file as a drive, with blocks larger than one read', async () => {
    const image = path.join(work, 'drive.img');
    await writeFile(image, '');
    await truncate(image, 64 * MiB);
    const blobs = [await blobFile('image/a.bin', randomBytes(17 * MiB + 3))];
    const prepared = await prepareDrive({ device: image, driveId: 'IMAGE-1', container: 'seedjob', blobs, credential: { storageAccountKey: 'a2V5' }, blockBytes: 16 * MiB, threads: 0 });
    expect(prepared.verification).toMatchObject({ ok: true, blocksChecked: 2 });
    const decrypted = path.join(work, 'decrypted-image.img');
    await decryptWithDislocker(image, prepared.capacity.partitionOffset, prepared.recoveryPassword.toString(), decrypted);
    const manifest = parseManifest((await ntfsCat(decrypted, '/DriveManifest.xml')).toString('utf8'));
    const content = await ntfsCat(decrypted, '/Blobs/000001.bin');
    expect(manifest.blobs[0]?.blocks.map((block) => [block.offset, block.length, block.hash])).toEqual([
      [0, 16 * MiB, md5Hex(content.subarray(0, 16 * MiB))],
      [16 * MiB, MiB + 3, md5Hex(content.subarray(16 * MiB))],
    ]);
    await rm(decrypted);
    await rm(image);
  });

  it('refuses a drive too small for its plan before writing anything', async () => {
    const device = await loop(32 * MiB);
    const blobs = [await blobFile('big/a.bin', randomBytes(20 * MiB)), await blobFile('big/b.bin', randomBytes(12 * MiB))];
    const refusal = prepareDrive({ device: device.path, driveId: 'LOOP-SMALL', container: 'seedjob', blobs, credential: { storageAccountKey: 'a2V5' } });
    await expect(refusal).rejects.toMatchObject({ code: DriveFormatErrorCode.DriveTooSmall });
    await expect(refusal).rejects.toThrow(/was not touched: its \d+ usable bytes cannot hold the \d+ bytes the 2 blobs take; plan \d+ more bytes onto another drive/);
    await expectAllZero(device.path, 32 * MiB);
  });

  it('refuses bad input and drives it may not write, changing nothing', async () => {
    const device = await loop(32 * MiB);
    const good = await blobFile('in/a.bin', randomBytes(100 * 1024));
    const small = await blobFile('in/small.bin', randomBytes(500));
    const base = { device: device.path, driveId: 'LOOP-BAD', container: 'seedjob', credential: { storageAccountKey: 'a2V5' } } as const;
    await expect(prepareDrive({ ...base, container: 'Bad_Container', blobs: [good, { ...good, md5: 'nope' }, good] })).rejects.toMatchObject({
      code: DriveFormatErrorCode.InvalidInput,
      problems: [
        "container 'Bad_Container' is not a valid Azure container name (3-63 lower-case letters, digits and single hyphens)",
        'blob in/a.bin is listed twice',
        "blob in/a.bin has md5 'nope', not a Base64 MD5",
        'blob in/a.bin is listed twice',
      ],
    });
    await expect(prepareDrive({ ...base, blobs: [{ ...good, size: good.size + 1 }] })).rejects.toMatchObject({ code: DriveFormatErrorCode.SourceMismatch });
    await expect(prepareDrive({ ...base, blobs: [{ ...small, md5: good.md5 }] })).rejects.toMatchObject({ code: DriveFormatErrorCode.SourceMismatch });
    await expect(prepareDrive({ ...base, blobs: [good], signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expectAllZero(device.path, 32 * MiB);

    await run('mkntfs', ['--fast', '--force', '--quiet', device.path]);
    const before = md5Hex(await readFile(device.path));
    const refusal = prepareDrive({ ...base, blobs: [good] });
    await expect(refusal).rejects.toMatchObject({ code: DriveFormatErrorCode.DriveNotWritable });
    await expect(refusal).rejects.toThrow('is not blank (found ntfs');
    expect(md5Hex(await readFile(device.path))).toBe(before);
    // Once an operator confirmed the wipe, the same drive is prepared.
    const prepared = await prepareDrive({ ...base, blobs: [good, small], wipeConfirmed: true, threads: 0 });
    expect(prepared.verification?.ok).toBe(true);
  });

  it('catches a byte flipped in the middle of a blob on the drive, and a staged file that changed', async () => {
    const device = await loop(48 * MiB);
    const blobs = [await blobFile('flip/a.bin', randomBytes(6 * MiB + 17)), await blobFile('flip/b.bin', randomBytes(3 * MiB))];
    const prepared = await prepareDrive({ device: device.path, driveId: 'LOOP-FLIP', container: 'seedjob', blobs, credential: { storageAccountKey: 'a2V5' }, blockBytes: MiB, threads: 0 });
    expect(prepared.verification?.ok).toBe(true);

    // Where the middle byte of blob a sits on the raw device.
    const volume = await BitLockerVolume.open(device.path, { volumeOffset: prepared.capacity.partitionOffset });
    await volume.unlock({ recoveryPassword: prepared.recoveryPassword.toString() });
    const ntfs = await NtfsReader.open((offset, length) => volume.read(offset, length));
    const file = (await ntfs.listFiles()).get('\\Blobs\\000001.bin');
    await volume.close();
    const middle = Math.floor((blobs[0]?.size ?? 0) / 2);
    const run0 = file?.runs[0];
    expect(run0?.lcn).toBeDefined();
    const physical = prepared.capacity.partitionOffset + (run0?.lcn ?? 0) * ntfs.geometry.clusterSize + middle;
    await flipByte(device.path, physical);

    const report = await verifyDrive({
      device: device.path,
      recoveryPassword: prepared.recoveryPassword.toString(),
      manifestHash: prepared.manifestHash,
      expectedBlobs: blobs.map((blob) => ({ blobPath: `seedjob/${blob.blobName}`, size: blob.size, md5: blob.md5 })),
    });
    expect(report.ok).toBe(false);
    const blockOffset = Math.floor(middle / MiB) * MiB;
    expect(report.problems).toEqual([
      expect.stringMatching(new RegExp(`^seedjob/flip/a.bin: block at offset ${blockOffset} \\(1048576 bytes\\) of \\\\Blobs\\\\000001.bin has MD5 [0-9A-F]{32}; the manifest says [0-9A-F]{32}$`)),
      expect.stringMatching(/^seedjob\/flip\/a.bin: the blob on the drive has MD5 .+; staging recorded .+$/),
    ]);

    // A staged file whose bytes no longer match staging's MD5 fails the drive in verification.
    await run('wipefs', ['--all', '--quiet', device.path]);
    const damaged = blobs[1];
    if (!damaged) throw new Error('no blob');
    await flipByte(damaged.sourcePath, 1000);
    await expect(prepareDrive({ device: device.path, driveId: 'LOOP-FLIP', container: 'seedjob', blobs, credential: { storageAccountKey: 'a2V5' }, threads: 0 })).rejects.toMatchObject({
      code: DriveFormatErrorCode.VerificationFailed,
      problems: [expect.stringContaining('seedjob/flip/b.bin: the blob on the drive has MD5')],
    });
  });
});

async function flipByte(file: string, offset: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = (byte[0] ?? 0) ^ 0x01;
    await handle.write(byte, 0, 1, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function expectAllZero(device: string, size: number): Promise<void> {
  const bytes = await readFile(device);
  expect(bytes.length).toBe(size);
  expect(bytes.every((byte) => byte === 0)).toBe(true);
}
