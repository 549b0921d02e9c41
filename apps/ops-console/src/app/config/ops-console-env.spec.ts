import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, describeEnv } from '@seedship/config';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { opsConsoleEnv, parseOpsConsoleConfig } from './ops-console-env';

const hash = 'ab'.repeat(32);
const env = {
  DATABASE_URL: 'postgresql://u@localhost/db',
  NATS_URL: 'nats://localhost:4222',
  SECRETS_MASTER_KEY: 'cd'.repeat(32),
  CONSOLE_TOKENS: `ada:admin:${hash}, victor:viewer:${'ef'.repeat(32)}`,
};

describe('ops-console configuration', () => {
  it('parses the token list into subjects, roles and hashes', () => {
    const config = parseOpsConsoleConfig(env);
    expect(config.CONSOLE_TOKENS).toEqual([
      { subject: 'ada', role: 'admin', sha256: hash },
      { subject: 'victor', role: 'viewer', sha256: 'ef'.repeat(32) },
    ]);
    expect([config.PORT, config.SESSION_COOKIE_SECURE, config.WEB_ROOT]).toEqual([3200, true, 'dist/apps/ops-console/web']);
  });

  it('names each bad token entry without echoing the list, and refuses a missing master key', () => {
    const { SECRETS_MASTER_KEY: _unused, ...withoutKey } = env;
    let error: unknown;
    try {
      parseOpsConsoleConfig({ ...withoutKey, CONSOLE_TOKENS: `ada:root:${hash},bob:viewer:short,ada:admin:${hash}:extra` });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('entry 1: the role must be one of viewer, operator, admin');
    expect(message).toContain('entry 2: the hash must be 64 lowercase hex digits');
    expect(message).toContain('entry 3: an entry has exactly three parts');
    expect(message).toContain('SECRETS_MASTER_KEY is not set');
    expect(message).not.toContain(hash);
  });
});

describe('docs/ops-console.md', () => {
  it('lists exactly the variables the schema reads', () => {
    const doc = readFileSync(join(WORKSPACE_ROOT, 'docs/ops-console.md'), 'utf8');
    expect(doc).toContain(describeEnv(opsConsoleEnv));
  });
});
