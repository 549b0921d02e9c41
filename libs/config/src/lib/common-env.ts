import { z } from 'zod';

import { type VariableDoc } from './load-config';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL');
const natsUrl = z
  .string()
  .regex(/^(nats|tls|wss?):\/\//, 'must be a nats:// (or tls://, ws://, wss://) URL')
  .transform((value) => value.split(',').map((server) => server.trim()));

/** Variables every Seedship service reads. Services spread these into their own schemas. */
export const commonEnvShape = {
  DATABASE_URL: postgresUrl,
  NATS_URL: natsUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
};

export const commonEnvDocs: { readonly [K in keyof typeof commonEnvShape]: VariableDoc } = {
  DATABASE_URL: { description: 'Postgres connection URL of the shared Seedship database', sensitive: true },
  NATS_URL: { description: 'NATS server URL(s), comma-separated; JetStream must be enabled' },
  LOG_LEVEL: { description: 'pino log level' },
};
