import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';

import { ChunkSplitter } from './chunk-splitter';
import { Chunker } from './chunker';
import { compressChunk, type StoredChunk } from './compression';
import { fsyncDir, writeAll, writeFileDurably } from './durable-fs';
import { PackDigester } from './pack-digest';
import { StagingRepoError, StagingRepoErrorCode } from './errors';
import {
  FORMAT_VERSION,
  type IndexFile,
  type JournalLine,
  journalLineSchema,
  type PackRecord,
  paths,
  type SnapshotHeader,
  type SnapshotStats,
  type TreeEntry,
} from './format';
import { PackBuilder } from './pack';
import { type StagingRepository, type StartSnapshotOptions } from './repository';

/** Bytes of a file or stream: an async iterable (streams), or a read function (files; 0 = end). */
export type ContentSource = AsyncIterable<Uint8Array> | { read(into: Buffer): Promise<number> };

export interface StoredContent {
  readonly size: number;
  readonly sha256: string;
  readonly chunks: string[];
  /** Sequence number of the newest chunk this content needs; see addEntry. */
  readonly requiredSeq: number;
}

/** A repository object that a sealed snapshot needs, as it becomes an Azure block blob. */
export interface StagedObject {
  /** Path relative to the repository root (the blob name is the container prefix + this). */
  readonly path: string;
  readonly size: number;
  /** Base64 MD5 of the whole object, as Azure reports Content-MD5. */
  readonly md5: string;
  readonly sha256: string;
}

export interface SealResult {
  readonly manifestId: string;
  readonly indexId: string;
  readonly header: SnapshotHeader;
  /** Every object a restore of this snapshot reads that this snapshot staged (for FULL: all of them). */
  readonly objects: StagedObject[];
}

/** Counters of this process's work on the snapshot (not counting what a previous run committed). */
export interface WriterCounters {
  bytesRead: number;
  chunksRead: number;
  newChunks: number;
  newRawBytes: number;
  packsWritten: number;
  packBytesWritten: number;
}

const MAX_INFLIGHT_CHUNKS = 6;
const EMPTY_SHA256 = createHash('sha256').digest('hex');

interface ContentProgress {
  size: number;
  chunks: string[];
  requiredSeq: number;
  /** The first chunk, kept until a second one shows the content needs a hash of its own. */
  firstChunk?: Buffer | undefined;
  fileHash?: ReturnType<typeof createHash>;
}
const JOURNAL_BATCH = 512;

interface Inflight {
  readonly id: string;
  readonly rawLength: number;
  readonly seq: number;
  readonly stored: Promise<StoredChunk>;
}

/**
 * Writes one snapshot. Content is chunked, hashed, deduplicated against the snapshot's chain and
 * compressed; chunks are collected into packs. Crash safety comes from the order of writes:
 *   1. a pack is written to tmp/, fsynced and renamed into packs/ (directory fsynced);
 *   2. then a journal line records the pack (fsynced);
 *   3. only then are the tree entries whose chunks it holds journaled.
 * A restart replays the journal: journaled entries are done and not read again, and packs without a
 * journal line are deleted, so a half-written pack is never counted as staged.
 */
export class SnapshotWriter {
  readonly counters: WriterCounters = { bytesRead: 0, chunksRead: 0, newChunks: 0, newRawBytes: 0, packsWritten: 0, packBytesWritten: 0 };
  private readonly chunker: Chunker;
  /** Chunk id -> 0 when committed in a pack, else the sequence number of the pending chunk. */
  private readonly known = new Map<string, number>();
  private readonly entries = new Map<string, TreeEntry>();
  private readonly packs: PackRecord[] = [];
  private inflight: Inflight[] = [];
  private pack = new PackBuilder();
  private packLastSeq = 0;
  private seq = 0;
  private committedSeq = 0;
  private waiting: Array<{ entry: TreeEntry; requiredSeq: number }> = [];
  private ready: TreeEntry[] = [];
  private sealed = false;
  private splitter: ChunkSplitter | undefined;
  private readonly digester = new PackDigester();

