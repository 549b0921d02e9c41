import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { WORKSPACE_ROOT } from '@seedship/testing';

export interface OrchestratorProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code when the process ends (86 = it reached a crash point). */
  readonly exited: Promise<number | null>;
  logs(): string[];
  stop(): Promise<void>;
}

/**
 * Runs the real import-orchestrator (src/main.ts under @swc-node/register, which emits the decorator
 * metadata Nest needs) as a child process on a free port, and resolves once it listens.
 */
export async function startOrchestratorProcess(env: Record<string, string>): Promise<OrchestratorProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, 'apps/import-orchestrator/src/main.ts')], {
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
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`import-orchestrator did not listen within 60 s:\n${lines.join('\n')}`)), 60_000);
    const check = (): void => {
      for (const line of lines) {
        const match = /"port":(\d+)/.exec(line);
        if (match?.[1] && line.includes('import-orchestrator listening')) {
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
      reject(new Error(`import-orchestrator exited with ${code ?? 'a signal'} before listening:\n${lines.join('\n')}${buffered}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    exited,
    logs: () => [...lines],
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
