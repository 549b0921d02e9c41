import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

import { StagingRepository, generateCorpus, ingestTree } from '@seedship/staging-repo';

import { type DriveBlob } from '../lib/prepare-drive';

const run = promisify(execFile);

/**
 * A real staged snapshot: a generated source tree ingested into a staging repository with small packs,
 * returned as the drive blobs disk-prep would get from StagedBlob rows (name, file, size, MD5).
 */
export async function stagedSnapshot(directory: string, options: { largeFiles: number; largeFileBytes: number; packTargetBytes: number }): Promise<DriveBlob[]> {
  const source = path.join(directory, 'source');
  await generateCorpus(source, { smallFiles: 40, largeFiles: options.largeFiles, largeFileBytes: options.largeFileBytes, duplicates: 3 });
  const repoDir = path.join(directory, 'repo');
  const repo = await StagingRepository.create(repoDir, { packTargetBytes: options.packTargetBytes });
  const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
  await ingestTree(writer, source);
  const sealed = await writer.seal();
  return sealed.objects.map((object) => ({ blobName: `job1/${object.path}`, sourcePath: path.join(repoDir, object.path), size: object.size, md5: object.md5 }));
}

/** dislocker-file's decryption of the BitLocker partition at `offset` of `device` into a plain NTFS image. */
export async function decryptWithDislocker(device: string, offset: number, recoveryPassword: string, target: string): Promise<void> {
  await run('dislocker-file', ['-V', device, '-O', String(offset), `-p${recoveryPassword}`, '--', target]);
}

export async function ntfsFiles(image: string, directory: string): Promise<string[]> {
  const { stdout } = await run('ntfsls', ['--force', image, '--path', directory]);
  return stdout.split('\n').map((line) => line.trim()).filter((name) => name !== '' && name !== '.').sort();
}

export async function ntfsCat(image: string, file: string): Promise<Buffer> {
  const { stdout } = await run('ntfscat', ['--force', image, file], { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
  return stdout;
}
