import { z } from 'zod';

import { commonEnvDocs, commonEnvShape, defineEnv, loadConfig } from '@seedship/config';

const milliseconds = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number of milliseconds')
  .transform(Number);
const positive = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number')
  .transform(Number);
const text = z.string().trim().min(1, 'must not be empty');
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Fault injection for the crash-safety tests: the process dies (exit 86) the first time it reaches one of these points. */
export const CRASH_POINTS = [
  'after-plan',
  'after-azure-create',
  'after-report-shipped',
  'after-first-poll',
  'mid-verify',
  'mid-repair',
  'mid-incremental-snapshot',
  'mid-incremental-upload',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Every variable import-orchestrator reads, validated once at boot. */
export const importOrchestratorEnv = defineEnv(
  {
    ...commonEnvShape,
    PORT: z
      .string()
      .regex(/^[0-9]+$/, 'must be a TCP port number')
      .transform(Number)
      .default(3300),
    NATS_NAMESPACE: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    SECRETS_MASTER_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (openssl rand -hex 32)'),
    AZURE_AUTH: z.enum(['client-secret', 'client-certificate', 'simulator']),
    AZURE_TENANT_ID: z.string().optional(),
    AZURE_CLIENT_ID: z.string().optional(),
    AZURE_CLIENT_SECRET: z.string().optional(),
    AZURE_CLIENT_CERTIFICATE_PATH: z.string().optional(),
    AZURE_AUTHORITY_HOST: z.url().optional(),
    AZURE_SIMULATOR_TOKEN: z.string().default('azure-sim-token'),
    AZURE_ARM_ENDPOINT: z.url().optional(),
    AZURE_CA_FILE: z.string().optional(),
    AZURE_BLOB_ENDPOINT_TEMPLATE: z
      .string()
      .refine((value) => value.includes('{account}'), 'must contain {account}, e.g. https://{account}.blob.core.windows.net')
      .default('https://{account}.blob.core.windows.net'),
    AZURE_STORAGE_ACCOUNT_KEYS: z
      .string()
      .optional()
      .transform((value, context) => {
        const keys: Record<string, string> = {};
        for (const pair of (value ?? '').split(';').filter((part) => part.length > 0)) {
          const at = pair.indexOf(':');
          if (at <= 0) {
            context.addIssue({ code: 'custom', message: 'must be name:key pairs separated by semicolons' });
            return z.NEVER;
          }
          keys[pair.slice(0, at)] = pair.slice(at + 1);
        }
        return keys;
      }),
    RETURN_RECIPIENT_NAME: text,
    RETURN_COMPANY_NAME: z.string().optional(),
    RETURN_STREET_ADDRESS1: text,
    RETURN_STREET_ADDRESS2: z.string().optional(),
    RETURN_CITY: text,
    RETURN_STATE_OR_PROVINCE: z.string().optional(),
    RETURN_POSTAL_CODE: text,
    RETURN_COUNTRY_OR_REGION: text,
    RETURN_COUNTRY_CODE: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as US or NL'),
    RETURN_PHONE: text,
    RETURN_EMAIL: z.email('must be an email address'),
    RETURN_CARRIER_NAME: text,
    RETURN_CARRIER_ACCOUNT_NUMBER: text,
    DIAGNOSTICS_CONTAINER: z
      .string()
      .regex(/^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/, 'must be a blob container name: 3-63 lowercase letters, digits and single hyphens')
      .default('waimportexport'),
    AZURE_LOG_LEVEL: z.enum(['Error', 'Verbose']).default('Verbose'),
    BACKUP_DRIVE_MANIFEST: flag.default(true),
    POLL_MIN_INTERVAL_MS: milliseconds.default(60_000),
    POLL_MAX_INTERVAL_MS: milliseconds.default(3_600_000),
    POLL_BUDGET_PER_MINUTE: positive.default(60),
    RECONCILE_INTERVAL_MS: milliseconds.default(5_000),
    LEASE_MS: milliseconds.default(30_000),
    DATABOX_CREATE_POLL_MS: milliseconds.default(10_000),
    VERIFY_MAX_ROUNDS: positive.default(3),
    SOURCE_ROOTS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((root) => root.trim()).filter((root) => root.length > 0))
      .refine((roots) => roots.every((root) => root.startsWith('/')), 'every root must be an absolute path'),
    ORCHESTRATOR_CRASH_AT: z
      .string()
      .optional()
      .transform((value, context) => {
        const points = (value ?? '').split(',').map((point) => point.trim()).filter((point) => point.length > 0);
        const unknown = points.filter((point) => !(CRASH_POINTS as readonly string[]).includes(point));
        if (unknown.length > 0) {
          context.addIssue({ code: 'custom', message: `unknown crash point ${unknown.join(', ')}; known: ${CRASH_POINTS.join(', ')}` });
          return z.NEVER;
        }
        return points as CrashPoint[];
      }),
  },
  {
    ...commonEnvDocs,
    PORT: { description: 'HTTP port of the orchestrator API (job import status, cancel, incrementals)' },
    NATS_NAMESPACE: { description: 'Subject namespace on a shared NATS server (tests only; empty in production)' },
    SECRETS_MASTER_KEY: { description: 'AES-256 master key (64 hex digits) that seals secrets at rest, e.g. the drives\' BitLocker recovery passwords; from a Kubernetes Secret', sensitive: true },
    AZURE_AUTH: { description: 'How to sign in to Azure: client-secret or client-certificate (a service principal), or simulator (azure-sim only)' },
    AZURE_TENANT_ID: { description: 'Entra ID tenant of the service principal (client-secret, client-certificate)' },
    AZURE_CLIENT_ID: { description: 'Application (client) id of the service principal' },
    AZURE_CLIENT_SECRET: { description: 'Client secret of the service principal (client-secret)', sensitive: true },
    AZURE_CLIENT_CERTIFICATE_PATH: { description: 'PEM file with the private key and certificate of the service principal (client-certificate)' },
    AZURE_AUTHORITY_HOST: { description: 'Entra ID authority host, for sovereign clouds' },
    AZURE_SIMULATOR_TOKEN: { description: 'Bearer token sent to azure-sim (simulator)', sensitive: true },
    AZURE_ARM_ENDPOINT: { description: 'ARM endpoint; unset for Azure, azure-sim\'s URL in tests and the demo' },
    AZURE_CA_FILE: { description: 'PEM CA that signs the ARM endpoint\'s certificate (azure-sim)' },
    AZURE_BLOB_ENDPOINT_TEMPLATE: { description: 'Blob endpoint of a storage account with {account} for its name (Azurite: http://127.0.0.1:10000/{account})' },
    AZURE_STORAGE_ACCOUNT_KEYS: { description: 'name:key;name:key shared keys for blob access; accounts without one use the Azure credential', sensitive: true },
    RETURN_RECIPIENT_NAME: { description: 'Return address: who receives the drives back (also the job contact)' },
    RETURN_COMPANY_NAME: { description: 'Return address: company' },
    RETURN_STREET_ADDRESS1: { description: 'Return address: street' },
    RETURN_STREET_ADDRESS2: { description: 'Return address: second street line' },
    RETURN_CITY: { description: 'Return address: city' },
    RETURN_STATE_OR_PROVINCE: { description: 'Return address: state or province' },
    RETURN_POSTAL_CODE: { description: 'Return address: postal code' },
    RETURN_COUNTRY_OR_REGION: { description: 'Return address: country as Import/Export wants it (e.g. USA)' },
    RETURN_COUNTRY_CODE: { description: 'Return address: ISO 3166 alpha-2 country code as Data Box wants it (e.g. US)' },
    RETURN_PHONE: { description: 'Return address: phone' },
    RETURN_EMAIL: { description: 'Return address: email Azure notifies' },
    RETURN_CARRIER_NAME: { description: 'Carrier that ships the drives back' },
    RETURN_CARRIER_ACCOUNT_NUMBER: { description: 'Your account number with that carrier' },
    DIAGNOSTICS_CONTAINER: { description: 'Container in the job\'s storage account for the service\'s error and verbose logs (Import/Export diagnosticsPath)' },
    AZURE_LOG_LEVEL: { description: 'Error or Verbose: which import logs the service writes' },
    BACKUP_DRIVE_MANIFEST: { description: 'Ask the service to keep a copy of every drive manifest in the storage account' },
    POLL_MIN_INTERVAL_MS: { description: 'Shortest wait between two status polls of one job (after a change)' },
    POLL_MAX_INTERVAL_MS: { description: 'Longest wait between two status polls of one job (the backoff ceiling while nothing changes)' },
    POLL_BUDGET_PER_MINUTE: { description: 'Azure status requests per minute for the whole fleet (ARM throttles per subscription)' },
    RECONCILE_INTERVAL_MS: { description: 'How often the orchestrator looks for work in Postgres (events also wake it)' },
    LEASE_MS: { description: 'Leadership lease: one replica acts at a time; a dead leader is replaced after this long' },
    DATABOX_CREATE_POLL_MS: { description: 'How often a Data Box job creation (a long-running ARM operation) is polled' },
    VERIFY_MAX_ROUNDS: { description: 'Verify-and-repair rounds before a job whose blobs still differ fails' },
    SOURCE_ROOTS: { description: 'Comma-separated directories incremental snapshots may read from; nothing outside them' },
    ORCHESTRATOR_CRASH_AT: { description: 'Tests only: crash points (comma-separated) where the process exits, to prove restarts continue' },
  },
);

export type ImportOrchestratorConfig = z.output<z.ZodObject<typeof importOrchestratorEnv.shape>>;

export function parseImportOrchestratorConfig(env: NodeJS.ProcessEnv = process.env): ImportOrchestratorConfig {
  return loadConfig(importOrchestratorEnv, env);
}

export const IMPORT_ORCHESTRATOR_CONFIG = Symbol('IMPORT_ORCHESTRATOR_CONFIG');
