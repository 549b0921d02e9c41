/**
 * Ingests an existing directory into a fresh staging repository and prints wall and CPU time, so a
 * profiler (`node --cpu-prof`) or a before/after comparison sees the ingest and not corpus generation.
 *
 *   npx tsx --tsconfig tools/bench/staging/tsconfig.json tools/bench/staging/ingest.ts <dir> [--runs 1]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ingestTree, StagingRepository } from '@seedship/staging-repo';

/** CPU seconds per thread name (Linux /proc), to see where the time goes: main, pool, workers, GC. */
async function threadCpu(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ticks = 100;
  for (const tid of await readdir('/proc/self/task').catch(() => [] as string[])) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticks;
    const key = tid === String(process.pid) ? 'main' : name;
    out.set(key, (out.get(key) ?? 0) + seconds);
  }
  return out;
}

async function main(): Promise<void> {
  const corpus = process.argv[2];
  if (!corpus) throw new Error('Usage: ingest.ts <corpus dir> [--runs N]');
  const at = process.argv.indexOf('--runs');
  const runs = at >= 0 ? Number(process.argv[at + 1]) : 1;
  for (let run = 0; run < runs; run++) {
    const work = await mkdtemp(join(tmpdir(), 'seedship-ingest-'));
    const threadsBefore = await threadCpu();
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const repo = await StagingRepository.create(join(work, 'repo'));
    const writer = await repo.startSnapshot({ snapshotId: randomUUID(), kind: 'FULL', source: corpus });
    await ingestTree(writer, corpus);
    const sealed = await writer.seal();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const gib = sealed.header.stats.sourceBytes / 2 ** 30;
    const stored = sealed.objects.reduce((sum, object) => sum + object.size, 0);
    console.log(
      `wall ${seconds.toFixed(2)} s (${(gib * 1024 / seconds).toFixed(0)} MiB/s); cpu user ${(cpu.user / 1e6).toFixed(2)} s + sys ${(cpu.system / 1e6).toFixed(2)} s = ${((cpu.user + cpu.system) / 1e6 / gib).toFixed(2)} s/GiB; stored ${(stored / 2 ** 20).toFixed(0)} MiB, ${sealed.header.stats.newPacks} packs`,
    );
    const threads = [...(await threadCpu())].map(([name, seconds]) => `${name} ${(seconds - (threadsBefore.get(name) ?? 0)).toFixed(2)}`);
    console.log(`  threads (cpu s, exited workers not counted): ${threads.join(', ')}`);
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
