import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, open, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { describeTree, generateCorpus, textBytes } from './corpus';
import { StagingRepoErrorCode } from './errors';
import { paths } from './format';
import { LocalRepositorySource, StagingRepositoryReader } from './reader';
import { StagingRepository } from './repository';
import { type IngestIssue, IngestIssueKind, ingestTree, scanTree } from './tree-ingest';

describe('staging repository on a local directory', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'seedship-repo-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function restoreAndDescribe(repoDir: string, manifestId: string): Promise<Map<string, string>> {
    const reader = await StagingRepositoryReader.open(new LocalRepositorySource(repoDir));
    const target = join(work, `restore-${randomUUID()}`);
    await reader.restore(manifestId, target);
    return describeTree(target);
  }

  it('ingests a tree with small, large and duplicate files, stores duplicates once, and restores it byte for byte', async () => {
    const source = join(work, 'corpus');
    const corpus = await generateCorpus(source, { smallFiles: 300, largeFiles: 3, largeFileBytes: 6 * 1024 * 1024, duplicates: 40 });
    const repoDir = join(work, 'repo-a');
    const repo = await StagingRepository.create(repoDir, { packTargetBytes: 4 * 1024 * 1024 });
    const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
    const issues: IngestIssue[] = [];
    const result = await ingestTree(writer, source, { onIssue: (issue) => void issues.push(issue) });
    const sealed = await writer.seal();

    expect(issues).toEqual([]);
    expect(result.files).toBe(corpus.files);
    expect(sealed.header.stats.sourceBytes).toBe(corpus.bytes);
    // Every duplicate is stored once: fewer new chunks than chunk references.
    expect(sealed.header.stats.newChunks).toBeLessThan(sealed.header.stats.chunks);
    expect(sealed.header.stats.storedBytes).toBeLessThan(corpus.bytes);
    expect(sealed.header.stats.newPacks).toBeGreaterThan(1);
    // Staged objects: config, every pack, the index and the manifest, with MD5 and size.
    expect(sealed.objects.map((object) => object.path)).toEqual(
      expect.arrayContaining([paths.config, paths.index(sealed.indexId), paths.snapshot(sealed.manifestId)]),
    );
    expect(sealed.objects.filter((object) => object.path.startsWith('packs/'))).toHaveLength(sealed.header.stats.newPacks);
    for (const object of sealed.objects) {
      const bytes = await readFile(join(repoDir, object.path));
      expect(bytes.length).toBe(object.size);
    }
    expect(await readdir(join(repoDir, 'journal'))).toEqual([]);

    expect(await restoreAndDescribe(repoDir, sealed.manifestId)).toEqual(await describeTree(source));
  });

  it('resumes after a crash: committed files are not read again, unrecorded packs and partial files are removed', async () => {
    const source = join(work, 'resume-src');
    await mkdir(source);
    for (let i = 0; i < 6; i++) await writeFile(join(source, `f${i}.bin`), Buffer.concat([randomBytes(700_000), textBytes(700_000, i + 1)]));
    const repoDir = join(work, 'repo-resume');
    const repo = await StagingRepository.create(repoDir, { packTargetBytes: 1024 * 1024 });
    const snapshotId = randomUUID();

    // First run: ingest three files, make them durable, then "crash" (no seal, no close).
    const first = await repo.startSnapshot({ snapshotId, kind: 'FULL', source });
    for (const name of ['f0.bin', 'f1.bin', 'f2.bin']) {
      const handle = await open(join(source, name), 'r');
      const stored = await first.storeContent({ read: async (into) => (await handle.read(into, 0, into.length)).bytesRead });
      await handle.close();
      const stat = await (await import('node:fs/promises')).stat(join(source, name));
      await first.addEntry({ type: 'file', path: name, mode: 0o644, mtimeMs: stat.mtimeMs, size: stored.size, sha256: stored.sha256, chunks: stored.chunks }, stored.requiredSeq);
    }
    await first.flush();
    await first.close();
    // What a kill leaves behind: a partial pack in tmp/, a renamed pack no journal line refers to,
    // and a torn last journal line.
    await writeFile(join(repoDir, 'tmp', 'dead.pack.partial'), randomBytes(1000));
    const orphanId = 'ab'.repeat(32);
    await mkdir(join(repoDir, 'packs', 'ab'), { recursive: true });
    await writeFile(join(repoDir, paths.pack(orphanId)), randomBytes(1000));
    await appendFile(join(repoDir, paths.journal(snapshotId)), '{"t":"entry","entry":{"type":"fi');

    const second = await repo.startSnapshot({ snapshotId, kind: 'FULL', source });
    expect(second.resumedEntries).toBe(3);
    expect(await readdir(join(repoDir, 'tmp'))).toEqual([]);
    expect(await readdir(join(repoDir, 'packs', 'ab')).catch(() => [])).not.toContain(`${orphanId}.pack`);
    const result = await ingestTree(second, source);
    expect(result.resumedFiles).toBe(3);
    expect(result.files).toBe(3);
    expect(second.counters.bytesRead).toBe(3 * 1_400_000);
    const sealed = await second.seal();
    expect(sealed.header.stats.files).toBe(6);
    expect(await restoreAndDescribe(repoDir, sealed.manifestId)).toEqual(await describeTree(source));
  });

  it('stores an incremental snapshot as the new chunks only, restorable on its own', async () => {
    const source = join(work, 'incr-src');
    await mkdir(source);
    await writeFile(join(source, 'big.bin'), randomBytes(8 * 1024 * 1024));
    const repoDir = join(work, 'repo-incr');
    const repo = await StagingRepository.create(repoDir);
    const full = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
    await ingestTree(full, source);
    const base = await full.seal();

    // Below the chunker's minimum size, so the new file is exactly one chunk whatever its bytes.
    await writeFile(join(source, 'new.bin'), randomBytes(200 * 1024));
    const incremental = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'INCREMENTAL', parentManifestId: base.manifestId, source });
    await ingestTree(incremental, source);
    const next = await incremental.seal();
    expect(next.header.stats.newChunks).toBe(1);
    expect(next.objects.some((object) => object.path === paths.config)).toBe(false);
    expect(next.header.indexes).toEqual([base.indexId, next.indexId]);
    expect(await restoreAndDescribe(repoDir, next.manifestId)).toEqual(await describeTree(source));
  });

  it('reports every awkward input with its defined behaviour and still restores what it stored', async () => {
    const source = join(work, 'awkward');
    await mkdir(join(source, 'dir.'), { recursive: true });
    await writeFile(join(source, 'plain.txt'), 'plain');
    await writeFile(join(source, 'dir.', 'inside.txt'), 'inside a folder whose name ends with a dot');
    await writeFile(join(source, 'back\\slash.txt'), 'backslash');
    await symlink('plain.txt', join(source, 'link-to-plain'));
    execFileSync('mkfifo', [join(source, 'a-fifo')]);
    const socketPath = join(source, 'a-socket');
    const server: Server = createServer();
    await new Promise<void>((resolveListen) => server.listen(socketPath, resolveListen));
    await writeFile(Buffer.concat([Buffer.from(`${source}/latin1-`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'not utf-8 name');
    await writeFile(join(source, 'locked.txt'), 'cannot be opened');
    await writeFile(join(source, 'growing.log'), 'line 1\n');

    const repoDir = join(work, 'repo-awkward');
    const repo = await StagingRepository.create(repoDir);
    const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
    const issues: IngestIssue[] = [];
    const { open: realOpen } = await import('node:fs/promises');
    await ingestTree(writer, source, {
      onIssue: (issue) => void issues.push(issue),
      // Tests run as root, which reads any file: inject the EACCES an unprivileged service would get,
      // and a writer that appends to growing.log whenever it is opened (so it changes while read).
      openFile: async (path) => {
        if (path.endsWith('locked.txt')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
        const handle = await realOpen(path, 'r');
        if (!path.endsWith('growing.log')) return handle;
        const read = handle.read.bind(handle) as (buffer: Buffer, offset: number, length: number, position: number) => Promise<{ bytesRead: number; buffer: Buffer }>;
        return Object.assign(handle, {
          read: async (buffer: Buffer, offset: number, length: number, position: number) => {
            const result = await read(buffer, offset, length, position);
            await appendFile(path, 'another line\n');
            return result;
          },
        });
      },
    });
    server.close();
    const sealed = await writer.seal();

    const byPath = new Map(issues.map((issue) => [issue.path, issue]));
    expect(byPath.get('a-fifo')).toMatchObject({ kind: IngestIssueKind.SPECIAL_FILE, outcome: 'SKIPPED', detail: expect.stringMatching(/a FIFO/) });
    expect(byPath.get('a-socket')).toMatchObject({ kind: IngestIssueKind.SPECIAL_FILE, outcome: 'SKIPPED', detail: expect.stringMatching(/a socket/) });
    expect(byPath.get('latin1-\\xe9.txt')).toMatchObject({ kind: IngestIssueKind.NAME_NOT_UTF8, outcome: 'SKIPPED' });
    expect(byPath.get('locked.txt')).toMatchObject({ kind: IngestIssueKind.UNREADABLE, outcome: 'SKIPPED', detail: expect.stringMatching(/EACCES/) });
    expect(byPath.get('link-to-plain')).toMatchObject({ kind: IngestIssueKind.SYMLINK, outcome: 'STORED' });
    expect(byPath.get('growing.log')).toMatchObject({ kind: IngestIssueKind.CHANGED_WHILE_READING, outcome: 'STORED_FLAGGED' });
    expect(byPath.get('back\\slash.txt')).toMatchObject({ kind: IngestIssueKind.NAME_NOT_BLOB_SAFE, outcome: 'STORED_FLAGGED' });
    expect(byPath.get('dir.')).toMatchObject({ kind: IngestIssueKind.NAME_NOT_BLOB_SAFE, detail: expect.stringMatching(/ends with a dot/) });
    expect(issues).toHaveLength(9);

    const reader = await StagingRepositoryReader.open(new LocalRepositorySource(repoDir));
    const target = join(work, 'awkward-restore');
    const report = await reader.restore(sealed.manifestId, target);
    expect(report.inconsistentFiles).toEqual(['growing.log']);
    const restored = await describeTree(target);
    expect([...restored.keys()].sort()).toEqual(['back\\slash.txt', 'dir.', 'dir./inside.txt', 'growing.log', 'link-to-plain', 'plain.txt']);
    expect(restored.get('link-to-plain')).toBe('link plain.txt');
    expect(await readFile(join(target, 'dir.', 'inside.txt'), 'utf8')).toBe('inside a folder whose name ends with a dot');
  });

  it('stops a restore when a stored byte was changed, naming the damaged chunk', async () => {
    const source = join(work, 'damage-src');
    await mkdir(source);
    await writeFile(join(source, 'data.txt'), textBytes(300_000, 7));
    const repoDir = join(work, 'repo-damage');
    const repo = await StagingRepository.create(repoDir);
    const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source });
    await ingestTree(writer, source);
    const sealed = await writer.seal();
    const pack = sealed.objects.find((object) => object.path.startsWith('packs/'));
    if (!pack) throw new Error('no pack staged');
    const handle = await open(join(repoDir, pack.path), 'r+');
    await handle.write(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, 40);
    await handle.close();
    const reader = await StagingRepositoryReader.open(new LocalRepositorySource(repoDir));
    await expect(reader.verify(sealed.manifestId)).rejects.toMatchObject({ code: StagingRepoErrorCode.INTEGRITY });
  });

  it('refuses to start a second snapshot while one is open, and to open a directory without a repository', async () => {
    const repoDir = join(work, 'repo-busy');
    const repo = await StagingRepository.create(repoDir);
    const open1 = await repo.startSnapshot({ snapshotId: 'one', kind: 'FULL', source: 'x' });
    await expect(repo.startSnapshot({ snapshotId: 'two', kind: 'FULL', source: 'x' })).rejects.toThrow(/Snapshot one is still open/);
    await open1.close();
    await expect(StagingRepository.open(join(work, 'nothing-here'))).rejects.toMatchObject({ code: StagingRepoErrorCode.NOT_A_REPOSITORY });
    await expect(StagingRepository.create(repoDir)).rejects.toMatchObject({ code: StagingRepoErrorCode.ALREADY_EXISTS });
  });

  it('scans a tree for the space check', async () => {
    const source = join(work, 'scan');
    await mkdir(join(source, 'a'), { recursive: true });
    await writeFile(join(source, 'a', 'x'), Buffer.alloc(1000));
    await writeFile(join(source, 'y'), Buffer.alloc(24));
    expect(await scanTree(source)).toEqual({ files: 2, dirs: 1, bytes: 1024 });
  });

  /** Journal lines of an open snapshot, in order. */
  async function journalLines(repoDir: string, snapshotId: string): Promise<Array<{ t: string; pack?: { chunks: Array<[string]> }; entry?: { chunks?: string[] } }>> {
    const raw = await readFile(join(repoDir, paths.journal(snapshotId)), 'utf8');
    return raw
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { t: string });
  }

  it('journals an entry only after every pack holding its chunks, while packs are committed in the background', async () => {
    const source = join(work, 'order-src');
    await generateCorpus(source, { smallFiles: 200, largeFiles: 4, largeFileBytes: 5 * 1024 * 1024, duplicates: 30 });
    const repoDir = join(work, 'repo-order');
    const repo = await StagingRepository.create(repoDir, { packTargetBytes: 1024 * 1024 });
    const snapshotId = randomUUID();
    const writer = await repo.startSnapshot({ snapshotId, kind: 'FULL', source });
    await ingestTree(writer, source);
    await writer.flush();
    await writer.close();

    const durable = new Set<string>();
    let entries = 0;
    let packs = 0;
    for (const line of await journalLines(repoDir, snapshotId)) {
      if (line.t === 'pack') {
        packs++;
        for (const [id] of line.pack?.chunks ?? []) durable.add(id);
      } else if (line.t === 'entry') {
        entries++;
        for (const id of line.entry?.chunks ?? []) expect(durable.has(id)).toBe(true);
      }
    }
    expect(packs).toBeGreaterThan(5);
    expect(entries).toBeGreaterThan(200);
  });

  it('fails the ingest with the cause when a pack cannot be written, and journals nothing that depends on it', async () => {
    const repoDir = join(work, 'repo-pack-fails');
    const repo = await StagingRepository.create(repoDir, { packTargetBytes: 1024 * 1024 });
    const snapshotId = randomUUID();
    const writer = await repo.startSnapshot({ snapshotId, kind: 'FULL', source: 'test' });
    // tmp/ replaced by a file: the background commit cannot create the pack's temporary file.
    await rm(join(repoDir, 'tmp'), { recursive: true });
    await writeFile(join(repoDir, 'tmp'), 'not a directory');
    const content = randomBytes(3 * 1024 * 1024);
    const attempt = async (): Promise<void> => {
      const stored = await writer.storeBuffer(content);
      await writer.addEntry({ type: 'file', path: 'big.bin', mode: 0o644, mtimeMs: 0, size: stored.size, sha256: stored.sha256, chunks: stored.chunks }, stored.requiredSeq);
      await writer.flush();
    };
    await expect(attempt()).rejects.toThrow(/Writing a pack failed: ENOTDIR/);
    await writer.close();
    expect((await journalLines(repoDir, snapshotId)).map((line) => line.t)).toEqual(['start']);
  });
});
