import { type Readable } from 'node:stream';

import { extract, type Header } from 'tar-stream';

import {
  blobNameProblems,
  type IngestIssue,
  IngestIssueKind,
  issueOutcome,
  type SnapshotWriter,
  type TreeIngestProgress,
  type TreeEntry,
  type TreeIngestResult,
} from '@seedship/staging-repo';

type FileEntry = Extract<TreeEntry, { type: 'file' }>;

export interface TarIngestOptions {
  readonly onIssue?: (issue: IngestIssue) => void | Promise<void>;
  readonly onProgress?: (progress: TreeIngestProgress) => void | Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Names in ustar/GNU headers are raw bytes (read as latin1 so no byte is lost); pax names are UTF-8
 * already. Returns undefined when raw bytes are not UTF-8.
 */
function entryName(header: Header): { name?: string; shown: string } {
  const paxPath = typeof header.pax === 'object' && header.pax !== null && 'path' in header.pax ? header.pax.path : undefined;
  if (typeof paxPath === 'string') return { name: paxPath, shown: paxPath };
  const bytes = Buffer.from(header.name, 'latin1');
  try {
    const name = utf8.decode(bytes);
    return { name, shown: name };
  } catch {
    return { shown: [...bytes].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('') };
  }
}

/** "./a//b/" -> "a/b"; undefined when the path is absolute or climbs out with "..". */
function normalise(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return undefined;
  return parts.join('/');
}

function modeOf(header: Header, fallback: number): number {
  return (header.mode ?? fallback) & 0o7777;
}

/**
 * Ingests a tar stream (ustar, GNU or pax) into an open snapshot. Entries a previous run committed
 * (same path, size and modification time) are read past without being stored again. Hard links
 * become files sharing their target's chunks. Every entry not stored as-is is reported.
 */
export async function ingestTarStream(writer: SnapshotWriter, source: Readable, options: TarIngestOptions = {}): Promise<TreeIngestResult> {
  // filenameEncoding is an option of tar-stream's extractor that its type declarations leave out.
  const extractor = extract({ filenameEncoding: 'latin1' } as Parameters<typeof extract>[0]);
  source.on('error', (error) => extractor.destroy(error));
  source.pipe(extractor);
  let files = 0;
  let resumedFiles = 0;
  let bytes = 0;
  let issues = 0;
  const report = async (kind: IngestIssueKind, path: string, detail: string): Promise<void> => {
    issues++;
    await options.onIssue?.({ kind, outcome: issueOutcome(kind), path, detail });
  };
  const dirs = new Map<string, Header>();
  /** Files of this archive so far, for hard links: the entry and the chunk sequence it waits for. */
  const filesSeen = new Map<string, { entry: FileEntry; requiredSeq: number }>();

  for await (const entry of extractor) {
    const header = entry.header;
    const { name, shown } = entryName(header);
    const drain = async (): Promise<void> => {
      entry.resume();
      await new Promise<void>((resolveEnd, rejectEnd) => {
        entry.once('end', resolveEnd);
        entry.once('error', rejectEnd);
      });
    };
    if (name === undefined) {
      await report(IngestIssueKind.NAME_NOT_UTF8, shown, 'the name is not valid UTF-8, which Azure and the manifest require; it was skipped. Rename it and upload again.');
      await drain();
      continue;
    }
    const path = normalise(name);
    if (path === undefined) {
      await report(IngestIssueKind.UNSAFE_PATH, name, 'the entry is absolute or climbs out of the archive with ".."; it was skipped. Create the archive with relative paths.');
      await drain();
      continue;
    }
    if (path === '') {
      await drain();
      continue;
    }
    const mtimeMs = header.mtime ? header.mtime.getTime() : 0;
    const type = header.type ?? 'file';
    const problems = blobNameProblems(path);
    if (problems.length > 0 && (type === 'file' || type === 'contiguous-file' || type === 'directory' || type === 'symlink' || type === 'link')) {
      await report(
        IngestIssueKind.NAME_NOT_BLOB_SAFE,
        path,
        `stored, but Azure could not hold this path as a blob name: it ${problems.join('; it ')}. Restore it with Seedship's reader, which keeps the name exactly.`,
      );
    }
    switch (type) {
      case 'file':
      case 'contiguous-file': {
        const previous = writer.committedEntry(path);
        if (previous?.type === 'file' && previous.size === (header.size ?? 0) && Math.abs(previous.mtimeMs - mtimeMs) < 0.001) {
          await drain();
          filesSeen.set(path, { entry: previous, requiredSeq: 0 });
          resumedFiles++;
          bytes += previous.size;
          break;
        }
        const stored = await writer.storeContent(entry as AsyncIterable<Uint8Array>);
        const fileEntry: FileEntry = { type: 'file', path, mode: modeOf(header, 0o644), mtimeMs, size: stored.size, sha256: stored.sha256, chunks: stored.chunks };
        await writer.addEntry(fileEntry, stored.requiredSeq);
        filesSeen.set(path, { entry: fileEntry, requiredSeq: stored.requiredSeq });
        files++;
        bytes += stored.size;
        await options.onProgress?.({ files, resumedFiles, bytes });
        break;
      }
      case 'directory':
        dirs.set(path, header);
        await drain();
        break;
      case 'symlink':
        await drain();
        await writer.addEntry({ type: 'symlink', path, target: header.linkname ?? '', mtimeMs });
        await report(IngestIssueKind.SYMLINK, path, `stored as a symbolic link to '${header.linkname ?? ''}'; the link was not followed.`);
        break;
      case 'link': {
        await drain();
        const targetPath = normalise(header.linkname ?? '');
        const target = targetPath ? filesSeen.get(targetPath) : undefined;
        if (!target) {
          await report(IngestIssueKind.UNREADABLE, path, `a hard link to '${header.linkname ?? ''}', which is not an earlier file of the archive; it was skipped.`);
          break;
        }
        const linked: FileEntry = { ...target.entry, path, mode: modeOf(header, target.entry.mode), mtimeMs };
        await writer.addEntry(linked, target.requiredSeq);
        filesSeen.set(path, { entry: linked, requiredSeq: target.requiredSeq });
        files++;
        bytes += linked.size;
        break;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo':
        await drain();
        await report(IngestIssueKind.SPECIAL_FILE, path, `a ${type.replace('-', ' ')} has no content to back up; skipped.`);
        break;
      default:
        await drain();
        await report(IngestIssueKind.SPECIAL_FILE, path, `an archive entry of type '${String(type)}' has no content to back up; skipped.`);
    }
  }
  for (const [path, header] of dirs) {
    await writer.addEntry({ type: 'dir', path, mode: modeOf(header, 0o755), mtimeMs: header.mtime ? header.mtime.getTime() : 0 });
  }
  await options.onProgress?.({ files, resumedFiles, bytes });
  return { files, resumedFiles, bytes, issues };
}
