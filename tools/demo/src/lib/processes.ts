import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

import { type NodeServiceProcess, eventually, startNodeService } from '@seedship/testing';

export interface DemoService {
  readonly name: string;
  readonly baseUrl: string;
  readonly logFile: string;
  readonly process: NodeServiceProcess;
}

/**
 * Starts one Seedship service as a child process (node -r @swc-node/register, as in the tests) on a free
 * port, copies everything it prints into `<logDir>/<name>.log`, and waits until /health/ready answers 200
 * (its Postgres and NATS are reachable).
 */
export async function startDemoService(options: {
  name: string;
  entry: string;
  listeningMessage: string;
  env: Record<string, string>;
  logDir: string;
}): Promise<DemoService> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  let started: NodeServiceProcess;
  try {
    started = await startNodeService({ entry: options.entry, listeningMessage: options.listeningMessage, env: options.env });
  } catch (error) {
    // The failed start's output is in the error; keep it in the log file too.
    log.end(`${error instanceof Error ? error.message : String(error)}\n`);
    throw new Error(`${options.name} did not start (log: ${logFile}): ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}`);
  }
  // What it printed before listening, then everything after, in order (both happen in this tick).
  log.write(started.logs().map((line) => `${line}\n`).join(''));
  started.child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
  started.child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  started.child.once('exit', () => log.end());
  const ready = eventually(
    async () => {
      if (started.child.exitCode !== null) throw new Error(`${options.name} exited with ${started.child.exitCode}; see ${logFile}`);
      const response = await fetch(`${started.baseUrl}/health/ready`);
      if (response.status !== 200) throw new Error(`/health/ready answered ${response.status}: ${await response.text()}`);
    },
    { timeoutMs: 60_000, intervalMs: 200, description: `${options.name} /health/ready` },
  );
  // A service that never gets ready is stopped here: the caller only knows of the ones that did.
  await ready.catch(async (error: unknown) => {
    await started.stop();
    throw error;
  });
  return { name: options.name, baseUrl: started.baseUrl, logFile, process: started };
}
