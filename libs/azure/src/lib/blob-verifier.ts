import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { type TokenCredential } from '@azure/core-auth';

/** A blob as staging recorded it: the name in the container, its length and Base64 MD5. */
export interface ExpectedBlob {
  readonly blobName: string;
  readonly sizeBytes: bigint;
  readonly md5: string;
}

export interface BlobProblem {
  readonly blobName: string;
  readonly problem: 'missing' | 'length' | 'md5';
  readonly expected: string;
  readonly actual: string;
}

export interface BlobVerification {
  readonly verifiedBlobs: number;
  readonly verifiedBytes: bigint;
  readonly problems: readonly BlobProblem[];
}

/**
 * Checks that every expected blob is in the container with its length and Content-MD5. Reads the
 * container listing under the blobs' common prefixes (one request per 5000 blobs) instead of a HEAD per
 * blob; the listing carries both properties.
 */
export async function verifyBlobs(container: ContainerClient, expected: readonly ExpectedBlob[], prefixes: readonly string[]): Promise<BlobVerification> {
  const listed = new Map<string, { length: number | undefined; md5: string | undefined }>();
  for (const prefix of prefixes.length > 0 ? prefixes : ['']) {
    for await (const blob of container.listBlobsFlat({ ...(prefix ? { prefix } : {}) })) {
      const md5 = blob.properties.contentMD5 ? Buffer.from(blob.properties.contentMD5).toString('base64') : undefined;
      listed.set(blob.name, { length: blob.properties.contentLength, md5 });
    }
  }
  const problems: BlobProblem[] = [];
  let verifiedBlobs = 0;
  let verifiedBytes = 0n;
  for (const blob of expected) {
    const found = listed.get(blob.blobName);
    if (!found) {
      problems.push({ blobName: blob.blobName, problem: 'missing', expected: `${blob.sizeBytes} bytes`, actual: 'no such blob' });
    } else if (found.length === undefined || BigInt(found.length) !== blob.sizeBytes) {
      problems.push({ blobName: blob.blobName, problem: 'length', expected: `${blob.sizeBytes} bytes`, actual: `${found.length ?? '?'} bytes` });
    } else if (found.md5 !== blob.md5) {
      problems.push({ blobName: blob.blobName, problem: 'md5', expected: blob.md5, actual: found.md5 ?? 'no Content-MD5' });
    } else {
      verifiedBlobs += 1;
      verifiedBytes += blob.sizeBytes;
    }
  }
  return { verifiedBlobs, verifiedBytes, problems };
}

export interface BlobEndpointOptions {
  /** e.g. `https://{account}.blob.core.windows.net` or Azurite's `http://127.0.0.1:10000/{account}`. */
  readonly endpointTemplate: string;
  /** Shared keys by account name (Azurite, or accounts without Entra ID data access). */
  readonly accountKeys?: Readonly<Record<string, string>>;
  /** Used for accounts without a key: Entra ID (Storage Blob Data Contributor on the account). */
  readonly credential?: TokenCredential;
}

/** A blob service client for a storage account: by shared key when one is configured, else by token. */
export function blobServiceFor(account: string, options: BlobEndpointOptions): BlobServiceClient {
  const url = options.endpointTemplate.replace('{account}', account);
  const key = options.accountKeys?.[account];
  if (key) return new BlobServiceClient(url, new StorageSharedKeyCredential(account, key));
  if (!options.credential) throw new Error(`No key and no credential for storage account ${account}.`);
  return new BlobServiceClient(url, options.credential);
}
