import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { WORKSPACE_ROOT } from './dev-services';

export interface NodeServiceProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Log lines (pino JSON) the process printed so far. */
  logs(): string[];
  /** SIGKILL: the process dies at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
}

export interface NodeServiceOptions {
  /** The service's entry, relative to the workspace root, e.g. `apps/shipping-tracker/src/main.ts`. */
  readonly entry: string;
  /** The log message it prints, with `"port":<n>` in the same line, once it listens. */
  readonly listeningMessage: string;
  readonly env: Record<string, string>;
}

/**
 * Runs a real NestJS service as a child process under @swc-node/register (which emits the decorator
 * metadata Nest's injection reads; tsx does not) on a free port (PORT=0), and resolves once it listens.
 */
export async function startNodeService(options: NodeServiceOptions): Promise<NodeServiceProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, options.entry)], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json'), PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const onData = (data: Buffer): void => {
    buffered += data.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.length > 0));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.entry} did not listen within 60 s:\n${lines.join('\n')}`)), 60_000);
    const check = (): void => {
      for (const line of lines) {
        const match = /"port":(\d+)/.exec(line);
        if (match?.[1] && line.includes(options.listeningMessage)) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolvePort(Number(match[1]));
          return;
        }
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited with ${code ?? 'a signal'} before listening:\n${lines.join('\n')}${buffered}`));
    });
  });
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    logs: () => [...lines],
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
