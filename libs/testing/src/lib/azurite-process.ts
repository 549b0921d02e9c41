import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { eventually } from './eventually';
import { WORKSPACE_ROOT } from './dev-services';

export interface AzuriteProcess {
  /** Blob endpoint; accounts are path-style below it. */
  readonly blobEndpoint: string;
  /** name -> base64 key, in AZURE_SIM_STORAGE_ACCOUNTS form via `accountsSetting`. */
  readonly accounts: Readonly<Record<string, string>>;
  readonly accountsSetting: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service (the npm package in devDependencies) on a free loopback port with a
 * temp workspace and fresh account keys, and waits until it answers.
 */
export async function startAzurite(accountNames: readonly string[]): Promise<AzuriteProcess> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'azurite-'));
  const port = await freePort();
  const accounts = Object.fromEntries(accountNames.map((name) => [name, randomBytes(32).toString('base64')]));
  const accountsSetting = Object.entries(accounts).map(([name, key]) => `${name}:${key}`).join(';');
  const child: ChildProcess = spawn(
    path.join(WORKSPACE_ROOT, 'node_modules/.bin/azurite-blob'),
    ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--silent', '--skipApiVersionCheck', '--disableProductStyleUrl'],
    { env: { ...process.env, AZURITE_ACCOUNTS: accountsSetting }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`azurite-blob exited with ${child.exitCode}: ${output}`);
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
    },
    { timeoutMs: 60_000, description: 'Azurite blob service to listen' },
  );
  return {
    blobEndpoint: `http://127.0.0.1:${port}`,
    accounts,
    accountsSetting,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
