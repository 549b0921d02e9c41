import { type ContainerClient } from '@azure/storage-blob';

import { joinBlobName } from './blob-names';
import { StagingRepoError, StagingRepoErrorCode } from './errors';
import { type StagingRepository } from './repository';
import { type StagedObject } from './snapshot-writer';

/**
 * Uploads staged objects as block blobs named prefix/path, with their Content-MD5, and checks that
 * the service reports the same length and MD5. This is the online path (incrementals, tests); the
 * seed itself travels on drives.
 */
export async function uploadStagedObjects(
  repo: StagingRepository,
  objects: readonly StagedObject[],
  container: ContainerClient,
  prefix = '',
): Promise<void> {
  for (const object of objects) {
    const blob = container.getBlockBlobClient(joinBlobName(prefix, object.path));
    await blob.uploadFile(repo.path(object.path), {
      blobHTTPHeaders: { blobContentMD5: Buffer.from(object.md5, 'base64'), blobContentType: 'application/octet-stream' },
      concurrency: 2,
    });
    const properties = await blob.getProperties();
    const md5 = properties.contentMD5 ? Buffer.from(properties.contentMD5).toString('base64') : undefined;
    if (properties.contentLength !== object.size || md5 !== object.md5) {
      throw new StagingRepoError(
        StagingRepoErrorCode.INTEGRITY,
        `Blob ${blob.name} reads back as ${properties.contentLength ?? '?'} bytes, MD5 ${md5 ?? 'none'}; expected ${object.size} bytes, MD5 ${object.md5}.`,
      );
    }
  }
}
