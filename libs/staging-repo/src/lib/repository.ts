import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { DEFAULT_CHUNKER_PARAMS, type ChunkerParams, validateChunkerParams } from './chunker';
import { writeFileDurably } from './durable-fs';
import { StagingRepoError, StagingRepoErrorCode } from './errors';
import {
  FORMAT_VERSION,
  type IndexFile,
  indexFileSchema,
  paths,
  type RepoConfig,
  repoConfigSchema,
  type SnapshotHeader,
  snapshotHeaderSchema,
  type SnapshotKind,
} from './format';
import { type SealResult, SnapshotWriter, type StagedObject } from './snapshot-writer';

export interface CreateRepositoryOptions {
  readonly chunker?: ChunkerParams;
  /** zstd level; 1 keeps up with the disks, higher levels trade speed for space. */
  readonly compressionLevel?: number;
  /** Packs are closed once they reach this size (the staged blobs are packs of this size). */
  readonly packTargetBytes?: number;
}

export const DEFAULT_PACK_TARGET_BYTES = 32 * 1024 * 1024;

export interface StartSnapshotOptions {
  /** Caller's id for the snapshot (Seedship uses the StagingSnapshot row id). */
  readonly snapshotId: string;
  readonly kind: SnapshotKind;
  /** Manifest id of the snapshot an incremental builds on. */
  readonly parentManifestId?: string | null;
  /** Where the data came from, for people reading the manifest. */
  readonly source: string;
}

/**
 * A staging repository in a local directory: one writer at a time (Seedship runs one ingest per job
 * and gives each job its own repository directory).
 */
export class StagingRepository {
  private constructor(
    readonly dir: string,
    readonly config: RepoConfig,
  ) {}

