import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { prepareDrive } from '@seedship/drive-format';

const run = promisify(execFile);

export interface FixtureBlob {
  /** container/name in the storage account. */
  readonly blobPath: string;
  readonly length: number;
  readonly blockSize: number;
}

export interface FixtureDrive {
  readonly driveId: string;
  readonly imagePath: string;
  readonly manifestFile: string;
  /** Base16 MD5 of the manifest, as the job's drive list carries it. */
  readonly manifestHash: string;
  readonly blobs: readonly { blobPath: string; content: Buffer; md5: Buffer }[];
  /** The 48-digit recovery password of the drive's BitLocker volume (undefined for a plain NTFS drive). */
  readonly bitLockerKey: string | undefined;
  /** As libs/drive-format computes it (undefined for a plain NTFS drive). */
  readonly driveHeaderHash: string | undefined;
}

/**
 * Builds a drive image. Encrypted drives (the default) are prepared by libs/drive-format exactly as the
 * disk-prep agent prepares a real drive: MBR partition at 1 MiB, NTFS, blob files, WAImportExport
 * manifest, BitLocker, read-back verification; the image file is the drive. `encrypt: false` builds a
 * plain NTFS image with mkntfs and ntfscp instead (for AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES), with the
 * volume bare or, with `partitioned`, in an MBR partition at 1 MiB.
 */
export async function buildDriveImage(options: {
  driveId: string;
  blobs: readonly FixtureBlob[];
  partitioned?: boolean;
  encrypt?: boolean;
  storageAccountKey: string;
}): Promise<FixtureDrive> {
  return (options.encrypt ?? true) ? buildPreparedDrive(options) : buildPlainDrive({ ...options, partitioned: options.partitioned ?? false });
}

async function buildPreparedDrive(options: { driveId: string; blobs: readonly FixtureBlob[]; storageAccountKey: string }): Promise<FixtureDrive> {
  const containers = new Set(options.blobs.map((blob) => blob.blobPath.split('/')[0] ?? ''));
  const blockSizes = new Set(options.blobs.map((blob) => blob.blockSize));
  const [container] = [...containers];
  const [blockBytes] = [...blockSizes];
  if (containers.size !== 1 || !container || blockSizes.size !== 1) {
    throw new Error('A prepared fixture drive holds blobs of one container with one block size.');
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), `azure-sim-image-${options.driveId}-`));
  const blobs: { blobPath: string; content: Buffer; md5: Buffer }[] = [];
  const staged = [];
  for (const [index, blob] of options.blobs.entries()) {
    const content = randomBytes(blob.length);
    const sourcePath = path.join(directory, `staged-${index}.bin`);
    await writeFile(sourcePath, content);
    const md5 = createHash('md5').update(content).digest();
    blobs.push({ blobPath: blob.blobPath, content, md5 });
    staged.push({ blobName: blob.blobPath.slice(container.length + 1), sourcePath, size: blob.length, md5: md5.toString('base64') });
  }
  const totalData = options.blobs.reduce((sum, blob) => sum + blob.length, 0);
  const imagePath = path.join(directory, 'disk.img');
  await truncate(await touch(imagePath), Math.max(32 * 1024 * 1024, Math.ceil((totalData * 1.2 + 24 * 1024 * 1024) / 1048576) * 1048576));
  const prepared = await prepareDrive({
    device: imagePath,
    driveId: options.driveId,
    container,
    blobs: staged,
    credential: { storageAccountKey: options.storageAccountKey },
    blockBytes,
    threads: 0,
    scratchDirectory: directory,
  });
  for (const blob of staged) await rm(blob.sourcePath);
  return {
    driveId: prepared.driveId,
    imagePath,
    manifestFile: prepared.manifestFile,
    manifestHash: prepared.manifestHash,
    blobs,
    bitLockerKey: prepared.recoveryPassword.toString(),
    driveHeaderHash: prepared.driveHeaderHash,
  };
}

