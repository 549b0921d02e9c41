import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, open, readFile, readdir, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { type ContainerClient } from '@azure/storage-blob';

import { joinBlobName } from './blob-names';
import { ChunkCompression, decompressChunk } from './compression';
import { StagingRepoError, StagingRepoErrorCode } from './errors';
import {
  type FileEntry,
  FORMAT_VERSION,
  indexFileSchema,
  paths,
  type RepoConfig,
  repoConfigSchema,
  type SnapshotHeader,
  snapshotHeaderSchema,
  type TreeEntry,
  treeEntrySchema,
} from './format';

/** Where a reader finds the repository's objects: a local directory or an Azure container. */
export interface RepositorySource {
  /** For messages: where this is. */
  readonly description: string;
  read(path: string): Promise<Buffer>;
  readRange(path: string, offset: number, length: number): Promise<Buffer>;
  /** Names (relative to the repository) under a folder of the repository, e.g. "snapshots/". */
  list(folder: string): Promise<string[]>;
}

export class LocalRepositorySource implements RepositorySource {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `local staging repository ${dir}`;
  }

  async read(path: string): Promise<Buffer> {
    try {
      return await readFile(join(this.dir, path));
    } catch {
      throw missing(path, this.description);
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    const handle = await open(join(this.dir, path), 'r').catch(() => {
      throw missing(path, this.description);
    });
    try {
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async list(folder: string): Promise<string[]> {
    const names = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
    return names.map((name) => `${folder.replace(/\/$/, '')}/${name}`);
  }
}

/** A repository staged into an Azure blob container, each object a block blob named prefix/path. */
export class AzureRepositorySource implements RepositorySource {
  readonly description: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly prefix = '',
  ) {
    this.description = `Azure container ${container.containerName}${prefix ? ` under ${prefix}/` : ''}`;
  }

  blobName(path: string): string {
    return joinBlobName(this.prefix, path);
  }

  async read(path: string): Promise<Buffer> {
    try {
      return await this.container.getBlockBlobClient(this.blobName(path)).downloadToBuffer();
    } catch (error) {
      if (isNotFound(error)) throw missing(path, this.description);
      throw error;
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    try {
      return await this.container.getBlockBlobClient(this.blobName(path)).downloadToBuffer(offset, length);
    } catch (error) {
      if (isNotFound(error)) throw missing(path, this.description);
      throw error;
    }
  }

  async list(folder: string): Promise<string[]> {
    const base = this.prefix ? `${this.prefix.replace(/\/+$/, '')}/` : '';
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: `${base}${folder.replace(/\/$/, '')}/` })) {
      names.push(blob.name.slice(base.length));
    }
    return names;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'statusCode' in error && error.statusCode === 404;
}

function missing(path: string, where: string): StagingRepoError {
  return new StagingRepoError(StagingRepoErrorCode.MISSING_OBJECT, `${path} is missing from the ${where}.`);
}

export interface RestoreProgress {
  readonly files: number;
  readonly bytes: number;
}

export interface RestoreReport {
  readonly manifestId: string;
  readonly files: number;
  readonly dirs: number;
  readonly symlinks: number;
  readonly bytes: number;
  /** Files recorded as changing while they were read at ingest (restored as read, flagged). */
  readonly inconsistentFiles: string[];
}

type ChunkLocation = readonly [pack: string, offset: number, stored: number, raw: number, compression: number];

/**
 * Reads a staging repository and restores or verifies a snapshot. Every object is checked against
 * its name: the manifest and the indexes by SHA-256, each chunk by SHA-256 after decompression, and
 * each file by its size and SHA-256. Any mismatch stops the restore with an INTEGRITY error.
 */
export class StagingRepositoryReader {
  private constructor(
    readonly source: RepositorySource,
    readonly config: RepoConfig,
  ) {}

  static async open(source: RepositorySource): Promise<StagingRepositoryReader> {
    const raw = await source.read(paths.config).catch(() => {
      throw new StagingRepoError(StagingRepoErrorCode.NOT_A_REPOSITORY, `The ${source.description} holds no staging repository (no ${paths.config}).`);
    });
    const parsed = repoConfigSchema.safeParse(JSON.parse(raw.toString('utf8')));
    if (!parsed.success) {
      throw new StagingRepoError(StagingRepoErrorCode.NOT_A_REPOSITORY, `${paths.config} in the ${source.description} is not a version ${FORMAT_VERSION} repository config.`);
    }
    return new StagingRepositoryReader(source, parsed.data);
  }

  async listSnapshots(): Promise<string[]> {
    const names = await this.source.list('snapshots');
    return names.flatMap((name) => {
      const match = /^snapshots\/([0-9a-f]{64})\.jsonl$/.exec(name);
      return match?.[1] ? [match[1]] : [];
    });
  }

  async readSnapshot(manifestId: string): Promise<{ header: SnapshotHeader; entries: TreeEntry[] }> {
    const raw = await this.readVerified(paths.snapshot(manifestId), manifestId);
    const lines = raw.toString('utf8').split('\n').filter((line) => line.length > 0);
    const header = snapshotHeaderSchema.parse(JSON.parse(lines[0] ?? 'null'));
    const entries = lines.slice(1).map((line) => treeEntrySchema.parse(JSON.parse(line)));
    return { header, entries };
  }

  /** Restores a snapshot into `target` (an empty or absent directory), verifying everything. */
  async restore(manifestId: string, target: string, onProgress?: (progress: RestoreProgress) => void): Promise<RestoreReport> {
    const existing = await readdir(target).catch(() => [] as string[]);
    if (existing.length > 0) {
      throw new StagingRepoError(StagingRepoErrorCode.INVALID_USE, `Restore target ${target} is not empty; restore into an empty directory.`);
    }
    return this.walk(manifestId, target, onProgress);
  }

