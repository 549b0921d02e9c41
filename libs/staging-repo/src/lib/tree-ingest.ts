import { type BigIntStats, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { blobNameProblems } from './blob-names';
import { type FileEntry, type TreeEntry } from './format';
import { type SnapshotWriter } from './snapshot-writer';

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

function sameVersion(a: BigIntStats, b: BigIntStats): boolean {
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

  const ingestFile = async (absolute: string, relative: string, info: Stats): Promise<void> => {
    const previous = writer.committedEntry(relative);
    if (previous?.type === 'file' && previous.size === info.size && Math.abs(previous.mtimeMs - info.mtimeMs) < 0.001) {
      resumedFiles++;
      bytes += previous.size;
      return;
    }
    for (let attempt = 1; ; attempt++) {
      let handle: FileHandle;
      try {
        handle = await openFile(absolute);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT') await report(IngestIssueKind.VANISHED, relative, 'the file was deleted after it was listed; it was skipped');
        else await report(IngestIssueKind.UNREADABLE, relative, `cannot open it (${code}: ${errorText(error)}); it was skipped. Give the ingest service read access and ingest again.`);
        return;
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
        const changed = !sameVersion(before, after) || stored.size !== Number(after.size);
        if (changed && attempt < maxAttempts) continue;
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
        break;
      } catch (error) {
        // Only the source failing is the file's problem; the repository failing stops the ingest.
        if (!(error instanceof SourceReadError)) throw error;
        await report(IngestIssueKind.UNREADABLE, relative, `reading it failed (${errorCode(error.cause)}: ${errorText(error.cause)}); it was skipped.`);
        return;
      } finally {
        await handle.close();
      }
    }
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
    for (const raw of names) {
      const name = decodeName(raw);
      const shownRelative = relativeDir ? `${relativeDir}/${name ?? escapeName(raw)}` : (name ?? escapeName(raw));
      if (name === undefined) {
        await report(IngestIssueKind.NAME_NOT_UTF8, shownRelative, 'the name is not valid UTF-8, which Azure and the manifest require; it was skipped. Rename it and ingest again.');
        continue;
      }
      const absolute = join(absoluteDir, name);
      const relative = shownRelative;
      let info: Stats;
      try {
        info = await lstat(absolute);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') await report(IngestIssueKind.VANISHED, relative, 'deleted after it was listed; skipped');
        else await report(IngestIssueKind.UNREADABLE, relative, `cannot read its metadata (${errorCode(error)}); skipped`);
        continue;
      }
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
        await ingestFile(absolute, relative, info);
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

  await walk(resolve(root), '');
  await progress();
  return { files, resumedFiles, bytes, issues };
}
