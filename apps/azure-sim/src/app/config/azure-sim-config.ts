import { z } from 'zod';

import { defineEnv, loadConfig } from '@seedship/config';

const accounts = z
  .string()
  .regex(/^[a-z0-9]{3,24}:[A-Za-z0-9+/=]+(;[a-z0-9]{3,24}:[A-Za-z0-9+/=]+)*$/, 'must be name:base64key pairs separated by ";"')
  .transform((value) =>
    Object.fromEntries(
      value.split(';').map((pair) => {
        const [name = '', key = ''] = pair.split(':');
        return [name, key];
      }),
    ),
  );

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const azureSimEnv = defineEnv(
  {
    AZURE_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
    AZURE_SIM_HOST: z.string().default('127.0.0.1'),
    AZURE_SIM_DATA_DIR: z.string().min(1),
    AZURE_SIM_TLS_CERT_FILE: z.string().min(1),
    AZURE_SIM_TLS_KEY_FILE: z.string().min(1),
    AZURE_SIM_BLOB_ENDPOINT: z.url().default('http://127.0.0.1:10000'),
    AZURE_SIM_STORAGE_ACCOUNTS: accounts.default({
      devstoreaccount1: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    }),
    AZURE_SIM_DATABOX_LRO_DELAY_MS: z.coerce.number().int().min(0).default(1000),
    AZURE_SIM_CARRIER_DELAY_MS: z.coerce.number().int().min(0).optional(),
    AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES: flag.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  },
  {
    AZURE_SIM_PORT: { description: 'HTTPS port of the simulated ARM endpoint (0 picks a free port)' },
    AZURE_SIM_HOST: { description: 'address the simulator listens on' },
    AZURE_SIM_DATA_DIR: { description: 'directory where jobs, shipments and drive registrations are kept across restarts' },
    AZURE_SIM_TLS_CERT_FILE: { description: 'PEM certificate served by the ARM endpoint (the Azure SDK sends bearer tokens over HTTPS only)' },
    AZURE_SIM_TLS_KEY_FILE: { description: 'PEM private key of that certificate', sensitive: true },
    AZURE_SIM_BLOB_ENDPOINT: { description: 'Azurite blob endpoint; accounts are addressed path-style under it' },
    AZURE_SIM_STORAGE_ACCOUNTS: { description: 'storage accounts the datacenter imports into, as name:key;name:key (the same as AZURITE_ACCOUNTS)', sensitive: true },
    AZURE_SIM_DATABOX_LRO_DELAY_MS: { description: 'how long a Data Box create stays InProgress before its async operation succeeds' },
    AZURE_SIM_CARRIER_DELAY_MS: { description: 'when set, a shipped package is delivered this long after it was reported shipped' },
    AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES: { description: "tests only: import drives that carry no BitLocker volume (the real service refuses them)" },
    LOG_LEVEL: { description: 'pino log level' },
  },
);

export type AzureSimConfig = ReturnType<typeof loadAzureSimConfig>;

export function loadAzureSimConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(azureSimEnv, env);
}

/** Nest injection token of the validated configuration. */
export const AZURE_SIM_CONFIG = Symbol('AZURE_SIM_CONFIG');
/** Nest injection token of the pino logger. */
export const AZURE_SIM_LOGGER = Symbol('AZURE_SIM_LOGGER');
