import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { type AzuriteBlob, startAzuriteBlob } from '../test-support/azurite';
import { describeTree, generateCorpus } from './corpus';
import { StagingRepoErrorCode } from './errors';
import { AzureRepositorySource, StagingRepositoryReader } from './reader';
import { StagingRepository } from './repository';
import { type SealResult } from './snapshot-writer';
import { ingestTree } from './tree-ingest';
import { uploadStagedObjects } from './upload';

describe('restore from an Azure container (Azurite)', () => {
  let azurite: AzuriteBlob;
  let work: string;
  let source: string;
  let repo: StagingRepository;
  let sealed: SealResult;
  let container: ContainerClient;
  const prefix = 'seedship/job-azure-restore';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'seedship-azure-'));
    azurite = await startAzuriteBlob();
    source = join(work, 'source');
    await generateCorpus(source, { smallFiles: 120, largeFiles: 2, largeFileBytes: 5 * 1024 * 1024, duplicates: 15 });
    repo = await StagingRepository.create(join(work, 'repo'), { packTargetBytes: 2 * 1024 * 1024 });
    const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
    await ingestTree(writer, source);
    sealed = await writer.seal();
    container = azurite.client.getContainerClient('seed-restore');
    await container.create();
    await uploadStagedObjects(repo, sealed.objects, container, prefix);
  });

  afterAll(async () => {
    await azurite?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('uploads every staged object as a block blob with its length and Content-MD5', async () => {
    const blobs = new Map<string, { length: number | undefined; md5: string | undefined }>();
    for await (const blob of container.listBlobsFlat()) {
      blobs.set(blob.name, {
        length: blob.properties.contentLength,
        md5: blob.properties.contentMD5 ? Buffer.from(blob.properties.contentMD5).toString('base64') : undefined,
      });
    }
    expect(blobs.size).toBe(sealed.objects.length);
    for (const object of sealed.objects) expect(blobs.get(`${prefix}/${object.path}`)).toEqual({ length: object.size, md5: object.md5 });
  });

  it('lists the snapshot and restores it from the container byte for byte', async () => {
    const reader = await StagingRepositoryReader.open(new AzureRepositorySource(container, prefix));
    expect(await reader.listSnapshots()).toEqual([sealed.manifestId]);
    const target = join(work, 'restored');
    const report = await reader.restore(sealed.manifestId, target);
    expect(report.files).toBe(sealed.header.stats.files);
    expect(await describeTree(target)).toEqual(await describeTree(source));
  });

  it('stops with an integrity error when a pack blob in the container was altered', async () => {
    const pack = sealed.objects.find((object) => object.path.startsWith('packs/'));
    if (!pack) throw new Error('no pack staged');
    const blob = container.getBlockBlobClient(`${prefix}/${pack.path}`);
    const bytes = await blob.downloadToBuffer();
    bytes.fill(0x5a, 20, 60);
    await blob.uploadData(bytes);
    const reader = await StagingRepositoryReader.open(new AzureRepositorySource(container, prefix));
    await expect(reader.verify(sealed.manifestId)).rejects.toMatchObject({ code: StagingRepoErrorCode.INTEGRITY });
  });

  it('says plainly when the container holds no repository', async () => {
    const empty = azurite.client.getContainerClient('empty-container');
    await empty.create();
    await expect(StagingRepositoryReader.open(new AzureRepositorySource(empty, 'nothing'))).rejects.toThrow(/Azure container empty-container under nothing\/ holds no staging repository/);
  });
});
