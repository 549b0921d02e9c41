import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';

import { ChunkSplitter } from './chunk-splitter';
import { Chunker } from './chunker';
import { compressChunk, type StoredChunk } from './compression';
import { fsyncDir, writeAll, writeFileDurably } from './durable-fs';
import { PackCommitter, packCapacity } from './pack-committer';
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
import { type PackLocation, packTrailer, packTrailerSize } from './pack';
import { type StagingRepository, type StartSnapshotOptions } from './repository';

/** Bytes of a file or stream: an async iterable (streams), or a read function (files; 0 = end). */
export type ContentSource = AsyncIterable<Uint8Array> | { read(into: Buffer): Promise<number> };

/** Files are read in segments this large and chunked in place: chunks are views, not copies. */
const READ_SEGMENT_BYTES = 16 * 1024 * 1024;

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

/**
 * Compressions queued on the libuv pool at once: bounded in bytes (large chunks) and in count (small
 * ones). Small chunks need many in flight, or each one waits for a pool round trip, which on a busy
 * machine is a scheduler wake-up away.
 */
const MAX_INFLIGHT_BYTES = 8 * 1024 * 1024;
const MAX_INFLIGHT_CHUNKS = 64;
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
 * journal line are deleted, so a half-written pack is never counted as staged. Step 1 runs on the
 * pack committer's worker while the next pack fills (one commit in flight); steps 2 and 3 run on
 * this thread when it reports the pack durable, through one serialized journal queue.
 */
export class SnapshotWriter {
  readonly counters: WriterCounters = { bytesRead: 0, chunksRead: 0, newChunks: 0, newRawBytes: 0, packsWritten: 0, packBytesWritten: 0 };
  private readonly chunker: Chunker;
  /** Chunk id -> 0 when committed in a pack, else the sequence number of the pending chunk. */
  private readonly known = new Map<string, number>();
  private readonly entries = new Map<string, TreeEntry>();
  private readonly packs: PackRecord[] = [];
  private inflight: Inflight[] = [];
  private inflightBytes = 0;
  /** Where each chunk of the pack being filled landed. */
  private packChunks: PackLocation[] = [];
  private packLastSeq = 0;
  /** The pack being made durable while the next one fills (at most one), then journaled. */
  private commitInFlight: Promise<void> | undefined;
  /** The first failure of a background commit; every later call reports it. */
  private failure: Error | undefined;
  /** Journal appends run one after another, in the order they were asked for. */
  private journalTail: Promise<void> = Promise.resolve();
  private seq = 0;
  private committedSeq = 0;
  private waiting: Array<{ entry: TreeEntry; requiredSeq: number }> = [];
  private ready: TreeEntry[] = [];
  private sealed = false;
  private splitter: ChunkSplitter | undefined;
  private readonly committer: PackCommitter;

