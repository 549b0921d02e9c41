import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { eventually } from './eventually';

export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then waits for exit); its JetStream store stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store, as a restarted server would be. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  destroy(): Promise<void>;
}

/**
 * A private nats-server with JetStream for a test that must stop and restart the server itself
 * (the binary comes from the Debian package tools/dev/services installs).
 */
export async function startNatsServerProcess(): Promise<NatsServerProcess> {
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'seedship-nats-'));
  const [port, monitorPort] = [await freePort(), await freePort()];
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    const proc = spawn(
      'nats-server',
      ['--jetstream', '--store_dir', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const spawnError = new Promise<never>((_, reject) =>
      proc.once('error', (error) =>
        reject(new Error(`could not run nats-server (install the Debian package nats-server): ${error.message}`)),
      ),
    );
    child = proc;
    await Promise.race([
      spawnError,
      eventually(
        async () => {
          if (proc.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
          const response = await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
          return response.ok;
        },
        { timeoutMs: 20_000, description: 'nats-server to become healthy' },
      ),
    ]);
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
