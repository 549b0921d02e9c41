import { type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { blobNameProblems } from './blob-names';
import { type FileEntry, type TreeEntry } from './format';
import { type SnapshotWriter, type StoredContent } from './snapshot-writer';
import { type FileVersion, SmallFileReader, type WholeRead } from './small-file-reader';

/**
 * What happened to an input that was not simply stored. Every kind has one defined behaviour:
 *
 * | kind                   | behaviour                                                                  |
 * | ---------------------- | -------------------------------------------------------------------------- |
 * | UNREADABLE             | skipped (a directory: its contents are skipped, the directory is kept)     |
 * | VANISHED               | skipped: listed, then gone before it could be opened                       |
 * | CHANGED_WHILE_READING  | read again up to 3 times; if it never holds still, the last copy is stored |
 * |                        | and flagged `inconsistent` in the manifest                                 |
 * | SYMLINK                | stored as a link with its target, never followed                           |
 * | SPECIAL_FILE           | skipped: sockets, FIFOs and devices have no content to back up             |
 * | NAME_NOT_UTF8          | skipped: the manifest and Azure store names as UTF-8; rename the file      |
 * | NAME_NOT_BLOB_SAFE     | stored (the packs do not use the name), flagged: Azure could not store it  |
 * |                        | as a blob name, so it can only be restored through Seedship's reader       |
 * | UNSAFE_PATH            | skipped: an archive entry with an absolute path or a ".." segment          |
 */
export enum IngestIssueKind {
  UNREADABLE = 'UNREADABLE',
  VANISHED = 'VANISHED',
  CHANGED_WHILE_READING = 'CHANGED_WHILE_READING',
  SYMLINK = 'SYMLINK',
  SPECIAL_FILE = 'SPECIAL_FILE',
  NAME_NOT_UTF8 = 'NAME_NOT_UTF8',
  NAME_NOT_BLOB_SAFE = 'NAME_NOT_BLOB_SAFE',
  UNSAFE_PATH = 'UNSAFE_PATH',
}

export type IngestIssueOutcome = 'SKIPPED' | 'STORED' | 'STORED_FLAGGED';

export interface IngestIssue {
  readonly kind: IngestIssueKind;
  readonly outcome: IngestIssueOutcome;
  /** Path relative to the source root (non-UTF-8 bytes shown as \xNN). */
  readonly path: string;
  readonly detail: string;
}

export function issueOutcome(kind: IngestIssueKind): IngestIssueOutcome {
  switch (kind) {
    case IngestIssueKind.UNREADABLE:
    case IngestIssueKind.VANISHED:
    case IngestIssueKind.SPECIAL_FILE:
    case IngestIssueKind.NAME_NOT_UTF8:
    case IngestIssueKind.UNSAFE_PATH:
      return 'SKIPPED';
    case IngestIssueKind.SYMLINK:
      return 'STORED';
    case IngestIssueKind.CHANGED_WHILE_READING:
    case IngestIssueKind.NAME_NOT_BLOB_SAFE:
      return 'STORED_FLAGGED';
  }
}

export interface TreeIngestProgress {
  /** Files stored or confirmed in this run, and files a previous run had committed. */
  readonly files: number;
  readonly resumedFiles: number;
  /** Logical bytes covered so far (including resumed files). */
  readonly bytes: number;
}

export interface TreeIngestOptions {
  /** Absolute paths not to enter (e.g. the staging location when it lies inside the source). */
  readonly exclude?: readonly string[];
  readonly onIssue?: (issue: IngestIssue) => void | Promise<void>;
  readonly onProgress?: (progress: TreeIngestProgress) => void | Promise<void>;
  /** How often a file that changes while read is read again before it is stored flagged. */
  readonly maxReadAttempts?: number;
  /** Opens source files; replaceable to inject faults in tests. */
  readonly openFile?: (path: string) => Promise<FileHandle>;
}

export interface TreeIngestResult extends TreeIngestProgress {
  readonly issues: number;
}

export interface TreeScan {
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A failure reading the source (not writing the repository). */
class SourceReadError extends Error {
  constructor(override readonly cause: unknown) {
    super(errorText(cause));
    this.name = 'SourceReadError';
  }
}

/**
 * Small files are read ahead, several at once: for a tree of many small files the time goes to
 * open/stat/read/close round trips on the thread pool, not to hashing, so one-at-a-time reads leave
 * the cores idle. Files are still stored in walk order, so the snapshot does not depend on timing.
 */
const PREFETCH_MAX_FILE_BYTES = 1024 * 1024;
const PREFETCH_WINDOW_FILES = 32;


/** Maps with at most `limit` calls in flight; results keep the input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await fn(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function readWhole(openFile: (path: string) => Promise<FileHandle>, absolute: string): Promise<WholeRead> {
  let handle: FileHandle;
  try {
    handle = await openFile(absolute);
  } catch (error) {
    return { ok: false, phase: 'open', error };
  }
  try {
    const before = await handle.stat({ bigint: true });
    const content = Buffer.allocUnsafe(Number(before.size));
    let position = 0;
    while (position < content.length) {
      const { bytesRead } = await handle.read(content, position, content.length - position, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
    const after = await handle.stat({ bigint: true });
    return { ok: true, before, content: content.subarray(0, position), after };
  } catch (error) {
    return { ok: false, phase: 'read', error };
  } finally {
    await handle.close();
  }
}

function decodeName(name: Buffer): string | undefined {
  try {
    return utf8.decode(name);
  } catch {
    return undefined;
  }
}

function escapeName(name: Buffer): string {
  return [...name].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('');
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'UNKNOWN';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Counts what a tree holds (regular files and their bytes), to size the staging area before starting. */
export async function scanTree(root: string, exclude: readonly string[] = []): Promise<TreeScan> {
  const excluded = new Set(exclude.map((path) => resolve(path)));
  let files = 0;
  let dirs = 0;
  let bytes = 0;
  const stack = [resolve(root)];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      const info = await lstat(path).catch(() => undefined);
      if (!info) continue;
      if (info.isDirectory()) {
        if (!excluded.has(path)) {
          dirs++;
          stack.push(path);
        }
      } else if (info.isFile()) {
        files++;
        bytes += info.size;
      }
    }
  }
  return { files, dirs, bytes };
}

