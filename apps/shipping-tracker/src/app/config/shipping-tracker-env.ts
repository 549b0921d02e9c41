import { z } from 'zod';

import { commonEnvDocs, commonEnvShape, defineEnv, loadConfig } from '@seedship/config';

const milliseconds = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number of milliseconds')
  .transform(Number);

/** Every variable shipping-tracker reads, validated once at boot. */
export const shippingTrackerEnv = defineEnv(
  {
    ...commonEnvShape,
    PORT: z
      .string()
      .regex(/^[0-9]+$/, 'must be a TCP port number')
      .transform(Number)
      .default(3100),
    NATS_NAMESPACE: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    DEADLINE_CHECK_INTERVAL_MS: milliseconds.default(15 * 60 * 1000),
    CARRIER_TRACKING: z.enum(['none', 'simulated']).default('none'),
    CARRIER_POLL_INTERVAL_MS: milliseconds.default(15 * 60 * 1000),
    SIMULATED_CARRIER_TRANSIT_DAYS: z
      .string()
      .regex(/^[0-9]+$/, 'must be a whole number of days')
      .transform(Number)
      .default(3),
  },
  {
    ...commonEnvDocs,
    PORT: { description: 'HTTP port of the shipping API' },
    NATS_NAMESPACE: { description: 'Subject namespace on a shared NATS server (tests only; empty in production)' },
    DEADLINE_CHECK_INTERVAL_MS: { description: 'How often arrival deadlines are checked for reminders and overdue alerts' },
    CARRIER_TRACKING: { description: 'Where carrier status comes from: none, or simulated (tests and the demo); real carriers plug in here' },
    CARRIER_POLL_INTERVAL_MS: { description: 'How often the carrier is asked about packages not yet delivered' },
    SIMULATED_CARRIER_TRANSIT_DAYS: { description: 'Simulated carrier only: days from the ship date to delivery' },
  },
);

export type ShippingTrackerConfig = z.output<z.ZodObject<typeof shippingTrackerEnv.shape>>;

export function parseShippingTrackerConfig(env: NodeJS.ProcessEnv = process.env): ShippingTrackerConfig {
  return loadConfig(shippingTrackerEnv, env);
}

export const SHIPPING_TRACKER_CONFIG = Symbol('SHIPPING_TRACKER_CONFIG');
