import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

import { WORKSPACE_ROOT } from '@seedship/testing';

const SEEDSHIP = join(WORKSPACE_ROOT, 'apps/cli/bin/seedship');

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PtyRun {
  /** What the terminal showed: prompts, echoed answers and output, in order. */
  readonly transcript: string;
  readonly exitCode: number;
  /** The step whose text never appeared, or null when every answer was given. */
  readonly failedStep: number | null;
}

export interface PtyStep {
  readonly expect: string;
  /** The answer typed (then Enter); null types Ctrl-D. */
  readonly send: string | null;
}

function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env['HOME'] ?? '/root', TERM: 'xterm', ...env };
}

/** `seedship <args>` with pipes: how a script runs it (stdin is not a terminal). */
export function runSeedship(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SEEDSHIP, ...args], { cwd: WORKSPACE_ROOT, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.stdin.end();
    child.once('error', reject);
    child.once('exit', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
  });
}

/** `seedship <args>` in a pseudo-terminal (python3's pty module), typing each answer when its question appears. */
export function runSeedshipInPty(args: readonly string[], env: Record<string, string>, steps: readonly PtyStep[], timeoutSeconds = 90): PtyRun {
  const request = { argv: ['/bin/bash', SEEDSHIP, ...args], env: cliEnv(env), cwd: WORKSPACE_ROOT, timeout: timeoutSeconds, steps };
  const result = spawnSync('python3', [join(__dirname, 'pty-session.py')], { input: JSON.stringify(request), encoding: 'utf8', timeout: (timeoutSeconds + 30) * 1000 });
  if (result.status !== 0) throw new Error(`the pty driver failed (${String(result.status)}): ${result.stderr}`);
  return JSON.parse(result.stdout) as PtyRun;
}
