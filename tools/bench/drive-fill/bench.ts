/**
 * Drive fill throughput next to `dd` writing the same bytes to the same loop device, in the same run.
 *
 *   npx tsx --tsconfig tools/bench/drive-fill/tsconfig.json tools/bench/drive-fill/bench.ts [--gib 1] [--runs 2] [--threads N] [--direct-io on|off]
 *
 * Staged data: pack-sized files of random bytes (random data is what compressed packs look like, and
 * what XTS and MD5 cost the same on). Both contenders read them from the page cache. dd copies them
 * (`cat | dd bs=8M conv=fsync`) onto the device; prepareDrive partitions, formats, hashes, encrypts,
 * writes and fsyncs the same bytes (read-back verification is timed separately). Best of `--runs` each.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLoopDevice } from '@seedship/block-devices';
import { type DriveBlob, prepareDrive, verifyDrive } from '@seedship/drive-format';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const gib = Number(arg('gib', '1'));
const runs = Number(arg('runs', '2'));
const threads = Number(arg('threads', String(availableParallelism())));
// on: the loop device writes through to the disk below (like a real drive); off: into the page cache.
const directIo = arg('direct-io', 'on') === 'on';
const PACK_BYTES = 32 * 1024 * 1024;

interface Timing {
  seconds: number;
  /** CPU seconds (user + system) of every thread and child: steadier than wall time on a shared machine. */
  cpuSeconds: number;
}

async function timeDd(files: readonly string[], device: string): Promise<Timing> {
  const started = process.hrtime.bigint();
  const pipeline = `cat ${files.map((f) => `"${f}"`).join(' ')} | dd of=${device} bs=8M iflag=fullblock conv=fsync status=none`;
  const cpu = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    const child = spawn('bash', ['-c', `TIMEFORMAT='%U %S'; time ( ${pipeline} )`], { stdio: ['ignore', 'inherit', 'pipe'] });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.once('exit', (code) => {
      const [user, system] = stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? [];
      if (code === 0 && user !== undefined && system !== undefined) resolve(user + system);
      else reject(new Error(`dd exited with ${code ?? 'signal'}: ${stderr}`));
    });
  });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: cpu };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'seedship-bench-drive-'));
  const totalBytes = Math.round(gib * 1024 * 1024 * 1024);
  const blobs: DriveBlob[] = [];
  console.log(`Generating ${(totalBytes / 1048576).toFixed(0)} MiB of staged packs ...`);
  for (let i = 0, left = totalBytes; left > 0; i++, left -= PACK_BYTES) {
    const data = randomBytes(Math.min(PACK_BYTES, left));
    const sourcePath = join(work, `pack-${i}.pack`);
    await writeFile(sourcePath, data);
    blobs.push({ blobName: `bench/packs/${String(i).padStart(5, '0')}.pack`, sourcePath, size: data.length, md5: createHash('md5').update(data).digest('base64') });
  }
  const files = blobs.map((blob) => blob.sourcePath);
  execFileSync('sh', ['-c', `cat ${files.map((f) => `"${f}"`).join(' ')} > /dev/null`]);
  const deviceBytes = Math.ceil((totalBytes * 1.02 + 256 * 1024 * 1024) / 1048576) * 1048576;
  const loop = await createLoopDevice({ sizeBytes: deviceBytes, directory: work, directIo });
  const loadBefore = loadavg();
  const dd: Timing[] = [];
  const fill: Timing[] = [];
  let dataPassSeconds = 0;
  let verifySeconds = 0;
  try {
    for (let run = 0; run < runs; run++) {
      dd.push(await timeDd(files, loop.path));
      // The drive must look blank again for prepareDrive (dd left no signature, but be sure).
      execFileSync('wipefs', ['--all', '--quiet', loop.path]);
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      let writingSince = 0n;
      let dataPass = 0;
      const prepared = await prepareDrive({
        device: loop.path,
        driveId: 'BENCHDRIVE',
        container: 'bench',
        blobs,
        credential: { storageAccountKey: 'YmVuY2g=' },
        threads,
        verify: false,
        scratchDirectory: work,
      }, (progress) => {
        if (progress.phase === 'writing' && writingSince === 0n) writingSince = process.hrtime.bigint();
        if (progress.phase === 'finishing' && dataPass === 0) dataPass = Number(process.hrtime.bigint() - writingSince) / 1e9;
      });
      const cpu = process.cpuUsage(cpuBefore);
      fill.push({ seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
      if (dataPassSeconds === 0 || dataPass < dataPassSeconds) dataPassSeconds = dataPass;
      if (run === runs - 1) {
        const verifyStarted = process.hrtime.bigint();
        const report = await verifyDrive({ device: loop.path, recoveryPassword: prepared.recoveryPassword.toString(), manifestHash: prepared.manifestHash });
        verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;
        if (!report.ok) throw new Error(`verification failed: ${report.problems.join('; ')}`);
      }
      execFileSync('wipefs', ['--all', '--quiet', loop.path]);
    }
  } finally {
    await loop.detach();
    await rm(work, { recursive: true, force: true });
  }
  const best = (values: Timing[]): Timing => values.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const mib = totalBytes / 1048576;
  const row = (name: string, timing: Timing): string =>
    `| ${name} | ${timing.seconds.toFixed(2)} s | ${(mib / timing.seconds).toFixed(0)} MiB/s | ${timing.cpuSeconds.toFixed(2)} s | ${(mib / 1024 / timing.cpuSeconds).toFixed(2)} |`;
  console.log('');
  console.log(`data: ${mib.toFixed(0)} MiB in ${blobs.length} blobs; device: loop over a sparse file (direct I/O ${directIo ? 'on' : 'off'}), ${(deviceBytes / 1048576).toFixed(0)} MiB; ${availableParallelism()} CPUs, ${threads} encryption threads`);
  console.log(`load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`| contender | best of ${runs} | throughput | CPU time | GiB per CPU-second |`);
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('cat \\| dd bs=8M conv=fsync', best(dd)));
  console.log(row('prepareDrive (partition, NTFS, MD5, XTS-AES-128, manifest, fsync)', best(fill)));
  console.log('');
  console.log(`prepareDrive / dd throughput: ${(best(dd).seconds / best(fill).seconds).toFixed(2)}x (goal >= 0.9x)`);
  console.log(`prepareDrive data pass alone (read, MD5, encrypt, write): ${dataPassSeconds.toFixed(2)} s, ${(mib / dataPassSeconds).toFixed(0)} MiB/s`);
  console.log(`read-back verification (unlock, decrypt, MD5 of every block): ${verifySeconds.toFixed(2)} s, ${(mib / verifySeconds).toFixed(0)} MiB/s`);
  console.log(`all runs (s): dd ${dd.map((t) => t.seconds.toFixed(2)).join(', ')}; prepareDrive ${fill.map((t) => t.seconds.toFixed(2)).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
