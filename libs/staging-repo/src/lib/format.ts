import { z } from 'zod';

/**
 * The on-disk (and in-container) format of a staging repository. Every object except config.json is
 * named by the SHA-256 of its bytes, so a reader checks each one against its name.
 *
 *   config.json                      repository parameters (chunker, compression, pack size)
 *   packs/<aa>/<sha256>.pack         chunks, each zstd-compressed or raw, with a trailer listing them
 *   index/<sha256>.json              which chunk is where in which pack (one per sealed snapshot)
 *   snapshots/<sha256>.jsonl         snapshot manifest: a header line, then one line per tree entry
 *   journal/<snapshot id>.jsonl      write-ahead journal of an open snapshot (never staged)
 *   tmp/                             packs being written (never staged)
 */
export const FORMAT_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex');
const md5Base64 = z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'must be a base64 MD5');

/** A POSIX relative path that cannot leave the restore target. */
export const entryPath = z
  .string()
  .min(1)
  .refine(
    (path) => !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..') && !path.includes('\0'),
    'must be a relative path without empty, "." or ".." segments',
  );

export const repoConfigSchema = z.object({
  format: z.literal('seedship-staging-repo'),
  version: z.literal(FORMAT_VERSION),
  repoId: z.string().min(1),
  chunker: z.object({
    minSize: z.number().int().positive(),
    avgSize: z.number().int().positive(),
    maxSize: z.number().int().positive(),
    seed: z.number().int(),
  }),
  compression: z.object({ algorithm: z.literal('zstd'), level: z.number().int().min(-7).max(22) }),
  packTargetBytes: z.number().int().positive(),
  createdAt: z.string(),
});
export type RepoConfig = z.infer<typeof repoConfigSchema>;

/** [chunk id, offset in pack, stored length, raw length, compression]. */
export const chunkLocationTuple = z.tuple([sha256Hex, z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().min(0).max(1)]);

export const packRecordSchema = z.object({
  id: sha256Hex,
  size: z.number().int().positive(),
  md5: md5Base64,
  chunks: z.array(chunkLocationTuple),
});
export type PackRecord = z.infer<typeof packRecordSchema>;

export const indexFileSchema = z.object({
  format: z.literal('seedship-staging-index'),
  version: z.literal(FORMAT_VERSION),
  packs: z.array(packRecordSchema),
});
export type IndexFile = z.infer<typeof indexFileSchema>;

const mode = z.number().int().min(0).max(0o7777);
export const dirEntrySchema = z.object({ type: z.literal('dir'), path: entryPath, mode, mtimeMs: z.number() });
export const fileEntrySchema = z.object({
  type: z.literal('file'),
  path: entryPath,
  mode,
  mtimeMs: z.number(),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
  chunks: z.array(sha256Hex),
  /** The file kept changing while it was read; this is the last copy read, which may be torn. */
  inconsistent: z.literal(true).optional(),
});
export const symlinkEntrySchema = z.object({ type: z.literal('symlink'), path: entryPath, target: z.string().min(1), mtimeMs: z.number() });
export const treeEntrySchema = z.discriminatedUnion('type', [dirEntrySchema, fileEntrySchema, symlinkEntrySchema]);
export type DirEntry = z.infer<typeof dirEntrySchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type SymlinkEntry = z.infer<typeof symlinkEntrySchema>;
export type TreeEntry = z.infer<typeof treeEntrySchema>;

export const snapshotKind = z.enum(['FULL', 'INCREMENTAL']);
export type SnapshotKind = z.infer<typeof snapshotKind>;

export const snapshotStatsSchema = z.object({
  files: z.number().int().nonnegative(),
  dirs: z.number().int().nonnegative(),
  symlinks: z.number().int().nonnegative(),
  /** Logical bytes of all files. */
  sourceBytes: z.number().int().nonnegative(),
  /** Bytes of the packs this snapshot added. */
  storedBytes: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  newChunks: z.number().int().nonnegative(),
  newPacks: z.number().int().nonnegative(),
});
export type SnapshotStats = z.infer<typeof snapshotStatsSchema>;

export const snapshotHeaderSchema = z.object({
  format: z.literal('seedship-staging-snapshot'),
  version: z.literal(FORMAT_VERSION),
  snapshotId: z.string().min(1),
  kind: snapshotKind,
  parent: sha256Hex.nullable(),
  source: z.string(),
  createdAt: z.string(),
  /** Every index needed to find this snapshot's chunks (the parents' and its own). */
  indexes: z.array(sha256Hex),
  stats: snapshotStatsSchema,
});
export type SnapshotHeader = z.infer<typeof snapshotHeaderSchema>;

export const journalLineSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('start'),
    snapshotId: z.string().min(1),
    kind: snapshotKind,
    parent: sha256Hex.nullable(),
    source: z.string(),
    createdAt: z.string(),
  }),
  z.object({ t: z.literal('pack'), pack: packRecordSchema }),
  z.object({ t: z.literal('entry'), entry: treeEntrySchema }),
]);
export type JournalLine = z.infer<typeof journalLineSchema>;

export const paths = {
  config: 'config.json',
  pack: (id: string) => `packs/${id.slice(0, 2)}/${id}.pack`,
  index: (id: string) => `index/${id}.json`,
  snapshot: (id: string) => `snapshots/${id}.jsonl`,
  journal: (snapshotId: string) => `journal/${snapshotId}.jsonl`,
} as const;
