import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError, describeEnv } from '@seedship/config';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { parseShippingTrackerConfig, shippingTrackerEnv } from './shipping-tracker-env';

describe('shipping-tracker configuration', () => {
  const required = { DATABASE_URL: 'postgresql://seedship@db/seedship', NATS_URL: 'nats://nats:4222' };

  it('has safe defaults: no carrier polling until a carrier is configured, checks every 15 minutes', () => {
    const config = parseShippingTrackerConfig(required);
    expect(config).toMatchObject({ PORT: 3100, CARRIER_TRACKING: 'none', DEADLINE_CHECK_INTERVAL_MS: 900_000, SIMULATED_CARRIER_TRANSIT_DAYS: 3 });
  });

  it('names each bad variable', () => {
    let error: unknown;
    try {
      parseShippingTrackerConfig({ ...required, CARRIER_TRACKING: 'pigeon', DEADLINE_CHECK_INTERVAL_MS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('CARRIER_TRACKING');
    expect((error as ConfigError).message).toContain('DEADLINE_CHECK_INTERVAL_MS');
  });

  it('is documented in docs/shipping.md exactly as the schema describes it', async () => {
    const doc = await readFile(path.join(WORKSPACE_ROOT, 'docs', 'shipping.md'), 'utf8');
    expect(doc).toContain(describeEnv(shippingTrackerEnv));
  });
});