async function buildPlainDrive(options: { driveId: string; blobs: readonly FixtureBlob[]; partitioned: boolean; storageAccountKey: string }): Promise<FixtureDrive> {
  const partitionStart = options.partitioned ? 2048 : 0;
  const directory = await mkdtemp(path.join(os.tmpdir(), `azure-sim-image-${options.driveId}-`));
  const volume = path.join(directory, 'volume.img');
  const totalData = options.blobs.reduce((sum, blob) => sum + blob.length, 0);
  const volumeSize = Math.max(16 * 1024 * 1024, Math.ceil((totalData * 1.3 + 8 * 1024 * 1024) / 1048576) * 1048576);
  await truncate(await touch(volume), volumeSize);
  await run('mkntfs', ['--force', '--quiet', '--fast', '-s', '512', '-c', '4096', '-p', String(partitionStart), '-H', '255', '-S', '63', '--label', options.driveId.slice(0, 16), volume, String(volumeSize / 512)]);

  const blobs: { blobPath: string; content: Buffer; md5: Buffer }[] = [];
  const blobXml: string[] = [];
  for (const [index, blob] of options.blobs.entries()) {
    const content = randomBytes(blob.length);
    const fileName = `blob-${index + 1}.dat`;
    const local = path.join(directory, fileName);
    await writeFile(local, content);
    await run('ntfscp', ['--force', volume, local, `/${fileName}`]);
    const blocks: string[] = [];
    for (let offset = 0, block = 0; offset < blob.length; offset += blob.blockSize, block += 1) {
      const length = Math.min(blob.blockSize, blob.length - offset);
      const hash = createHash('md5').update(content.subarray(offset, offset + length)).digest('hex').toUpperCase();
      const id = Buffer.from(`seedship-block-${String(block).padStart(6, '0')}`).toString('base64');
      blocks.push(`          <Block Offset="${offset}" Length="${length}" Id="${id}" Hash="${hash}" />`);
    }
    blobXml.push(
      [
        '      <Blob>',
        `        <BlobPath>${blob.blobPath}</BlobPath>`,
        `        <FilePath>\\${fileName}</FilePath>`,
        `        <Length>${blob.length}</Length>`,
        '        <ImportDisposition>overwrite</ImportDisposition>',
        '        <BlockList>',
        ...blocks,
        '        </BlockList>',
        '      </Blob>',
      ].join('\n'),
    );
    blobs.push({ blobPath: blob.blobPath, content, md5: createHash('md5').update(content).digest() });
  }
  const manifest = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<DriveManifest Version="2014-11-01">',
    '  <Drive>',
    `    <DriveId>${options.driveId}</DriveId>`,
    `    <StorageAccountKey>${options.storageAccountKey}</StorageAccountKey>`,
    '    <BlobList>',
    ...blobXml,
    '    </BlobList>',
    '  </Drive>',
    '</DriveManifest>',
    '',
  ].join('\n');
  const manifestLocal = path.join(directory, 'DriveManifest.xml');
  await writeFile(manifestLocal, manifest);
  await run('ntfscp', ['--force', volume, manifestLocal, '/DriveManifest.xml']);
  for (const [index] of options.blobs.entries()) await rm(path.join(directory, `blob-${index + 1}.dat`));
  await rm(manifestLocal);

  let imagePath = volume;
  if (options.partitioned) imagePath = await wrapInMbrPartition(volume, path.join(directory, 'disk.img'), volumeSize);
  return {
    driveId: options.driveId,
    imagePath,
    manifestFile: '\\DriveManifest.xml',
    manifestHash: createHash('md5').update(manifest).digest('hex').toUpperCase(),
    blobs,
    bitLockerKey: undefined,
    driveHeaderHash: undefined,
  };
}

/** A disk image with an MBR whose first partition (type 0x07, NTFS) at 1 MiB holds the volume. */
async function wrapInMbrPartition(volume: string, disk: string, volumeSize: number): Promise<string> {
  const startSector = 2048;
  const mbr = Buffer.alloc(512);
  const entry = 446;
  mbr[entry + 4] = 0x07;
  mbr.writeUInt32LE(startSector, entry + 8);
  mbr.writeUInt32LE(volumeSize / 512, entry + 12);
  mbr.writeUInt16LE(0xaa55, 510);
  const output = await open(disk, 'w');
  try {
    await output.write(mbr, 0, 512, 0);
    const input = await open(volume, 'r');
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let offset = 0; offset < volumeSize; offset += chunk.length) {
        const { bytesRead } = await input.read(chunk, 0, chunk.length, offset);
        await output.write(chunk, 0, bytesRead, startSector * 512 + offset);
      }
    } finally {
      await input.close();
    }
  } finally {
    await output.close();
  }
  await rm(volume);
  return disk;
}

async function touch(file: string): Promise<string> {
  await (await open(file, 'w')).close();
  return file;
}

export async function removeDriveImage(drive: FixtureDrive): Promise<void> {
  await rm(path.dirname(drive.imagePath), { recursive: true, force: true });
}
