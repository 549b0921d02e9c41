import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CorpusOptions {
  readonly smallFiles: number;
  readonly largeFiles: number;
  readonly largeFileBytes: number;
  /** How many of the files are byte-for-byte copies of others. */
  readonly duplicates: number;
}

/** Compressible text-like bytes (words from a small vocabulary), deterministic from the seed. */
export function textBytes(length: number, seed: number): Buffer {
  const words = ['seed', 'ship', 'azure', 'drive', 'blob', 'chunk', 'pack', 'backup', 'import', 'export', 'staging', 'restore'];
  const out = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  let at = 0;
  while (at < length) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const word = `${words[state % words.length] ?? 'x'}${state % 7 === 0 ? String(state % 1000) : ''}${state % 11 === 0 ? '\n' : ' '}`;
    at += out.write(word, at, 'latin1');
  }
  return out;
}

/**
 * Writes a tree with many small files in nested folders, a few large files (half random, half text,
 * so some data compresses and some does not) and exact duplicates.
 */
export async function generateCorpus(root: string, options: CorpusOptions): Promise<{ files: number; bytes: number }> {
  await mkdir(root, { recursive: true });
  const written: string[] = [];
  let bytes = 0;
  for (let i = 0; i < options.smallFiles; i++) {
    const dir = join(root, `dir-${i % 7}`, `sub-${i % 3}`);
    await mkdir(dir, { recursive: true });
    const size = (i * 7919) % 20_000;
    const data = i % 2 === 0 ? textBytes(size, i + 1) : randomBytes(size);
    const path = join(dir, `small-${i}.dat`);
    await writeFile(path, data);
    written.push(path);
    bytes += size;
  }
  for (let i = 0; i < options.largeFiles; i++) {
    const data = Buffer.concat([randomBytes(options.largeFileBytes >> 1), textBytes(options.largeFileBytes - (options.largeFileBytes >> 1), 1000 + i)]);
    const path = join(root, `large-${i}.bin`);
    await writeFile(path, data);
    written.push(path);
    bytes += data.length;
  }
  await mkdir(join(root, 'copies'), { recursive: true });
  for (let i = 0; i < options.duplicates; i++) {
    const original = written[(i * 13) % written.length] as string;
    const data = await readFile(original);
    await writeFile(join(root, 'copies', `copy-${i}.dat`), data);
    bytes += data.length;
  }
  return { files: written.length + options.duplicates, bytes };
}

export interface DescribeTreeOptions {
  /** Modification times are compared at this resolution: 1000 for a tree that went through tar. */
  readonly mtimeResolutionMs?: number;
}

/** Every file, directory and link under root, with content hashes, for byte-for-byte comparison. */
export async function describeTree(root: string, options: DescribeTreeOptions = {}): Promise<Map<string, string>> {
  const resolution = options.mtimeResolutionMs ?? 1;
  const out = new Map<string, string>();
  const walk = async (dir: string, relative: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative ? `${relative}/${name}` : name;
      const info = await lstat(path);
      if (info.isDirectory()) {
        out.set(rel, `dir ${(info.mode & 0o7777).toString(8)}`);
        await walk(path, rel);
      } else if (info.isSymbolicLink()) {
        out.set(rel, `link ${await readlink(path)}`);
      } else if (info.isFile()) {
        const hash = createHash('sha256').update(await readFile(path)).digest('hex');
        out.set(rel, `file ${info.size} ${(info.mode & 0o7777).toString(8)} ${Math.floor(info.mtimeMs / resolution) * resolution} ${hash}`);
      }
    }
  };
  await walk(root, '');
  return out;
}
