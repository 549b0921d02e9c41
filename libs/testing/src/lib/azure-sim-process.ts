import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { WORKSPACE_ROOT } from './dev-services';
import { type SelfSignedCertificate, createSelfSignedCertificate } from './self-signed-certificate';
import { type AzureSimEndpoint } from './sim-control';

export interface AzureSimProcess extends AzureSimEndpoint {
  readonly dataDir: string;
  readonly caFile: string;
  /** Log lines the simulator printed so far. */
  logs(): string[];
  /** Stops the process and starts a new one on the same data directory and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the real azure-sim (apps/azure-sim/src/main.ts) as a child process on a free port with a fresh
 * data directory and a throwaway certificate, for tests of other services: they reach it only over
 * HTTPS, as they would reach Azure, and never import the app.
 */
export async function startAzureSimProcess(env: Record<string, string> = {}): Promise<AzureSimProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-data-'));
  const certificate: SelfSignedCertificate = await createSelfSignedCertificate();
  const lines: string[] = [];
  let port = 0;
  let child: ChildProcess;

  const launch = async (): Promise<void> => {
    child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(WORKSPACE_ROOT, 'apps/azure-sim/src/main.ts')], {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: path.join(WORKSPACE_ROOT, 'tsconfig.base.json'),
        AZURE_SIM_PORT: String(port),
        AZURE_SIM_HOST: '127.0.0.1',
        AZURE_SIM_DATA_DIR: dataDir,
        AZURE_SIM_TLS_CERT_FILE: certificate.certFile,
        AZURE_SIM_TLS_KEY_FILE: certificate.keyFile,
        AZURE_SIM_DATABOX_LRO_DELAY_MS: '300',
        ...env,
        // The listening line is logged at info; it is how the port is learned.
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    const onData = (data: Buffer): void => {
      buffered += data.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.length > 0));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`azure-sim did not listen within 60 s:\n${lines.join('\n')}`)), 60_000);
      const check = (): void => {
        for (const line of lines) {
          const match = /"url":"https:\/\/[^:]+:(\d+)"/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            resolve(Number(match[1]));
            return;
          }
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`azure-sim exited with ${code ?? 'a signal'} before listening:\n${lines.join('\n')}`));
      });
    });
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };

  await launch();
  return {
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    caPem: certificate.certPem,
    caFile: certificate.certFile,
    dataDir,
    logs: () => [...lines],
    restart: async () => {
      await halt();
      lines.length = 0;
      await launch();
    },
    stop: async () => {
      await halt();
      await rm(dataDir, { recursive: true, force: true });
      await rm(path.dirname(certificate.certFile), { recursive: true, force: true });
    },
  };
}