function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/**
 * Ingests a directory tree into an open snapshot. Entries a previous run committed (same size and
 * modification time) are skipped without being read. Nothing is dropped silently: every input that is
 * not stored as-is is reported through onIssue with its defined behaviour.
 */
export async function ingestTree(writer: SnapshotWriter, root: string, options: TreeIngestOptions = {}): Promise<TreeIngestResult> {
  const excluded = new Set((options.exclude ?? []).map((path) => resolve(path)));
  const openFile = options.openFile ?? ((path: string) => open(path, 'r'));
  // Files opened through a caller's openFile are read through it; otherwise small ones on a worker.
  const smallFiles = options.openFile ? undefined : new SmallFileReader();
  const readSmall = (absolute: string): Promise<WholeRead> => (smallFiles ? smallFiles.read(absolute) : readWhole(openFile, absolute));
  const maxAttempts = options.maxReadAttempts ?? 3;
  let files = 0;
  let resumedFiles = 0;
  let bytes = 0;
  let issues = 0;
  const report = async (kind: IngestIssueKind, path: string, detail: string): Promise<void> => {
    issues++;
    await options.onIssue?.({ kind, outcome: issueOutcome(kind), path, detail });
  };
  const progress = async (): Promise<void> => {
    await options.onProgress?.({ files, resumedFiles, bytes });
  };

  const isCommitted = (relative: string, info: Stats): boolean => {
    const previous = writer.committedEntry(relative);
    return previous?.type === 'file' && previous.size === info.size && Math.abs(previous.mtimeMs - info.mtimeMs) < 0.001;
  };

  const reportOpenFailure = async (relative: string, error: unknown): Promise<void> => {
    const code = errorCode(error);
    if (code === 'ENOENT') await report(IngestIssueKind.VANISHED, relative, 'the file was deleted after it was listed; it was skipped');
    else await report(IngestIssueKind.UNREADABLE, relative, `cannot open it (${code}: ${errorText(error)}); it was skipped. Give the ingest service read access and ingest again.`);
  };
  const reportReadFailure = (relative: string, error: unknown): Promise<void> =>
    report(IngestIssueKind.UNREADABLE, relative, `reading it failed (${errorCode(error)}: ${errorText(error)}); it was skipped.`);

  /** Records what one read stored; false when the file changed while read and should be read again. */
  const recordRead = async (relative: string, before: FileVersion, after: FileVersion, stored: StoredContent, attempt: number): Promise<boolean> => {
    const changed = !sameVersion(before, after) || stored.size !== Number(after.size);
    if (changed && attempt < maxAttempts) return false;
    const entry: FileEntry = {
      type: 'file',
      path: relative,
      mode: Number(after.mode & 0o7777n),
      mtimeMs: Number(after.mtimeNs / 1000000n) + Number(after.mtimeNs % 1000000n) / 1e6,
      size: stored.size,
      sha256: stored.sha256,
      chunks: stored.chunks,
      ...(changed ? { inconsistent: true as const } : {}),
    };
    if (changed) {
      await report(
        IngestIssueKind.CHANGED_WHILE_READING,
        relative,
        `the file changed while it was read, ${attempt} times in a row; the last copy read (${stored.size} bytes) was stored and flagged inconsistent. Quiesce the writer and ingest again for a consistent copy.`,
      );
    }
    await writer.addEntry(entry, stored.requiredSeq);
    files++;
    bytes += stored.size;
    return true;
  };

  /** Streams the file from an open handle (large files, and every read after the first). */
  const streamedRead = async (absolute: string, relative: string, attempt: number): Promise<boolean> => {
    let handle: FileHandle;
    try {
      handle = await openFile(absolute);
    } catch (error) {
      await reportOpenFailure(relative, error);
      return true;
    }
    try {
      const before = await handle.stat({ bigint: true }).catch((error: unknown) => {
        throw new SourceReadError(error);
      });
      // Read the size the file had when opened, no more: a file that keeps growing must still end.
      const limit = Number(before.size);
      let position = 0;
      const stored = await writer.storeContent({
        read: async (into) => {
          const wanted = Math.min(into.length, limit - position);
          if (wanted <= 0) return 0;
          const { bytesRead } = await handle.read(into, 0, wanted, position).catch((error: unknown) => {
            throw new SourceReadError(error);
          });
          position += bytesRead;
          return bytesRead;
        },
      });
      const after = await handle.stat({ bigint: true }).catch((error: unknown) => {
        throw new SourceReadError(error);
      });
      return await recordRead(relative, before, after, stored, attempt);
    } catch (error) {
      // Only the source failing is the file's problem; the repository failing stops the ingest.
      if (!(error instanceof SourceReadError)) throw error;
      await reportReadFailure(relative, error.cause);
      return true;
    } finally {
      await handle.close();
    }
  };

  const ingestFile = async (absolute: string, relative: string, info: Stats, prefetched?: Promise<WholeRead>): Promise<void> => {
    if (isCommitted(relative, info)) {
      resumedFiles++;
      bytes += info.size;
      return;
    }
    let done = false;
    let attempt = 1;
    if (prefetched) {
      const read = await prefetched;
      if (!read.ok) {
        if (read.phase === 'open') await reportOpenFailure(relative, read.error);
        else await reportReadFailure(relative, read.error);
        return;
      }
      const stored = await writer.storeBuffer(read.content);
      done = await recordRead(relative, read.before, read.after, stored, attempt);
      attempt++;
    }
    for (; !done; attempt++) done = await streamedRead(absolute, relative, attempt);
    await progress();
  };

  const walk = async (absoluteDir: string, relativeDir: string): Promise<void> => {
    let names: Buffer[];
    try {
      names = await readdir(absoluteDir, { encoding: 'buffer' });
    } catch (error) {
      await report(
        IngestIssueKind.UNREADABLE,
        relativeDir || '.',
        `cannot list the directory (${errorCode(error)}: ${errorText(error)}); its contents were skipped.`,
      );
      return;
    }
    names.sort((a, b) => Buffer.compare(a, b));
    const decoded = names.map((raw) => decodeName(raw));
    // The directory's metadata first, several lstat calls at once (each is a thread-pool round trip).
    const stats = await mapConcurrently(decoded, PREFETCH_WINDOW_FILES, (name) =>
      name === undefined
        ? Promise.resolve(undefined)
        : lstat(join(absoluteDir, name)).then(
            (info): { info: Stats } => ({ info }),
            (error: unknown): { error: unknown } => ({ error }),
          ),
    );
    const prefetches = new Map<number, Promise<WholeRead>>();
    let prefetchedUpTo = 0;
    // Reads ahead the small files among the next few entries, up to the next directory.
    const readAhead = (from: number): void => {
      // Top up in batches (half a window at a time), so reads go to the worker many per message.
      if (prefetchedUpTo - from > PREFETCH_WINDOW_FILES / 2) return;
      prefetchedUpTo = Math.max(prefetchedUpTo, from);
      while (prefetchedUpTo < names.length && prefetchedUpTo < from + PREFETCH_WINDOW_FILES) {
        const at = prefetchedUpTo;
        const name = decoded[at];
        const stat = stats[at];
        if (name !== undefined && stat && 'info' in stat && stat.info.isDirectory()) break;
        prefetchedUpTo++;
        if (name === undefined || !stat || !('info' in stat) || !stat.info.isFile() || stat.info.size > PREFETCH_MAX_FILE_BYTES) continue;
        const relative = relativeDir ? `${relativeDir}/${name}` : name;
        if (isCommitted(relative, stat.info)) continue;
        prefetches.set(
          at,
          readSmall(join(absoluteDir, name)).catch((error: unknown): WholeRead => ({ ok: false, phase: 'read', error })),
        );
      }
    };
    for (const [at, raw] of names.entries()) {
      readAhead(at);
      const name = decoded[at];
      const shownRelative = relativeDir ? `${relativeDir}/${name ?? escapeName(raw)}` : (name ?? escapeName(raw));
      if (name === undefined) {
        await report(IngestIssueKind.NAME_NOT_UTF8, shownRelative, 'the name is not valid UTF-8, which Azure and the manifest require; it was skipped. Rename it and ingest again.');
        continue;
      }
      const absolute = join(absoluteDir, name);
      const relative = shownRelative;
      const stat = stats[at];
      if (!stat || 'error' in stat) {
        const error = stat?.error;
        if (errorCode(error) === 'ENOENT') await report(IngestIssueKind.VANISHED, relative, 'deleted after it was listed; skipped');
        else await report(IngestIssueKind.UNREADABLE, relative, `cannot read its metadata (${errorCode(error)}); skipped`);
        continue;
      }
      const info = stat.info;
      if (info.isDirectory() && excluded.has(absolute)) continue;
      const nameProblems = blobNameProblems(relative);
      if (nameProblems.length > 0 && (info.isFile() || info.isDirectory() || info.isSymbolicLink())) {
        await report(
          IngestIssueKind.NAME_NOT_BLOB_SAFE,
          relative,
          `stored, but Azure could not hold this path as a blob name: it ${nameProblems.join('; it ')}. Restore it with Seedship's reader, which keeps the name exactly.`,
        );
      }
      if (info.isDirectory()) {
        const entry: TreeEntry = { type: 'dir', path: relative, mode: info.mode & 0o7777, mtimeMs: info.mtimeMs };
        await walk(absolute, relative);
        await writer.addEntry(entry);
      } else if (info.isFile()) {
        await ingestFile(absolute, relative, info, prefetches.get(at));
        prefetches.delete(at);
      } else if (info.isSymbolicLink()) {
        let target: string;
        try {
          target = await readlink(absolute);
        } catch (error) {
          await report(IngestIssueKind.UNREADABLE, relative, `cannot read the link (${errorCode(error)}); skipped`);
          continue;
        }
        await writer.addEntry({ type: 'symlink', path: relative, target, mtimeMs: info.mtimeMs });
        await report(IngestIssueKind.SYMLINK, relative, `stored as a symbolic link to '${target}'; the link was not followed.`);
      } else {
        const what = info.isSocket() ? 'a socket' : info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() ? 'a character device' : info.isBlockDevice() ? 'a block device' : 'a special file';
        await report(IngestIssueKind.SPECIAL_FILE, relative, `${what} has no content to back up; skipped.`);
      }
    }
  };

  try {
    await walk(resolve(root), '');
  } finally {
    await smallFiles?.close();
  }
  await progress();
  return { files, resumedFiles, bytes, issues };
}
