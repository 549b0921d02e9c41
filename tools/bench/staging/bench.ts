/**
 * Staging ingest throughput next to `tar -c | zstd -1` (gzip -1 when zstd is not installed) on the
 * same generated corpus, in the same run, plus the dedup ratio.
 *
 *   npx tsx tools/bench/staging/bench.ts [--gib 1] [--runs 2] [--keep]
 *
 * The corpus is written once to a temporary directory and read by both contenders from the page
 * cache (it is small enough to stay there), so the figures compare CPU work, not the disk. Each
 * contender runs `--runs` times, alternating; the best run of each is reported.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function timeBaseline(corpus: string, out: string, compressor: string): Promise<{ seconds: number; outBytes: number }> {
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', `tar -c -C "${corpus}" . | ${compressor} -1 -c > "${out}"`], { stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`baseline exited with ${code ?? 'signal'}`))));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const outBytes = Number(execFileSync('stat', ['-c', '%s', out]).toString().trim());
  return { seconds, outBytes };
}

async function timeSeedship(corpus: string, repoDir: string): Promise<{ seconds: number; storedBytes: number; chunkRefBytes: number; uniqueChunkBytes: number }> {
  const started = process.hrtime.bigint();
  const repo = await StagingRepository.create(repoDir);
  const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source: corpus });
  await ingestTree(writer, corpus);
  const sealed = await writer.seal();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    seconds,
    storedBytes: sealed.objects.reduce((sum, object) => sum + object.size, 0),
    chunkRefBytes: sealed.header.stats.sourceBytes,
    uniqueChunkBytes: writer.counters.newRawBytes,
  };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'seedship-bench-'));
  const corpusDir = join(work, 'corpus');
  const largeFileBytes = 64 * 1024 * 1024;
  const largeFiles = Math.max(1, Math.round((gib * 1024 * 1024 * 1024 * 0.75) / largeFileBytes));
  const smallFiles = Math.round((gib * 1024 * 1024 * 1024 * 0.15) / 10_000);
  const duplicates = Math.round(smallFiles / 10) + 2;
  console.log(`Generating corpus: ${smallFiles} small files (0-20 KB), ${largeFiles} files of 64 MiB (half random, half text), ${duplicates} duplicates ...`);
  const corpus = await generateCorpus(corpusDir, { smallFiles, largeFiles, largeFileBytes, duplicates });
  const mib = corpus.bytes / 1024 / 1024;
  execFileSync('sh', ['-c', `cat $(find "${corpusDir}" -type f | head -1000) > /dev/null; tar -c -C "${corpusDir}" . > /dev/null`]);

  const compressor = hasCommand('zstd') ? 'zstd' : 'gzip';
  const baseline: Array<{ seconds: number; outBytes: number }> = [];
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
  console.log('');
  console.log(`corpus: ${corpus.files} files, ${mib.toFixed(0)} MiB; machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`| contender | best of ${runs} | throughput | output | output / input |`);
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| tar -c \\| ${compressor} -1 | ${bestBaseline.seconds.toFixed(2)} s | ${rate(bestBaseline.seconds)} | ${(bestBaseline.outBytes / 1048576).toFixed(0)} MiB | ${(bestBaseline.outBytes / corpus.bytes).toFixed(3)} |`,
  );
  console.log(
    `| seedship staging ingest | ${bestSeedship.seconds.toFixed(2)} s | ${rate(bestSeedship.seconds)} | ${(bestSeedship.storedBytes / 1048576).toFixed(0)} MiB | ${(bestSeedship.storedBytes / corpus.bytes).toFixed(3)} |`,
  );
  console.log('');
  console.log(`dedup ratio (logical bytes / unique chunk bytes): ${(bestSeedship.chunkRefBytes / bestSeedship.uniqueChunkBytes).toFixed(3)}`);
  console.log(`seedship / baseline throughput: ${(bestBaseline.seconds / bestSeedship.seconds).toFixed(2)}x`);
  console.log(`all runs (s): baseline ${baseline.map((r) => r.seconds.toFixed(2)).join(', ')}; seedship ${seedship.map((r) => r.seconds.toFixed(2)).join(', ')}`);
  if (keep) console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