  /** Reads and checks every chunk and file of a snapshot without writing anything. */
  async verify(manifestId: string, onProgress?: (progress: RestoreProgress) => void): Promise<RestoreReport> {
    return this.walk(manifestId, undefined, onProgress);
  }

  private async walk(manifestId: string, target: string | undefined, onProgress?: (progress: RestoreProgress) => void): Promise<RestoreReport> {
    const { header, entries } = await this.readSnapshot(manifestId);
    const locations = new Map<string, ChunkLocation>();
    for (const indexId of header.indexes) {
      const index = indexFileSchema.parse(JSON.parse((await this.readVerified(paths.index(indexId), indexId)).toString('utf8')));
      for (const pack of index.packs) {
        for (const [id, offset, stored, raw, compression] of pack.chunks) locations.set(id, [pack.id, offset, stored, raw, compression]);
      }
    }
    if (target) await mkdir(target, { recursive: true });
    let files = 0;
    let bytes = 0;
    const inconsistentFiles: string[] = [];
    const dirs: Array<Extract<TreeEntry, { type: 'dir' }>> = [];
    for (const entry of entries) {
      const destination = target ? join(target, ...entry.path.split('/')) : undefined;
      switch (entry.type) {
        case 'dir':
          if (destination) await mkdir(destination, { recursive: true });
          dirs.push(entry);
          break;
        case 'symlink':
          if (destination) {
            await mkdir(dirname(destination), { recursive: true });
            await symlink(entry.target, destination);
          }
          break;
        case 'file':
          bytes += await this.restoreFile(entry, locations, destination);
          files++;
          if (entry.inconsistent) inconsistentFiles.push(entry.path);
          onProgress?.({ files, bytes });
          break;
      }
    }
    if (target) {
      // Deepest first, so setting a child's times does not change its parent's afterwards.
      for (const dir of dirs.reverse()) {
        const destination = join(target, ...dir.path.split('/'));
        await chmod(destination, dir.mode);
        await utimes(destination, dir.mtimeMs / 1000, dir.mtimeMs / 1000);
      }
    }
    return {
      manifestId,
      files,
      dirs: dirs.length,
      symlinks: entries.filter((entry) => entry.type === 'symlink').length,
      bytes,
      inconsistentFiles,
    };
  }

  private async restoreFile(entry: FileEntry, locations: Map<string, ChunkLocation>, destination: string | undefined): Promise<number> {
    const fileHash = createHash('sha256');
    let size = 0;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    if (destination) {
      await mkdir(dirname(destination), { recursive: true });
      const present = await lstat(destination).then(
        () => true,
        () => false,
      );
      if (present) throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Snapshot lists ${entry.path} twice.`);
      handle = await open(destination, 'wx', 0o600);
    }
    try {
      // Fetch the next chunk while the current one is checked and written.
      const fetch = (id: string | undefined): Promise<Buffer> | undefined => {
        if (id === undefined) return undefined;
        const pending = this.readChunk(id, locations);
        // Handled where it is awaited; this only keeps an abandoned prefetch from being "unhandled".
        void pending.catch(() => undefined);
        return pending;
      };
      let next = fetch(entry.chunks[0]);
      for (let i = 0; i < entry.chunks.length && next; i++) {
        const chunk = await next;
        next = fetch(entry.chunks[i + 1]);
        fileHash.update(chunk);
        size += chunk.length;
        if (handle) await handle.write(chunk);
      }
    } finally {
      await handle?.close();
    }
    const sha256 = fileHash.digest('hex');
    if (size !== entry.size || sha256 !== entry.sha256) {
      throw new StagingRepoError(
        StagingRepoErrorCode.INTEGRITY,
        `${entry.path} restored as ${size} bytes with SHA-256 ${sha256}; the snapshot recorded ${entry.size} bytes with ${entry.sha256}.`,
      );
    }
    if (destination) {
      await chmod(destination, entry.mode);
      await utimes(destination, entry.mtimeMs / 1000, entry.mtimeMs / 1000);
    }
    return size;
  }

  private async readChunk(id: string, locations: Map<string, ChunkLocation>): Promise<Buffer> {
    const location = locations.get(id);
    if (!location) throw new StagingRepoError(StagingRepoErrorCode.MISSING_OBJECT, `Chunk ${id} is in no index of the snapshot.`);
    const [pack, offset, stored, raw, compression] = location;
    const data = await this.source.readRange(paths.pack(pack), offset, stored);
    if (data.length !== stored) {
      throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Pack ${pack} is truncated: chunk ${id} at ${offset} needs ${stored} bytes, got ${data.length}.`);
    }
    const chunk = await decompressChunk(data, compression === 1 ? ChunkCompression.ZSTD : ChunkCompression.NONE).catch((error: unknown) => {
      throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Chunk ${id} in pack ${pack} is damaged: ${error instanceof Error ? error.message : String(error)}.`);
    });
    const actual = createHash('sha256').update(chunk).digest('hex');
    if (chunk.length !== raw || actual !== id) {
      throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Chunk ${id} in pack ${pack} is damaged (read ${chunk.length} bytes with SHA-256 ${actual}).`);
    }
    return chunk;
  }

  private async readVerified(path: string, expectedSha256: string): Promise<Buffer> {
    const raw = await this.source.read(path);
    const actual = createHash('sha256').update(raw).digest('hex');
    if (actual !== expectedSha256) throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `${path} is damaged: its SHA-256 is ${actual}.`);
    return raw;
  }
}
