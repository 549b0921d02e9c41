import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { WORKSPACE_ROOT } from '@seedship/testing';

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Log lines (pino JSON) the process printed so far. */
  logs(): string[];
  /** SIGKILL: the process dies at once, mid-write, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Runs the real ops-console service (src/main.ts under @swc-node/register) as a child process with the given
 * environment on a free port, and resolves once it listens. A separate process, so a test can kill it.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  // One node process with SWC as the require hook (it emits the decorator metadata Nest's injection
  // reads; esbuild-based tsx does not), so a SIGKILL leaves no second process behind.
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, 'apps/ops-console/src/main.ts')], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json'), PORT: '0', LOG_LEVEL: 'info', ...env },
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
    const timer = setTimeout(() => reject(new Error(`ops-console did not listen within 60 s:\n${lines.join('\n')}`)), 60_000);
    const check = (): void => {
      for (const line of lines) {
        const match = /"port":(\d+)/.exec(line);
        if (match?.[1] && line.includes('ops-console listening')) {
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
      reject(new Error(`ops-console exited with ${code ?? 'a signal'} before listening:\n${lines.join('\n')}${buffered}`));
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