  private constructor(
    private readonly repo: StagingRepository,
    private readonly startLine: Extract<JournalLine, { t: 'start' }>,
    private readonly parentIndexes: string[],
    private journal: FileHandle,
    readonly resumedEntries: number,
  ) {
    this.chunker = new Chunker(repo.config.chunker);
  }

  static async start(repo: StagingRepository, options: StartSnapshotOptions): Promise<SnapshotWriter> {
    const journalPath = repo.path(paths.journal(options.snapshotId));
    const lines = await readJournal(journalPath);
    const startLine: Extract<JournalLine, { t: 'start' }> =
      lines[0]?.t === 'start'
        ? lines[0]
        : {
            t: 'start',
            snapshotId: options.snapshotId,
            kind: options.kind,
            parent: options.parentManifestId ?? null,
            source: options.source,
            createdAt: new Date().toISOString(),
          };
    if (startLine.kind !== options.kind || startLine.parent !== (options.parentManifestId ?? null)) {
      throw new StagingRepoError(
        StagingRepoErrorCode.INVALID_USE,
        `Snapshot ${options.snapshotId} was started as ${startLine.kind} (parent ${startLine.parent ?? 'none'}); it cannot be resumed as ${options.kind} (parent ${options.parentManifestId ?? 'none'}).`,
      );
    }
    const parentIndexes = startLine.parent ? (await repo.readSnapshotHeader(startLine.parent)).indexes : [];
    const journalPacks = new Set(lines.flatMap((line) => (line.t === 'pack' ? [line.pack.id] : [])));
    await repo.removeUnreferencedFiles(journalPacks);

    const handle = await open(journalPath, 'a');
    const resumed = lines.filter((line) => line.t === 'entry').length;
    const writer = new SnapshotWriter(repo, startLine, parentIndexes, handle, resumed);
    if (lines.length === 0) {
      await writer.appendJournal([startLine]);
      await fsyncDir(repo.path('journal'));
    }
    for (const indexId of parentIndexes) {
      for (const pack of (await repo.readIndex(indexId)).packs) for (const [id] of pack.chunks) writer.known.set(id, 0);
    }
    for (const line of lines) {
      if (line.t === 'pack') {
        const size = await stat(repo.path(paths.pack(line.pack.id))).then(
          (s) => s.size,
          () => -1,
        );
        if (size !== line.pack.size) {
          throw new StagingRepoError(
            StagingRepoErrorCode.INTEGRITY,
            `Journal of snapshot ${options.snapshotId} records pack ${line.pack.id} (${line.pack.size} bytes) but ${size < 0 ? 'it is missing' : `it has ${size} bytes`}; the staging directory was changed outside Seedship. Abandon the snapshot and ingest again.`,
          );
        }
        writer.packs.push(line.pack);
        for (const [id] of line.pack.chunks) writer.known.set(id, 0);
      } else if (line.t === 'entry') {
        writer.entries.set(line.entry.path, line.entry);
      }
    }
    return writer;
  }

  get snapshotId(): string {
    return this.startLine.snapshotId;
  }

  /** The entry a previous run already committed at `path`, if any: skip it, it is safe. */
  committedEntry(path: string): TreeEntry | undefined {
    return this.entries.get(path);
  }

  get committedEntryCount(): number {
    return this.entries.size;
  }

  /**
   * Chunks, hashes and stores content. The chunks become durable with the pack that holds them;
   * pass the result to addEntry, which journals the entry once they are.
   */
  async storeContent(source: ContentSource): Promise<StoredContent> {
    this.assertOpen();
    this.splitter ??= new ChunkSplitter(this.chunker);
    const splitter = this.splitter;
    const result: ContentProgress = { size: 0, chunks: [], requiredSeq: 0 };
    const take = async (chunks: Buffer[]): Promise<void> => {
      for (const chunk of chunks) await this.takeChunk(chunk, result);
    };
    try {
      if (Symbol.asyncIterator in source) {
        for await (const piece of source) {
          this.counters.bytesRead += piece.length;
          await take(splitter.push(piece));
        }
      } else {
        for (;;) {
          const n = await source.read(splitter.writableRegion());
          if (n === 0) break;
          this.counters.bytesRead += n;
          await take(splitter.commit(n));
        }
      }
      await take(splitter.finish());
    } catch (error) {
      splitter.finish();
      throw error;
    }
    // A one-chunk file's SHA-256 is its chunk's id: hashed once, not twice.
    const sha256 = result.fileHash ? result.fileHash.digest('hex') : (result.chunks[0] ?? EMPTY_SHA256);
    return { size: result.size, sha256, chunks: result.chunks, requiredSeq: result.requiredSeq };
  }

