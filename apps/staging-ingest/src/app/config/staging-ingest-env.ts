import { z } from 'zod';

import { commonEnvDocs, commonEnvShape, defineEnv, loadConfig } from '@seedship/config';

const byteSize = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, 'must be a whole number of bytes')
  .transform(Number);
const milliseconds = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number of milliseconds')
  .transform(Number);

/** Every variable staging-ingest reads, validated once at boot. */
export const stagingIngestEnv = defineEnv(
  {
    ...commonEnvShape,
    PORT: z
      .string()
      .regex(/^[0-9]+$/, 'must be a TCP port number')
      .transform(Number)
      .default(3000),
    SOURCE_ROOTS: z
      .string()
      .min(1, 'must name at least one directory')
      .transform((value) => value.split(',').map((root) => root.trim()).filter((root) => root.length > 0))
      .refine((roots) => roots.every((root) => root.startsWith('/')), 'every root must be an absolute path'),
    STAGING_RESERVE_BYTES: byteSize.default(1024 * 1024 * 1024),
    PROGRESS_INTERVAL_MS: milliseconds.default(1000),
    INGEST_LEASE_MS: milliseconds.default(15_000),
    ZSTD_LEVEL: z
      .string()
      .regex(/^-?[0-9]+$/, 'must be a zstd level')
      .transform(Number)
      .refine((level) => level >= -7 && level <= 22, 'must be between -7 and 22')
      .default(1),
    PACK_TARGET_BYTES: z
      .string()
      .regex(/^[1-9][0-9]*$/, 'must be a positive whole number of bytes')
      .transform(Number)
      .refine((bytes) => bytes >= 64 * 1024, 'must be at least 65536 (64 KiB)')
      .default(32 * 1024 * 1024),
    NATS_NAMESPACE: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    DEFAULT_IMPORT_PROVIDER: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']).default('DATABOX_CUSTOMER_DISK'),
  },
  {
    ...commonEnvDocs,
    PORT: { description: 'HTTP port of the ingest API' },
    SOURCE_ROOTS: { description: 'Comma-separated directories (mounted shares) that path ingests may read from; nothing outside them' },
    STAGING_RESERVE_BYTES: { description: 'Bytes always left free on a staging location; the space check refuses ingests that would eat into them' },
    PROGRESS_INTERVAL_MS: { description: 'How often progress is saved, published on NATS and the lease renewed' },
    INGEST_LEASE_MS: { description: 'An ingest whose owner has not renewed it for this long is taken over (resumed) by another process' },
    ZSTD_LEVEL: { description: 'zstd level for new staging repositories (1 is fastest)' },
    PACK_TARGET_BYTES: { description: 'Pack size of new staging repositories (the staged blobs are packs of this size); the demo uses small packs so a small data set spans drives' },
    NATS_NAMESPACE: { description: 'Subject namespace on a shared NATS server (tests only; empty in production)' },
    DEFAULT_IMPORT_PROVIDER: { description: 'Import provider of a job that names none: DATABOX_CUSTOMER_DISK (where Microsoft runs customer-disk imports now) or IMPORT_EXPORT' },
  },
);

export type StagingIngestConfig = z.output<z.ZodObject<typeof stagingIngestEnv.shape>>;

export function parseStagingIngestConfig(env: NodeJS.ProcessEnv = process.env): StagingIngestConfig {
  return loadConfig(stagingIngestEnv, env);
}

export const STAGING_INGEST_CONFIG = Symbol('STAGING_INGEST_CONFIG');
