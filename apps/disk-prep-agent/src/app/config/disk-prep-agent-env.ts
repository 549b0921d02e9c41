import { z } from 'zod';

import { commonEnvDocs, commonEnvShape, defineEnv, loadConfig } from '@seedship/config';

const milliseconds = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number of milliseconds')
  .transform(Number);
const absolutePath = z.string().startsWith('/', 'must be an absolute path');

/** Every variable the disk-prep agent reads, validated once at boot. */
export const diskPrepAgentEnv = defineEnv(
  {
    ...commonEnvShape,
    PORT: z
      .string()
      .regex(/^[0-9]+$/, 'must be a TCP port number')
      .transform(Number)
      .default(9400),
    NODE_NAME: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be the Kubernetes node name (set it from spec.nodeName with the downward API)'),
    SECRETS_MASTER_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (openssl rand -hex 32)'),
    STORAGE_ACCOUNT_KEYS: z
      .string()
      .transform((value, context) => {
        try {
          const parsed: unknown = JSON.parse(value);
          const result = z.record(z.string().min(1), z.string().min(1)).safeParse(parsed);
          if (result.success) return result.data;
        } catch {
          // reported below
        }
        context.addIssue({ code: 'custom', message: 'must be a JSON object {"<storage account>": "<account key>"}' });
        return z.NEVER;
      })
      .default({}),
    SYSFS_ROOT: absolutePath.default('/sys'),
    SCAN_INTERVAL_MS: milliseconds.default(2000),
    PROGRESS_INTERVAL_MS: milliseconds.default(3000),
    ALLOW_LOOP_DEVICES: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    LOOP_BACKING_DIR: absolutePath.optional(),
    SCRATCH_DIR: absolutePath.optional(),
    ENCRYPTION_THREADS: z
      .string()
      .regex(/^[0-9]+$/, 'must be a whole number (0: encrypt on the main thread)')
      .transform(Number)
      .optional(),
    KUBERNETES: z.enum(['off', 'in-cluster', 'kubeconfig']).default('off'),
    KUBECONFIG: absolutePath.optional(),
    KUBERNETES_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name').default('seedship'),
    LEASE_DURATION_SECONDS: z.string().regex(/^[1-9][0-9]*$/, 'must be a positive whole number of seconds').transform(Number).default(30),
    NATS_NAMESPACE: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .optional(),
  },
  {
    ...commonEnvDocs,
    PORT: { description: 'HTTP port for /health/live, /health/ready and /metrics' },
    NODE_NAME: { description: 'This copy node (Kubernetes downward API spec.nodeName); names its CopyNode row, Lease and Node annotation' },
    SECRETS_MASTER_KEY: { description: 'Master key (64 hex) sealing BitLocker recovery passwords at rest (libs/secrets)', sensitive: true },
    STORAGE_ACCOUNT_KEYS: {
      description: 'JSON object of storage account name to account key, written into each drive manifest (the drive is encrypted)',
      sensitive: true,
    },
    SYSFS_ROOT: { description: 'Where sysfs is mounted (the host /sys); tests may point it elsewhere' },
    SCAN_INTERVAL_MS: { description: 'How often /sys/block is polled for drives arriving and leaving' },
    PROGRESS_INTERVAL_MS: { description: 'How often a drive being written saves its bytes and publishes diskprep.drive.progress.v1' },
    ALLOW_LOOP_DEVICES: { description: 'Tests and demo only: treat loop devices backed by files under LOOP_BACKING_DIR as SATA drives' },
    LOOP_BACKING_DIR: { description: 'With ALLOW_LOOP_DEVICES, only loop devices whose backing file is under this directory count as drives' },
    SCRATCH_DIR: { description: 'Where the sparse NTFS scratch image of a drive being prepared goes (default the temp directory)' },
    ENCRYPTION_THREADS: { description: 'XTS encryption worker threads per drive (default one per core)' },
    KUBERNETES: { description: 'off (no cluster: tests, demo), in-cluster (service account), or kubeconfig (KUBECONFIG)' },
    KUBECONFIG: { description: 'Path of the kubeconfig when KUBERNETES=kubeconfig' },
    KUBERNETES_NAMESPACE: { description: 'Namespace of the agent Leases and Events' },
    LEASE_DURATION_SECONDS: { description: 'Lease duration of the node Lease; renewed at a third of it' },
    NATS_NAMESPACE: { description: 'Subject namespace on a shared NATS server (tests only; empty in production)' },
  },
);

export type DiskPrepAgentConfig = z.output<z.ZodObject<typeof diskPrepAgentEnv.shape>>;

export function parseDiskPrepAgentConfig(env: NodeJS.ProcessEnv = process.env): DiskPrepAgentConfig {
  const config = loadConfig(diskPrepAgentEnv, env);
  if (config.ALLOW_LOOP_DEVICES && !config.LOOP_BACKING_DIR) {
    return loadConfig(
      { ...diskPrepAgentEnv, shape: { ...diskPrepAgentEnv.shape, LOOP_BACKING_DIR: absolutePath } },
      env,
    );
  }
  if (config.KUBERNETES === 'kubeconfig' && !config.KUBECONFIG) {
    return loadConfig({ ...diskPrepAgentEnv, shape: { ...diskPrepAgentEnv.shape, KUBECONFIG: absolutePath } }, env);
  }
  return config;
}

export const DISK_PREP_CONFIG = Symbol('DISK_PREP_CONFIG');
export const DISK_PREP_LOGGER = Symbol('DISK_PREP_LOGGER');
