import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { SmallFileReader } from './small-file-reader';

describe('SmallFileReader', () => {
  let work: string;
  const reader = new SmallFileReader();
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'seedship-reader-'));
  });
  afterAll(async () => {
    await reader.close();
    await rm(work, { recursive: true, force: true });
  });

  it('reads many files at once, each whole with the version before and after, in request order', async () => {
    const contents = Array.from({ length: 50 }, (_, i) => randomBytes(i * 997));
    await Promise.all(contents.map((content, i) => writeFile(join(work, `f${i}`), content)));
    const reads = await Promise.all(contents.map((_, i) => reader.read(join(work, `f${i}`))));
    for (const [i, read] of reads.entries()) {
      if (!read.ok) throw new Error(`f${i} was not read`);
      expect(read.content.equals(contents[i] as Buffer)).toBe(true);
      const info = await stat(join(work, `f${i}`), { bigint: true });
      expect(read.after).toEqual({ size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs, ino: info.ino, mode: info.mode });
      expect(read.before).toEqual(read.after);
    }
  });

  it('reports a file that cannot be opened or read with the phase and the error code', async () => {
    await mkdir(join(work, 'a-dir'));
    const [missing, directory] = await Promise.all([reader.read(join(work, 'missing')), reader.read(join(work, 'a-dir'))]);
    expect(missing).toMatchObject({ ok: false, phase: 'open', error: { code: 'ENOENT' } });
    expect(directory).toMatchObject({ ok: false, phase: 'read', error: { code: 'EISDIR' } });
    expect(!missing.ok && missing.error instanceof Error && missing.error.message).toMatch(/no such file or directory/);
  });
});
