/**
 * Blob verification throughput (libs/azure verifyBlobs: one container listing per 5000 blobs carries
 * every length and Content-MD5) next to the baseline measured in the same run: a HEAD request per blob
 * (getProperties), 16 at a time. Against Azurite on loopback, so the figures are request costs without
 * network latency; against Azure each saved request also saves a round trip.
 *
 *   npx tsx --tsconfig tools/bench/blob-verify/tsconfig.json tools/bench/blob-verify/bench.ts [blobs]
 *   (or: NX_DAEMON=false npx nx run bench-blob-verify:bench)
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { type ExpectedBlob, verifyBlobs } from '@seedship/azure';

const BLOBS = Number(process.argv[2] ?? 3000);
/** Azurite's documented development account (public, not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

async function headEach(container: ContainerClient, expected: readonly ExpectedBlob[]): Promise<number> {
  let ok = 0;
  await pool(expected, 16, async (blob) => {
    const properties = await container.getBlobClient(blob.blobName).getProperties();
    const md5 = properties.contentMD5 ? Buffer.from(properties.contentMD5).toString('base64') : '';
    if (BigInt(properties.contentLength ?? -1) === blob.sizeBytes && md5 === blob.md5) ok++;
  });
  return ok;
}

async function main(): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'bench-azurite-'));
  const azurite = spawn(join(process.cwd(), 'node_modules/.bin/azurite-blob'), ['--inMemoryPersistence', '--blobHost', '127.0.0.1', '--blobPort', '0', '--silent', '--skipApiVersionCheck', '--loose'], { cwd: workspace });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    azurite.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match?.[1]) resolve(Number(match[1]));
    });
    azurite.once('exit', (code) => reject(new Error(`azurite exited with ${code ?? 'a signal'}: ${output}`)));
  });
  try {
    const container = new BlobServiceClient(`http://127.0.0.1:${port}/${ACCOUNT}`, new StorageSharedKeyCredential(ACCOUNT, KEY)).getContainerClient('bench');
    await container.create();
    const contents = new Map<string, Buffer>(Array.from({ length: BLOBS }, (_, index) => [`job/packs/${String(index).padStart(6, '0')}.pack`, randomBytes(512 + (index % 512))] as const));
    const expected: ExpectedBlob[] = [...contents].map(([blobName, content]) => ({ blobName, sizeBytes: BigInt(content.length), md5: createHash('md5').update(content).digest('base64') }));
    await pool(expected, 16, async (blob) => {
      await container.getBlockBlobClient(blob.blobName).uploadData(contents.get(blob.blobName) ?? Buffer.alloc(0), { blobHTTPHeaders: { blobContentMD5: Buffer.from(blob.md5, 'base64') } });
    });
    console.log(`load average before: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    for (let round = 0; round < 2; round++) {
      let started = process.hrtime.bigint();
      const listed = await verifyBlobs(container, expected, ['job/']);
      const listingMs = Number(process.hrtime.bigint() - started) / 1e6;
      started = process.hrtime.bigint();
      const headed = await headEach(container, expected);
      const headMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (listed.verifiedBlobs !== BLOBS || headed !== BLOBS) throw new Error('verification disagreed with what was uploaded');
      console.log(
        `round ${round + 1}: ${BLOBS} blobs  listing (verifyBlobs): ${listingMs.toFixed(0)} ms = ${((BLOBS / listingMs) * 1000).toFixed(0)} blobs/s, ${Math.ceil(BLOBS / 5000)} request(s)` +
          `  |  HEAD per blob x16 (baseline): ${headMs.toFixed(0)} ms = ${((BLOBS / headMs) * 1000).toFixed(0)} blobs/s, ${BLOBS} requests  |  ${(headMs / listingMs).toFixed(1)}x`,
      );
    }
    console.log(`load average after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    azurite.kill('SIGTERM');
    await rm(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