  private constructor(
    private readonly repo: StagingRepository,
    private readonly startLine: Extract<JournalLine, { t: 'start' }>,
    private readonly parentIndexes: string[],
    private journal: FileHandle,
    readonly resumedEntries: number,
  ) {
    this.chunker = new Chunker(repo.config.chunker);
    this.committer = new PackCommitter(packCapacity(repo.config.packTargetBytes, repo.config.chunker.maxSize));
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
        await take(splitter.finish());
      } else {
        await this.chunkSegments(source, result);
      }
    } catch (error) {
      splitter.finish();
      throw error;
    }
    return this.storedContent(result);
  }

  /** Like storeContent for content already in memory; the writer may keep views of `content`. */
  async storeBuffer(content: Buffer): Promise<StoredContent> {
    this.assertOpen();
    const result: ContentProgress = { size: 0, chunks: [], requiredSeq: 0 };
    this.counters.bytesRead += content.length;
    for (let start = 0; start < content.length; ) {
      const cut = this.chunker.nextCut(content, start, content.length, true);
      await this.takeChunk(content.subarray(start, start + cut), result);
      start += cut;
    }
    return this.storedContent(result);
  }

  private storedContent(result: ContentProgress): StoredContent {
    // A one-chunk file's SHA-256 is its chunk's id: hashed once, not twice.
    const sha256 = result.fileHash ? result.fileHash.digest('hex') : (result.chunks[0] ?? EMPTY_SHA256);
    return { size: result.size, sha256, chunks: result.chunks, requiredSeq: result.requiredSeq };
  }

  /**
   * Reads into fresh segments and cuts chunks as views of them; only the unfinished tail of a segment
   * is copied into the next one. Segments are never reused, so a view stays valid for as long as a
   * compression or a pack still needs it.
   */
  private async chunkSegments(source: { read(into: Buffer): Promise<number> }, result: ContentProgress): Promise<void> {
    let segment = Buffer.allocUnsafe(READ_SEGMENT_BYTES);
    let start = 0;
    let end = 0;
    for (let final = false; !final; ) {
      if (end === segment.length) {
        const next = Buffer.allocUnsafe(READ_SEGMENT_BYTES);
        segment.copy(next, 0, start, end);
        end -= start;
        start = 0;
        segment = next;
      }
      const n = await source.read(segment.subarray(end));
      this.counters.bytesRead += n;
      end += n;
      final = n === 0;
      for (;;) {
        const cut = this.chunker.nextCut(segment, start, end, final);
        if (cut === 0) break;
        await this.takeChunk(segment.subarray(start, start + cut), result);
        start += cut;
      }
    }
  }

  /** Records a tree entry; it is journaled (and so survives a crash) once its chunks are in packs. */
  async addEntry(entry: TreeEntry, requiredSeq = 0): Promise<void> {
    this.assertOpen();
    this.throwIfFailed();
    if (requiredSeq <= this.committedSeq) this.ready.push(entry);
    else this.waiting.push({ entry, requiredSeq });
    if (this.ready.length >= JOURNAL_BATCH) await this.journalReady();
  }

  /** Makes everything added so far durable (closes the current pack even if small). */
  async flush(): Promise<void> {
    this.assertOpen();
    await this.drainInflight(true);
    if (this.packChunks.length > 0) await this.commitPack();
    await this.commitInFlight;
    this.throwIfFailed();
    await this.journalReady();
  }

  /** Closes the snapshot: writes its index and manifest and removes the journal. */
  async seal(): Promise<SealResult> {
    await this.flush();
    this.sealed = true;
    await this.committer.close();
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
    // A pack still being committed finishes (or fails) first: the journal must not close under it.
    await this.commitInFlight;
    await this.committer.close();
    await this.journalTail;
    await this.journal.close();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private assertOpen(): void {
    if (this.sealed) throw new StagingRepoError(StagingRepoErrorCode.INVALID_USE, `Snapshot ${this.snapshotId} is sealed or closed.`);
  }

  private async takeChunk(chunk: Buffer, result: ContentProgress): Promise<void> {
    this.throwIfFailed();
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
    this.inflightBytes += chunk.length;
    await this.drainInflight(false);
  }

  private async drainInflight(all: boolean): Promise<void> {
    while (this.inflight.length > 0 && (all || this.inflight.length > MAX_INFLIGHT_CHUNKS || this.inflightBytes > MAX_INFLIGHT_BYTES)) {
      const next = this.inflight.shift();
      if (!next) break;
      this.inflightBytes -= next.rawLength;
      const stored = await next.stored;
      if (this.packChunks.length === 0) {
        // The buffer this pack goes into was last used two packs ago; that commit must be done.
        await this.commitInFlight;
        this.throwIfFailed();
        this.committer.start();
      }
      const offset = this.committer.append(stored.data);
      this.packChunks.push([next.id, offset, stored.data.length, next.rawLength, stored.compression]);
      this.packLastSeq = next.seq;
      if (this.committer.size + packTrailerSize(this.packChunks.length) >= this.repo.config.packTargetBytes) await this.commitPack();
    }
  }

  /**
   * Hands the full pack to the committer and returns once the previous commit is done: one commit
   * is in flight while chunking goes on. Its journal line, and then the entries it completes, are
   * appended only after the committer reports the pack durable.
   */
  private async commitPack(): Promise<void> {
    const repo = this.repo;
    const locations = this.packChunks;
    const lastSeq = this.packLastSeq;
    this.packChunks = [];
    await this.commitInFlight;
    this.throwIfFailed();
    const trailer = packTrailer(locations);
    const size = this.committer.size + trailer.length;
    const tmpPath = join(repo.path('tmp'), `${randomBytes(8).toString('hex')}.pack.partial`);
    const durable = this.committer.commit(trailer, tmpPath, repo.path('packs'));
    this.commitInFlight = durable
      .then(async (digest) => {
        const record: PackRecord = { id: digest.sha256, size, md5: digest.md5, chunks: locations };
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
      })
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      });
  }

  private async journalReady(): Promise<void> {
    if (this.ready.length === 0) return;
    const ready = this.ready;
    this.ready = [];
    await this.appendJournal(ready.map((entry) => ({ t: 'entry', entry })));
    for (const entry of ready) this.entries.set(entry.path, entry);
  }

  private appendJournal(lines: JournalLine[]): Promise<void> {
    const bytes = Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const appended = this.journalTail.then(async () => {
      await writeAll(this.journal, [bytes]);
      await this.journal.datasync();
    });
    // A failed append fails its caller; the next append still runs after it (and fails the same way).
    this.journalTail = appended.catch(() => undefined);
    return appended;
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
