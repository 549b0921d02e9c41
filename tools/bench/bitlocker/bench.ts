/**
 * BitLocker encryption throughput on this machine, next to the baseline measured in the same run:
 * Node's aes-128-xts over 4 KiB data units (one createCipheriv per unit).
 *
 *   npx tsx --tsconfig tools/bench/bitlocker/tsconfig.json tools/bench/bitlocker/bench.ts [MiB per case]
 *   (or: NX_DAEMON=false npx nx run bench-bitlocker:bench)
 *
 * Other processes share the cores, so the load average is printed before and after; run it when the
 * machine is quiet. No figure here is asserted anywhere.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';

import { XtsWorkerPool, xtsEncryptSectors } from '@seedship/bitlocker';

const TOTAL_MIB = Number(process.argv[2] ?? 256);
const CHUNK = 4 * 1024 * 1024;
const TOTAL = TOTAL_MIB * 1024 * 1024;
const key = randomBytes(32);
const chunk = randomBytes(CHUNK);

function gbps(bytes: number, ns: bigint): number {
  return bytes / (Number(ns) / 1e9) / 1e9;
}

interface Figure {
  /** Wall-clock throughput, best of three runs. */
  wall: number;
  /** Bytes per CPU-second of this process (all threads): less sensitive to other load on the machine. */
  perCpuSecond: number;
}

async function measure(body: () => Promise<void> | void): Promise<Figure> {
  await body(); // warm-up (JIT, worker start)
  let wall = 0;
  let perCpuSecond = 0;
  for (let run = 0; run < 3; run++) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await body();
    wall = Math.max(wall, gbps(TOTAL, process.hrtime.bigint() - started));
    const used = process.cpuUsage(cpu);
    perCpuSecond = Math.max(perCpuSecond, TOTAL / ((used.user + used.system) / 1e6) / 1e9);
  }
  return { wall, perCpuSecond };
}

function nodeXtsPerUnit(unit: number): void {
  const iv = Buffer.alloc(16);
  for (let done = 0, sector = 0; done < TOTAL; done += CHUNK) {
    for (let offset = 0; offset < CHUNK; offset += unit, sector++) {
      iv.writeUInt32LE(sector, 0);
      const cipher = createCipheriv('aes-128-xts', key, iv);
      cipher.update(chunk.subarray(offset, offset + unit));
      cipher.final();
    }
  }
}

function batchedOneThread(sectorSize: number): void {
  for (let done = 0; done < TOTAL; done += CHUNK) xtsEncryptSectors(key, chunk, done / sectorSize, sectorSize);
}

/** The writer's pattern: a few chunks in flight on the pool. */
async function pooled(pool: XtsWorkerPool, sectorSize: number): Promise<void> {
  const inFlight: Promise<Buffer>[] = [];
  for (let done = 0; done < TOTAL; done += CHUNK) {
    inFlight.push(pool.encrypt(key, chunk, done / sectorSize, sectorSize));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  const threads = availableParallelism();
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`BitLocker encryption benchmark: ${TOTAL_MIB} MiB per case in ${CHUNK / 1048576} MiB chunks, best of 3, ${threads} cores`);
  console.log(`load average before: ${loadBefore}`);

  const baseline = await measure(() => nodeXtsPerUnit(4096));
  const rows: [string, Figure][] = [['baseline: node aes-128-xts, one call per 4 KiB unit (1 thread)', baseline]];
  rows.push(['node aes-128-xts, one call per 512-byte sector (1 thread)', await measure(() => nodeXtsPerUnit(512))]);
  rows.push(['batched XTS-AES-128, 512-byte sectors (1 thread)', await measure(() => batchedOneThread(512))]);
  rows.push(['batched XTS-AES-128, 4096-byte sectors (1 thread)', await measure(() => batchedOneThread(4096))]);
  const pool = new XtsWorkerPool(threads);
  try {
    rows.push([`batched XTS-AES-128, 512-byte sectors (${threads} worker threads)`, await measure(() => pooled(pool, 512))]);
    rows.push([`batched XTS-AES-128, 4096-byte sectors (${threads} worker threads)`, await measure(() => pooled(pool, 4096))]);
  } finally {
    await pool.close();
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${''.padEnd(width)}  wall GB/s  vs baseline  GB per CPU-second  vs baseline`);
  for (const [name, value] of rows) {
    console.log(
      `${name.padEnd(width)}  ${value.wall.toFixed(3).padStart(9)}  ${(value.wall / baseline.wall).toFixed(2).padStart(10)}×  ${value.perCpuSecond
        .toFixed(3)
        .padStart(17)}  ${(value.perCpuSecond / baseline.perCpuSecond).toFixed(2).padStart(10)}×`,
    );
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('target: ≥ 0.55 GB/s for 512-byte sectors (SATA III SSD write speed)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