  static async create(dir: string, options: CreateRepositoryOptions = {}): Promise<StagingRepository> {
    const existing = await readFile(join(dir, paths.config)).catch(() => undefined);
    if (existing) {
      throw new StagingRepoError(StagingRepoErrorCode.ALREADY_EXISTS, `A staging repository already exists in ${dir}; open it instead.`);
    }
    const chunker = options.chunker ?? DEFAULT_CHUNKER_PARAMS;
    validateChunkerParams(chunker);
    const config: RepoConfig = {
      format: 'seedship-staging-repo',
      version: FORMAT_VERSION,
      repoId: randomUUID(),
      chunker: { ...chunker },
      compression: { algorithm: 'zstd', level: options.compressionLevel ?? 1 },
      packTargetBytes: options.packTargetBytes ?? DEFAULT_PACK_TARGET_BYTES,
      createdAt: new Date().toISOString(),
    };
    repoConfigSchema.parse(config);
    for (const sub of ['packs', 'index', 'snapshots', 'journal', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
    await writeFileDurably(join(dir, paths.config), [Buffer.from(`${JSON.stringify(config, null, 2)}\n`)], join(dir, 'tmp'));
    return new StagingRepository(dir, config);
  }

  static async open(dir: string): Promise<StagingRepository> {
    let raw: Buffer;
    try {
      raw = await readFile(join(dir, paths.config));
    } catch {
      throw new StagingRepoError(StagingRepoErrorCode.NOT_A_REPOSITORY, `${dir} holds no staging repository (no ${paths.config}).`);
    }
    const parsed = repoConfigSchema.safeParse(JSON.parse(raw.toString('utf8')));
    if (!parsed.success) {
      throw new StagingRepoError(StagingRepoErrorCode.NOT_A_REPOSITORY, `${dir}/${paths.config} is not a version ${FORMAT_VERSION} staging repository config.`);
    }
    for (const sub of ['packs', 'index', 'snapshots', 'journal', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
    return new StagingRepository(dir, parsed.data);
  }

  static async openOrCreate(dir: string, options: CreateRepositoryOptions = {}): Promise<StagingRepository> {
    const exists = await stat(join(dir, paths.config)).then(
      () => true,
      () => false,
    );
    return exists ? StagingRepository.open(dir) : StagingRepository.create(dir, options);
  }

  path(relative: string): string {
    return join(this.dir, relative);
  }

  /** Ids of the snapshots whose journal is still open (at most one in normal use). */
  async openSnapshotIds(): Promise<string[]> {
    const names = await readdir(this.path('journal'));
    return names.filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length));
  }

  async sealedManifestIds(): Promise<string[]> {
    const names = await readdir(this.path('snapshots'));
    return names.filter((name) => /^[0-9a-f]{64}\.jsonl$/.test(name)).map((name) => name.slice(0, 64));
  }

  async readIndex(indexId: string): Promise<IndexFile> {
    const raw = await readFile(this.path(paths.index(indexId))).catch(() => {
      throw new StagingRepoError(StagingRepoErrorCode.MISSING_OBJECT, `Index ${indexId} is missing from ${this.dir}.`);
    });
    const actual = createHash('sha256').update(raw).digest('hex');
    if (actual !== indexId) throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Index ${indexId} is damaged (its SHA-256 is ${actual}).`);
    return indexFileSchema.parse(JSON.parse(raw.toString('utf8')));
  }

  async readSnapshotHeader(manifestId: string): Promise<SnapshotHeader> {
    const raw = await readFile(this.path(paths.snapshot(manifestId))).catch(() => {
      throw new StagingRepoError(StagingRepoErrorCode.MISSING_OBJECT, `Snapshot ${manifestId} is missing from ${this.dir}.`);
    });
    const actual = createHash('sha256').update(raw).digest('hex');
    if (actual !== manifestId) throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Snapshot ${manifestId} is damaged (its SHA-256 is ${actual}).`);
    const firstLine = raw.subarray(0, raw.indexOf(0x0a)).toString('utf8');
    return snapshotHeaderSchema.parse(JSON.parse(firstLine));
  }

  /**
   * The sealed snapshot with this id, if a seal completed (e.g. before a crash kept the caller from
   * recording it): lets the caller finish recording without ingesting again.
   */
  async findSealedSnapshot(snapshotId: string): Promise<SealResult | undefined> {
    for (const manifestId of await this.sealedManifestIds()) {
      const header = await this.readSnapshotHeader(manifestId);
      if (header.snapshotId !== snapshotId) continue;
      const indexId = header.indexes[header.indexes.length - 1] as string;
      return { manifestId, indexId, header, objects: await this.stagedObjects(manifestId, header) };
    }
    return undefined;
  }

  /**
   * The objects a sealed snapshot staged, as they become blobs: for FULL everything a restore reads
   * (config, every index and pack of the chain, the manifest); for INCREMENTAL only what it added.
   */
  async stagedObjects(manifestId: string, header: SnapshotHeader): Promise<StagedObject[]> {
    const describe = async (path: string): Promise<StagedObject> => {
      const bytes = await readFile(this.path(path));
      return {
        path,
        size: bytes.length,
        md5: createHash('md5').update(bytes).digest('base64'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    };
    const indexes = header.kind === 'FULL' ? header.indexes : header.indexes.slice(-1);
    const objects: StagedObject[] = header.kind === 'FULL' ? [await describe(paths.config)] : [];
    for (const indexId of indexes) {
      for (const pack of (await this.readIndex(indexId)).packs) objects.push({ path: paths.pack(pack.id), size: pack.size, md5: pack.md5, sha256: pack.id });
      objects.push(await describe(paths.index(indexId)));
    }
    objects.push(await describe(paths.snapshot(manifestId)));
    return objects;
  }

  /**
   * Starts a snapshot, or resumes it when its journal exists (after a crash): what the journal holds
   * is kept and not read again; packs written after the last journal entry are deleted.
   */
  async startSnapshot(options: StartSnapshotOptions): Promise<SnapshotWriter> {
    const open = await this.openSnapshotIds();
    const others = open.filter((id) => id !== options.snapshotId);
    if (others.length > 0) {
      throw new StagingRepoError(
        StagingRepoErrorCode.INVALID_USE,
        `Snapshot ${others.join(', ')} is still open in ${this.dir}; seal or abandon it before starting ${options.snapshotId}.`,
      );
    }
    return SnapshotWriter.start(this, options);
  }

  /** Drops an open snapshot: its journal goes, and its packs with it at the next start. */
  async abandonSnapshot(snapshotId: string): Promise<void> {
    await rm(this.path(paths.journal(snapshotId)), { force: true });
    await this.removeUnreferencedFiles(new Set());
  }

  /**
   * Removes what a crash can leave behind: partial files in tmp/ and packs that no index and no
   * open journal refer to (written but not yet recorded when the process died). Such packs were
   * never counted as staged.
   */
  async removeUnreferencedFiles(referencedByJournal: ReadonlySet<string>): Promise<string[]> {
    await rm(this.path('tmp'), { recursive: true, force: true });
    await mkdir(this.path('tmp'), { recursive: true });
    const referenced = new Set(referencedByJournal);
    for (const name of await readdir(this.path('index'))) {
      const match = /^([0-9a-f]{64})\.json$/.exec(name);
      if (!match?.[1]) continue;
      for (const pack of (await this.readIndex(match[1])).packs) referenced.add(pack.id);
    }
    const removed: string[] = [];
    for (const prefix of await readdir(this.path('packs'))) {
      for (const name of await readdir(this.path(`packs/${prefix}`))) {
        const id = name.replace(/\.pack$/, '');
        if (!referenced.has(id)) {
          await rm(this.path(`packs/${prefix}/${name}`), { force: true });
          removed.push(id);
        }
      }
    }
    return removed;
  }
}
