/**
 * Staging ingest throughput next to `tar -c | zstd -1` (gzip -1 when zstd is not installed) on the
 * same generated corpus, in the same run, plus the dedup ratio.
 *
 *   npx tsx tools/bench/staging/bench.ts [--gib 1] [--runs 2] [--keep] [--corpus DIR]
 *
 * The corpus is written once to a temporary directory (or to --corpus DIR, and reused when DIR holds
 * one already) and read by both contenders from the page cache (it is small enough to stay there),
 * so the figures compare CPU work, not the disk. Each contender runs `--runs` times, alternating; the
 * best run of each is reported, with its CPU time (user + system, all threads or processes) per GiB:
 * on a shared machine the wall time is noisy, the CPU time much less so.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateCorpus, ingestTree, StagingRepository } from '@seedship/staging-repo';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const gib = Number(arg('gib', '1'));
const runs = Number(arg('runs', '2'));
const keep = process.argv.includes('--keep');
const corpusArg = arg('corpus', '');

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Timed {
  readonly seconds: number;
  /** User + system CPU seconds. */
  readonly cpuSeconds: number;
}

/** Seconds from the shell's `times` line for its children ("1m2.5s 0m0.25s"). */
function parseTimes(line: string): number {
  return line
    .trim()
    .split(/\s+/)
    .reduce((sum, part) => {
      const match = /^(\d+)m([\d.]+)s$/.exec(part);
      return match ? sum + Number(match[1]) * 60 + Number(match[2]) : sum;
    }, 0);
}

async function timeBaseline(corpus: string, out: string, compressor: string): Promise<Timed & { outBytes: number }> {
  const started = process.hrtime.bigint();
  // `times` prints the shell's own CPU time, then its children's: tar and the compressor.
  const timesOutput = await new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', `tar -c -C "${corpus}" . | ${compressor} -1 -c > "${out}"; times`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`baseline exited with ${code ?? 'signal'}`))));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const outBytes = Number(execFileSync('stat', ['-c', '%s', out]).toString().trim());
  return { seconds, cpuSeconds: parseTimes(timesOutput.trim().split('\n').pop() ?? ''), outBytes };
}

async function timeSeedship(corpus: string, repoDir: string): Promise<Timed & { storedBytes: number; chunkRefBytes: number; uniqueChunkBytes: number }> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const repo = await StagingRepository.create(repoDir);
  const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source: corpus });
  await ingestTree(writer, corpus);
  const sealed = await writer.seal();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    storedBytes: sealed.objects.reduce((sum, object) => sum + object.size, 0),
    chunkRefBytes: sealed.header.stats.sourceBytes,
    uniqueChunkBytes: writer.counters.newRawBytes,
  };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'seedship-bench-'));
  const corpusDir = corpusArg || join(work, 'corpus');
  const largeFileBytes = 64 * 1024 * 1024;
  const largeFiles = Math.max(1, Math.round((gib * 1024 * 1024 * 1024 * 0.75) / largeFileBytes));
  const smallFiles = Math.round((gib * 1024 * 1024 * 1024 * 0.15) / 10_000);
  const duplicates = Math.round(smallFiles / 10) + 2;
  console.log(`Generating corpus: ${smallFiles} small files (0-20 KB), ${largeFiles} files of 64 MiB (half random, half text), ${duplicates} duplicates ...`);
  const reuse = corpusArg !== '' && (await readdir(corpusArg).catch(() => [])).length > 0;
  const corpus = reuse ? measureTree(corpusDir) : await generateCorpus(corpusDir, { smallFiles, largeFiles, largeFileBytes, duplicates });
  if (reuse) console.log(`(reusing the corpus in ${corpusDir})`);
  const mib = corpus.bytes / 1024 / 1024;
  execFileSync('sh', ['-c', `cat $(find "${corpusDir}" -type f | head -1000) > /dev/null; tar -c -C "${corpusDir}" . > /dev/null`]);

  const compressor = hasCommand('zstd') ? 'zstd' : 'gzip';
  const baseline: Array<Awaited<ReturnType<typeof timeBaseline>>> = [];
  const seedship: Array<Awaited<ReturnType<typeof timeSeedship>>> = [];
  for (let run = 0; run < runs; run++) {
    const out = join(work, `baseline-${run}.tar.${compressor === 'zstd' ? 'zst' : 'gz'}`);
    baseline.push(await timeBaseline(corpusDir, out, compressor));
    await rm(out, { force: true });
    const repoDir = join(work, `repo-${run}`);
    seedship.push(await timeSeedship(corpusDir, repoDir));
    await rm(repoDir, { recursive: true, force: true });
  }
  const bestBaseline = baseline.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const bestSeedship = seedship.reduce((a, b) => (a.seconds <= b.seconds ? a : b));

  const rate = (seconds: number): string => `${(mib / seconds).toFixed(0)} MiB/s`;
  const cpuPerGib = (run: Timed): string => `${(run.cpuSeconds / (corpus.bytes / 2 ** 30)).toFixed(2)} s`;
  console.log('');
  console.log(`corpus: ${corpus.files} files, ${mib.toFixed(0)} MiB; machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`| contender | best of ${runs} | throughput | CPU per GiB | output | output / input |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| tar -c \\| ${compressor} -1 | ${bestBaseline.seconds.toFixed(2)} s | ${rate(bestBaseline.seconds)} | ${cpuPerGib(bestBaseline)} | ${(bestBaseline.outBytes / 1048576).toFixed(0)} MiB | ${(bestBaseline.outBytes / corpus.bytes).toFixed(3)} |`,
  );
  console.log(
    `| seedship staging ingest | ${bestSeedship.seconds.toFixed(2)} s | ${rate(bestSeedship.seconds)} | ${cpuPerGib(bestSeedship)} | ${(bestSeedship.storedBytes / 1048576).toFixed(0)} MiB | ${(bestSeedship.storedBytes / corpus.bytes).toFixed(3)} |`,
  );
  console.log('');
  console.log(`dedup ratio (logical bytes / unique chunk bytes): ${(bestSeedship.chunkRefBytes / bestSeedship.uniqueChunkBytes).toFixed(3)}`);
  console.log(`seedship / baseline throughput: ${(bestBaseline.seconds / bestSeedship.seconds).toFixed(2)}x; CPU per byte: ${(bestSeedship.cpuSeconds / bestBaseline.cpuSeconds).toFixed(2)}x the baseline's`);
  const all = (list: Timed[]): string => list.map((r) => `${r.seconds.toFixed(2)} (cpu ${r.cpuSeconds.toFixed(2)})`).join(', ');
  console.log(`all runs (s): baseline ${all(baseline)}; seedship ${all(seedship)}`);
  if (keep) console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

/** Files and bytes of an existing corpus. */
function measureTree(root: string): { files: number; bytes: number } {
  const [files, bytes] = execFileSync('sh', ['-c', `find "${root}" -type f | wc -l; find "${root}" -type f -printf '%s\\n' | awk '{ s += $1 } END { print s }'`])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  return { files: files ?? 0, bytes: bytes ?? 0 };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
