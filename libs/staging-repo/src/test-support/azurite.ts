import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { WORKSPACE_ROOT } from '@seedship/testing';

/** Azurite's documented development account (public, not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteBlob {
  readonly url: string;
  readonly client: BlobServiceClient;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service (from devDependencies) on a free loopback port with in-memory
 * storage, for one test file. Resolves once Azurite says it listens; stop() ends the process.
 */
export async function startAzuriteBlob(): Promise<AzuriteBlob> {
  const workspace = await mkdtemp(join(tmpdir(), 'seedship-azurite-'));
  const child: ChildProcess = spawn(
    join(WORKSPACE_ROOT, 'node_modules/.bin/azurite-blob'),
    ['--inMemoryPersistence', '--blobHost', '127.0.0.1', '--blobPort', '0', '--skipApiVersionCheck', '--disableTelemetry', '--silent', '--loose'],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within 30 s. Output:\n${output}`)), 30_000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code ?? 'null'} before listening. Output:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}/${ACCOUNT}`;
  const client = new BlobServiceClient(url, new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY));
  return {
    url,
    client,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(workspace, { recursive: true, force: true });
    },
  };
}
