import { z } from 'zod';

import { commonEnvDocs, commonEnvShape } from './common-env';
import { ConfigError, defineEnv, describeEnv, loadConfig } from './load-config';

const spec = defineEnv(
  { ...commonEnvShape, MASTER_KEY: z.string().length(64), STAGING_ROOT: z.string().min(1) },
  {
    ...commonEnvDocs,
    MASTER_KEY: { description: 'hex AES-256 key that encrypts secrets at rest', sensitive: true },
    STAGING_ROOT: { description: 'path of the staging volume' },
  },
);
const good = {
  DATABASE_URL: 'postgresql://u@localhost/db',
  NATS_URL: 'nats://a:4222, nats://b:4222',
  MASTER_KEY: 'a'.repeat(64),
  STAGING_ROOT: '/staging',
};

describe('loadConfig', () => {
  it('maps a valid environment into typed values with defaults', () => {
    expect(loadConfig(spec, good)).toEqual({
      ...good,
      NATS_URL: ['nats://a:4222', 'nats://b:4222'],
      LOG_LEVEL: 'info',
    });
  });

  it('names every bad variable and what it is for, and hides secret values', () => {
    const env = { ...good, NATS_URL: 'http://nats', MASTER_KEY: 'short-secret-value' };
    delete (env as Partial<typeof env>).STAGING_ROOT;
    let error: unknown;
    try {
      loadConfig(spec, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("NATS_URL is 'http://nats': must be a nats://");
    expect(message).toContain('MASTER_KEY has an invalid value');
    expect(message).not.toContain('short-secret-value');
    expect(message).toContain('STAGING_ROOT is not set');
    expect(message).toContain('(path of the staging volume)');
  });

  it('documents the variables from the schema itself', () => {
    const table = describeEnv(spec);
    expect(table).toContain('| `LOG_LEVEL` | no | no | pino log level |');
    expect(table).toContain('| `MASTER_KEY` | yes | yes |');
  });
});
