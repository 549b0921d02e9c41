import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { WORKSPACE_ROOT } from '@seedship/testing';

import { DEMO_STEPS } from './lib/demo-run';

/** Runs `npm run demo`'s program on a small data set (48 MiB: the agent takes drives of 32 MiB and up, so this spans two) as a child process, as a newcomer would run it. */
function runDemoProcess(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE_ROOT, 'tools/demo/src/main.ts'), ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the demo, end to end (real Postgres, NATS, Azurite, azure-sim, services, loop-device drives)', () => {
  it('seeds a small data set over two drives, goes incremental and restores it byte for byte', async () => {
    const result = await runDemoProcess(['--size-mib', '48']);
    const output = `${result.stdout}\n--- stderr ---\n${result.stderr}`;
    const summary = result.stdout.slice(result.stdout.lastIndexOf('\nSummary\n'));
    expect([result.code, output]).toEqual([0, output]);
    for (const step of DEMO_STEPS) expect(summary).toMatch(new RegExp(`^${step.replace(/[()]/g, '\\$&')} +\\S+ +ok +`, 'm'));
    expect(summary).toContain('restore matched: yes');
    expect(summary).toContain('result: every step passed');
    expect(summary).toMatch(/prepare drives .* [2-9] drives READY/);
  });

  it('refuses a bad option before starting anything, naming it (exit 2)', async () => {
    const result = await runDemoProcess(['--size-mib', '4']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--size-mib must be a whole number of MiB from 40');
    expect(result.stdout).toBe('');
  });
});
