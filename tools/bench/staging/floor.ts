/**
 * CPU cost per byte of each step a staging ingest must do, measured one at a time on this machine,
 * next to zstd -1 (the CLI, as the baseline runs it) on the same bytes: the floor under the ingest's
 * CPU per GiB. Each figure is the best of three runs (CPU time, not wall time).
 *
 *   npx tsx --tsconfig tools/bench/staging/tsconfig.json tools/bench/staging/floor.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Chunker, textBytes } from '@seedship/staging-repo';

const zstd = createRequire(__filename)('@mongodb-js/zstd/bindings') as { compress(data: Buffer, level: number): Promise<Buffer> };

const SIZE = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;

async function cpuNsPerByte(bytes: number, step: () => unknown): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const before = process.cpuUsage();
    await step();
    const used = process.cpuUsage(before);
    best = Math.min(best, ((used.user + used.system) * 1000) / bytes);
  }
  return best;
}

function cliNsPerByte(path: string, bytes: number): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const out = execFileSync('bash', ['-c', `zstd -1 -c "${path}" > /dev/null; times`]).toString().trim().split('\n').pop() ?? '';
    const seconds = out.split(/\s+/).reduce((sum, part) => {
      const match = /^(\d+)m([\d.]+)s$/.exec(part);
      return match ? sum + Number(match[1]) * 60 + Number(match[2]) : sum;
    }, 0);
    best = Math.min(best, (seconds * 1e9) / bytes);
  }
  return best;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'seedship-floor-'));
  const chunker = new Chunker();
  console.log('| step (per byte it applies to) | random | text |');
  console.log('| --- | --- | --- |');
  const rows = new Map<string, string[]>();
  const add = (name: string, value: number): void => void rows.set(name, [...(rows.get(name) ?? []), `${value.toFixed(2)} ns`]);
  for (const [kind, data] of [
    ['random', randomBytes(SIZE)],
    ['text', textBytes(SIZE, 1)],
  ] as const) {
    const path = join(work, kind);
    await writeFile(path, data);
    add('zstd -1, the CLI (baseline)', cliNsPerByte(path, SIZE));
    add('zstd level 1 on 1 MiB chunks (napi, libuv pool)', await cpuNsPerByte(SIZE, async () => {
      for (let at = 0; at < SIZE; at += CHUNK) await zstd.compress(data.subarray(at, at + CHUNK), 1);
    }));
    add('gear hash (content-defined cut points)', await cpuNsPerByte(SIZE, () => {
      for (let at = 0; at < SIZE; ) at += chunker.nextCut(data, at, SIZE, true);
    }));
    add('SHA-256 (chunk ids; again per multi-chunk file)', await cpuNsPerByte(SIZE, () => {
      for (let at = 0; at < SIZE; at += CHUNK) createHash('sha256').update(data.subarray(at, at + CHUNK)).digest();
    }));
    add('MD5 (per pack, for Azure)', await cpuNsPerByte(SIZE, () => {
      for (let at = 0; at < SIZE; at += CHUNK) createHash('md5').update(data.subarray(at, at + CHUNK)).digest();
    }));
  }
  for (const [name, values] of rows) console.log(`| ${name} | ${values.join(' | ')} |`);
  console.log(`(gear: per byte of input; it scans from the minimum chunk size on, about 80% of a large file's bytes)`);
  await rm(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
