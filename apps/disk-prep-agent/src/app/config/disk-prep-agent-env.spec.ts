import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from '@jest/globals';

import { ConfigError, describeEnv } from '@seedship/config';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { diskPrepAgentEnv, parseDiskPrepAgentConfig } from './disk-prep-agent-env';

const required = {
  DATABASE_URL: 'postgresql://seedship@db/seedship',
  NATS_URL: 'nats://nats:4222',
  NODE_NAME: 'copy-node-1',
  SECRETS_MASTER_KEY: 'ab'.repeat(32),
};

function configError(env: Record<string, string>): ConfigError {
  try {
    parseDiskPrepAgentConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('disk-prep-agent configuration', () => {
  it('defaults to real drives only, no Kubernetes, a scan every 2 s and progress every 3 s', () => {
    expect(parseDiskPrepAgentConfig(required)).toMatchObject({
      PORT: 9400,
      SYSFS_ROOT: '/sys',
      ALLOW_LOOP_DEVICES: false,
      KUBERNETES: 'off',
      SCAN_INTERVAL_MS: 2000,
      PROGRESS_INTERVAL_MS: 3000,
      STORAGE_ACCOUNT_KEYS: {},
    });
  });

  it('needs NODE_NAME from the downward API and a 64-hex master key, without echoing the key', () => {
    const error = configError({ ...required, NODE_NAME: '', SECRETS_MASTER_KEY: 'secret-value' });
    expect(error.message).toContain('NODE_NAME');
    expect(error.message).toContain('SECRETS_MASTER_KEY has an invalid value');
    expect(error.message).not.toContain('secret-value');
  });

  it('takes loop devices only from a named directory, and a kubeconfig only with its path', () => {
    expect(configError({ ...required, ALLOW_LOOP_DEVICES: 'true' }).message).toContain('LOOP_BACKING_DIR is not set');
    expect(configError({ ...required, KUBERNETES: 'kubeconfig' }).message).toContain('KUBECONFIG is not set');
    expect(parseDiskPrepAgentConfig({ ...required, ALLOW_LOOP_DEVICES: 'true', LOOP_BACKING_DIR: '/var/lib/seedship/test-bays' }).LOOP_BACKING_DIR).toBe('/var/lib/seedship/test-bays');
  });

  it('reads storage account keys as a JSON object and refuses anything else without showing it', () => {
    expect(parseDiskPrepAgentConfig({ ...required, STORAGE_ACCOUNT_KEYS: '{"seedshipstore":"a2V5"}' }).STORAGE_ACCOUNT_KEYS).toEqual({ seedshipstore: 'a2V5' });
    const error = configError({ ...required, STORAGE_ACCOUNT_KEYS: 'seedshipstore=a2V5' });
    expect(error.message).toContain('STORAGE_ACCOUNT_KEYS has an invalid value: must be a JSON object');
    expect(error.message).not.toContain('a2V5');
  });

  it('is documented in docs/disk-prep-agent.md exactly as the schema describes it', async () => {
    const doc = await readFile(path.join(WORKSPACE_ROOT, 'docs', 'disk-prep-agent.md'), 'utf8');
    expect(doc).toContain(describeEnv(diskPrepAgentEnv));
  });
});
