import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Starts (or finds running) the project's local Postgres and nats-server with tools/dev/services and
 * returns their URLs. The script is idempotent, so every test process may call it.
 */
export async function startDevServices(): Promise<{ databaseUrl: string; natsUrl: string }> {
  const script = path.join(WORKSPACE_ROOT, 'tools/dev/services');
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [script, 'start'], { cwd: WORKSPACE_ROOT, timeout: 600_000 }));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`tools/dev/services could not start Postgres and NATS for the tests: ${detail}`);
  }
  const value = (name: string) => {
    const match = new RegExp(`^export ${name}=(.+)$`, 'm').exec(stdout);
    if (!match?.[1]) throw new Error(`tools/dev/services printed no ${name}`);
    return match[1].replace(/^'(.*)'$/, '$1');
  };
  return { databaseUrl: value('DATABASE_URL'), natsUrl: value('NATS_URL') };
}

/** True when a Docker (or compatible) engine answers, so testcontainers can run. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  if (process.env['SEEDSHIP_TEST_NO_CONTAINERS'] === '1') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 5000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