  /** Records a tree entry; it is journaled (and so survives a crash) once its chunks are in packs. */
  async addEntry(entry: TreeEntry, requiredSeq = 0): Promise<void> {
    this.assertOpen();
    if (requiredSeq <= this.committedSeq) this.ready.push(entry);
    else this.waiting.push({ entry, requiredSeq });
    if (this.ready.length >= JOURNAL_BATCH) await this.journalReady();
  }

  /** Makes everything added so far durable (closes the current pack even if small). */
  async flush(): Promise<void> {
    this.assertOpen();
    await this.drainInflight(0);
    if (this.pack.count > 0) await this.commitPack();
    await this.journalReady();
  }

  /** Closes the snapshot: writes its index and manifest and removes the journal. */
  async seal(): Promise<SealResult> {
    await this.flush();
    this.sealed = true;
    await this.digester.close();
    const repo = this.repo;
    const tmp = repo.path('tmp');

    const index: IndexFile = { format: 'seedship-staging-index', version: FORMAT_VERSION, packs: this.packs };
    const indexBytes = Buffer.from(`${JSON.stringify(index)}\n`);
    const indexId = createHash('sha256').update(indexBytes).digest('hex');
    await writeFileDurably(repo.path(paths.index(indexId)), [indexBytes], tmp);

    const entries = [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const stats: SnapshotStats = {
      files: 0,
      dirs: 0,
      symlinks: 0,
      sourceBytes: 0,
      storedBytes: this.packs.reduce((sum, pack) => sum + pack.size, 0),
      chunks: 0,
      newChunks: this.packs.reduce((sum, pack) => sum + pack.chunks.length, 0),
      newPacks: this.packs.length,
    };
    for (const entry of entries) {
      if (entry.type === 'file') {
        stats.files++;
        stats.sourceBytes += entry.size;
        stats.chunks += entry.chunks.length;
      } else if (entry.type === 'dir') stats.dirs++;
      else stats.symlinks++;
    }
    const header: SnapshotHeader = {
      format: 'seedship-staging-snapshot',
      version: FORMAT_VERSION,
      snapshotId: this.startLine.snapshotId,
      kind: this.startLine.kind,
      parent: this.startLine.parent,
      source: this.startLine.source,
      createdAt: this.startLine.createdAt,
      indexes: [...this.parentIndexes, indexId],
      stats,
    };
    const manifestLines = [JSON.stringify(header), ...entries.map((entry) => JSON.stringify(entry))];
    const manifestBytes = Buffer.from(`${manifestLines.join('\n')}\n`);
    const manifestId = createHash('sha256').update(manifestBytes).digest('hex');
    await writeFileDurably(repo.path(paths.snapshot(manifestId)), [manifestBytes], tmp);

    await this.journal.close();
    await rm(repo.path(paths.journal(this.startLine.snapshotId)), { force: true });
    await fsyncDir(repo.path('journal'));

    const objects = await repo.stagedObjects(manifestId, header);
    return { manifestId, indexId, header, objects };
  }

  /** Stops writing without sealing (e.g. on shutdown); the journal stays, so the snapshot can resume. */
  async close(): Promise<void> {
    if (this.sealed) return;
    this.sealed = true;
    await this.digester.close();
    await this.journal.close();
  }

  private assertOpen(): void {
    if (this.sealed) throw new StagingRepoError(StagingRepoErrorCode.INVALID_USE, `Snapshot ${this.snapshotId} is sealed or closed.`);
  }

  private async takeChunk(chunk: Buffer, result: ContentProgress): Promise<void> {
    if (result.fileHash) {
      result.fileHash.update(chunk);
    } else if (result.firstChunk) {
      result.fileHash = createHash('sha256').update(result.firstChunk).update(chunk);
      result.firstChunk = undefined;
    } else {
      result.firstChunk = chunk;
    }
    result.size += chunk.length;
    this.counters.chunksRead++;
    const id = createHash('sha256').update(chunk).digest('hex');
    result.chunks.push(id);
    const known = this.known.get(id);
    if (known !== undefined) {
      result.requiredSeq = Math.max(result.requiredSeq, known);
      return;
    }
    const seq = ++this.seq;
    this.known.set(id, seq);
    result.requiredSeq = seq;
    this.counters.newChunks++;
    this.counters.newRawBytes += chunk.length;
    this.inflight.push({ id, rawLength: chunk.length, seq, stored: compressChunk(chunk, this.repo.config.compression.level) });
    await this.drainInflight(MAX_INFLIGHT_CHUNKS);
  }

  private async drainInflight(limit: number): Promise<void> {
    while (this.inflight.length > limit) {
      const next = this.inflight.shift();
      if (!next) break;
      const stored = await next.stored;
      if (this.pack.count === 0) this.digester.start(PackBuilder.header());
      this.pack.add({ id: next.id, compression: stored.compression, data: stored.data, rawLength: next.rawLength });
      this.digester.update(stored.data);
      this.packLastSeq = next.seq;
      if (this.pack.size >= this.repo.config.packTargetBytes) await this.commitPack();
    }
  }

  private async commitPack(): Promise<void> {
    const repo = this.repo;
    const { buffers, locations } = this.pack.build();
    const lastSeq = this.packLastSeq;
    this.pack = new PackBuilder();
    // The header and chunks were hashed as they were added; the trailer completes the pack.
    this.digester.update(buffers[buffers.length - 1] as Buffer);
    const digest = await this.digester.finish();
    const id = digest.sha256;
    const size = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const tmpPath = join(repo.path('tmp'), `${randomBytes(8).toString('hex')}.pack.partial`);
    const handle = await open(tmpPath, 'wx');
    try {
      await writeAll(handle, buffers);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const finalPath = repo.path(paths.pack(id));
    const dir = join(finalPath, '..');
    await mkdir(dir, { recursive: true });
    await rename(tmpPath, finalPath);
    await fsyncDir(dir);
    const record: PackRecord = { id, size, md5: digest.md5, chunks: locations };
    await this.appendJournal([{ t: 'pack', pack: record }]);
    this.packs.push(record);
    for (const [chunkId] of locations) this.known.set(chunkId, 0);
    this.committedSeq = lastSeq;
    this.counters.packsWritten++;
    this.counters.packBytesWritten += size;
    const stillWaiting: typeof this.waiting = [];
    for (const item of this.waiting) {
      if (item.requiredSeq <= this.committedSeq) this.ready.push(item.entry);
      else stillWaiting.push(item);
    }
    this.waiting = stillWaiting;
    await this.journalReady();
  }

  private async journalReady(): Promise<void> {
    if (this.ready.length === 0) return;
    const ready = this.ready;
    this.ready = [];
    await this.appendJournal(ready.map((entry) => ({ t: 'entry', entry })));
    for (const entry of ready) this.entries.set(entry.path, entry);
  }

  private async appendJournal(lines: JournalLine[]): Promise<void> {
    await writeAll(this.journal, [Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''))]);
    await this.journal.datasync();
  }
}

/**
 * Reads a journal. A crash can leave the last line torn: it is dropped (and cut from the file). Any
 * other unreadable line means the journal was damaged, which is an error.
 */
async function readJournal(path: string): Promise<JournalLine[]> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    return [];
  }
  const lines: JournalLine[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const end = raw.indexOf(0x0a, offset);
    const text = raw.toString('utf8', offset, end === -1 ? raw.length : end);
    let parsed: JournalLine | undefined;
    if (end !== -1) {
      try {
        parsed = journalLineSchema.parse(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed) {
      const isLast = end === -1 || end === raw.length - 1;
      if (!isLast) {
        throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Journal ${path} is damaged at byte ${offset}; abandon the snapshot and ingest again.`);
      }
      await truncate(path, offset);
      break;
    }
    lines.push(parsed);
    offset = end + 1;
  }
  return lines;
}
