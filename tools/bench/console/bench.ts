/**
 * Latency of the ops console's overview and job-list endpoints over a large fleet: 10,000 jobs and
 * 100,000 drives (plus snapshots, shipments, Azure observations and timelines in proportion), seeded
 * with SQL into a database of its own. The real service runs as a child process; requests go over HTTP
 * one at a time, as an operator's browser or the CLI sends them. Baseline in the same run: GET /health/ready
 * (one `SELECT 1` through the same stack), the floor any endpoint pays.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/bench/console/bench.ts [--jobs 10000] [--drives 100000] [--requests 200] [--keep]
 *
 * (libs/db pulls in Nest decorators, which tsx/esbuild cannot compile.) Needs DATABASE_URL and NATS_URL (eval "$(bash tools/dev/services start)"). Goal: p95 under 200 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

import { Client } from 'pg';

import { applyMigrations } from '@seedship/db';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const JOBS = Number(arg('jobs', '10000'));
const DRIVES = Number(arg('drives', '100000'));
const REQUESTS = Number(arg('requests', '200'));
const KEEP = process.argv.includes('--keep');
const ROOT = resolve(__dirname, '../../..');

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The fleet, in set-based SQL: each table in one INSERT ... SELECT over generate_series. */
async function seed(client: Client): Promise<void> {
  const states = [
    'STAGING', 'STAGED', 'AWAITING_DRIVES', 'PREPARING_DRIVES', 'DRIVES_READY', 'IMPORT_JOB_CREATED', 'SHIPPING',
    'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED', 'SEEDED', 'SEEDED', 'SEEDED',
    'FAILED', 'CANCELLED',
  ];
  await client.query(
    `INSERT INTO seeding_job (id, import_job_name, state, failure_reason, failed_in_state, subscription_id, resource_group,
                              storage_account, container, location, staging_location, bytes_needing_drives, created_at, updated_at)
     SELECT gen_random_uuid(), 'bench-job-' || i, s.state::job_state,
            CASE WHEN s.state = 'FAILED' THEN 'drive failed read-back' END,
            CASE WHEN s.state = 'FAILED' THEN 'PREPARING_DRIVES'::job_state END,
            '00000000-0000-0000-0000-000000000001', 'rg', 'benchstore', 'seed', 'westeurope', '/staging/' || i,
            CASE WHEN s.state = 'AWAITING_DRIVES' THEN 2000000000000 ELSE 0 END,
            now() - (i || ' minutes')::interval, now() - ((i % 4000) || ' minutes')::interval
     FROM generate_series(1, $1::int) i
     CROSS JOIN LATERAL (SELECT ($2::text[])[1 + (i % array_length($2::text[], 1))] AS state) s`,
    [JOBS, states],
  );
  await client.query(
    `INSERT INTO staging_snapshot (id, job_id, kind, state, file_count, source_bytes, stored_bytes, sealed_at)
     SELECT gen_random_uuid(), id, 'FULL', 'SEALED', 100000, 4000000000000 + (random() * 1e12)::bigint, 2000000000000, now()
     FROM seeding_job WHERE state NOT IN ('STAGING')`,
  );
  await client.query(
    `INSERT INTO copy_node (id, node_name, agent_version, last_heartbeat_at)
     SELECT gen_random_uuid(), 'copy-node-' || n, '0.1.0', now() - CASE WHEN n % 25 = 0 THEN interval '1 hour' ELSE interval '5 seconds' END
     FROM generate_series(1, 50) n`,
  );
  await client.query(
    `INSERT INTO bay (id, node_id, slot, label)
     SELECT gen_random_uuid(), c.id, 'pci-0000:00:17.0-ata-' || b, 'Bay ' || b FROM copy_node c CROSS JOIN generate_series(1, 8) b`,
  );
  // Drives spread over the jobs; the state follows the job's (written and on a node, shipped, ...).
  await client.query(
    `WITH jobs AS (SELECT id, state, row_number() OVER (ORDER BY created_at) AS rn FROM seeding_job),
          job_count AS (SELECT count(*) AS n FROM jobs)
     INSERT INTO drive (id, serial_number, model, transport, size_bytes, logical_sector_size, rotational, state, job_id,
                        bytes_planned, bytes_written, created_at, updated_at)
     SELECT gen_random_uuid(), 'BENCH-' || d, 'WDC WD80EFZZ', 'sata', 8000000000000, 512, true,
            (CASE
               WHEN j.state IN ('PREPARING_DRIVES') THEN (ARRAY['CLAIMED','WRITING','VERIFYING','READY'])[1 + d % 4]
               WHEN j.state IN ('DRIVES_READY', 'IMPORT_JOB_CREATED') THEN 'READY'
               WHEN j.state IN ('STAGING', 'STAGED', 'AWAITING_DRIVES') THEN 'AVAILABLE'
               WHEN j.state = 'FAILED' THEN 'FAILED'
               ELSE 'SHIPPED' END)::drive_state,
            CASE WHEN j.state IN ('STAGING', 'STAGED', 'AWAITING_DRIVES') THEN NULL ELSE j.id END,
            7000000000000, (random() * 7e12)::bigint, now() - (d || ' seconds')::interval, now() - ((d % 5000) || ' seconds')::interval
     FROM generate_series(1, $1::int) d
     JOIN job_count ON true
     JOIN jobs j ON j.rn = 1 + (d % job_count.n)`,
    [DRIVES],
  );
  // Put the drives that are on nodes into bays, one per bay at most (bays are few).
  await client.query(
    `WITH on_nodes AS (SELECT id, row_number() OVER (ORDER BY created_at DESC) AS rn FROM drive
                       WHERE state IN ('CLAIMED','WRITING','VERIFYING','READY','FAILED') ),
          bays AS (SELECT id, node_id, row_number() OVER (ORDER BY node_id, slot) AS rn FROM bay)
     UPDATE drive d SET bay_id = b.id, node_id = b.node_id FROM on_nodes o JOIN bays b ON b.rn = o.rn WHERE d.id = o.id`,
  );
  await client.query(
    `INSERT INTO shipment (id, job_id, direction, carrier_name, tracking_number, drive_count, ship_date, arrival_deadline, carrier_status, delivered_at, updated_at)
     SELECT gen_random_uuid(), id, 'DELIVERY', 'DHL', 'BENCH' || lpad(row_number() OVER ()::text, 12, '0'), 10,
            current_date - 5 - (row_number() OVER () % 20)::int, current_date - 5 - (row_number() OVER () % 20)::int + 14, 'InTransit',
            CASE WHEN state IN ('SHIPPING', 'DRIVES_READY', 'IMPORT_JOB_CREATED') THEN NULL ELSE now() END, now()
     FROM seeding_job WHERE state IN ('SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED')`,
  );
  await client.query(
    `INSERT INTO azure_job_status (job_id, provider, azure_state, percent_complete, raw, observed_at)
     SELECT j.id, 'DATABOX_CUSTOMER_DISK', 'DataCopy', 10 * k, '{}'::jsonb, now() - ((10 - k) || ' hours')::interval
     FROM seeding_job j CROSS JOIN generate_series(1, 3) k
     WHERE j.state IN ('SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED')`,
  );
  await client.query(
    `INSERT INTO azure_drive_status (job_id, drive_id, azure_drive_id, azure_state, copy_status, percent_complete, bytes_succeeded, raw, observed_at)
     SELECT d.job_id, d.id, d.serial_number, 'Transferring', 'InProgress', 50, d.bytes_written / 2, '{}'::jsonb, now() - (k || ' hours')::interval
     FROM drive d CROSS JOIN generate_series(1, 2) k JOIN seeding_job j ON j.id = d.job_id
     WHERE d.state = 'SHIPPED' AND j.state IN ('TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED')`,
  );
  await client.query(
    `INSERT INTO job_timeline_entry (job_id, actor, action, from_state, to_state, at)
     SELECT id, 'system:bench', 'state-changed', 'DRAFT', 'STAGING', now() - (k || ' hours')::interval
     FROM seeding_job CROSS JOIN generate_series(1, 5) k`,
  );
  await client.query('ANALYZE');
}

async function startService(env: Record<string, string>): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/ops-console/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'), PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`ops-console did not start:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /"port":(\d+).*ops-console listening|ops-console listening.*"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1] ?? match[2]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`ops-console exited with ${code ?? 'a signal'}:\n${output}`)));
  });
  return { baseUrl: `http://127.0.0.1:${port}`, child };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(label: string, url: string, token: string): Promise<{ label: string; p50: number; p95: number; max: number; bytes: number }> {
  const headers = { authorization: `Bearer ${token}` };
  let bytes = 0;
  for (let i = 0; i < 10; i++) {
    const warm = await fetch(url, { headers });
    if (!warm.ok) throw new Error(`${label}: HTTP ${warm.status} ${await warm.text()}`);
    await warm.arrayBuffer();
  }
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(url, { headers });
    const body = await response.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] ?? Number.NaN, bytes };
}

async function main(): Promise<void> {
  const adminUrl = process.env['DATABASE_URL'];
  const natsUrl = process.env['NATS_URL'];
  if (!adminUrl || !natsUrl) throw new Error('Set DATABASE_URL and NATS_URL: eval "$(bash tools/dev/services start)"');
  const name = `seedship_bench_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let service: { baseUrl: string; child: ChildProcess } | undefined;
  try {
    await applyMigrations({ connectionString: databaseUrl });
    const seedStarted = Date.now();
    await withClient(databaseUrl, seed);
    const counts = await withClient(databaseUrl, async (client) =>
      (await client.query<{ jobs: string; drives: string }>('SELECT (SELECT count(*) FROM seeding_job) AS jobs, (SELECT count(*) FROM drive) AS drives')).rows[0],
    );
    console.log(`seeded ${counts?.jobs} jobs and ${counts?.drives} drives in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    const token = randomBytes(24).toString('hex');
    service = await startService({
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      NATS_NAMESPACE: `bench${randomBytes(3).toString('hex')}`,
      SECRETS_MASTER_KEY: randomBytes(32).toString('hex'),
      CONSOLE_TOKENS: `bench:viewer:${createHash('sha256').update(token).digest('hex')}`,
    });
    const before = loadavg()[0] ?? 0;
    const results = [
      await measure('baseline GET /health/ready', `${service.baseUrl}/health/ready`, token),
      await measure('GET /api/overview', `${service.baseUrl}/api/overview`, token),
      await measure('GET /api/jobs?limit=50', `${service.baseUrl}/api/jobs?limit=50`, token),
      await measure('GET /api/jobs?state=SHIPPING,FAILED&limit=50', `${service.baseUrl}/api/jobs?state=SHIPPING,FAILED&limit=50`, token),
    ];
    const after = loadavg()[0] ?? 0;
    console.log(`${REQUESTS} sequential requests each, after 10 warm-up requests; load average ${before.toFixed(2)} -> ${after.toFixed(2)}`);
    console.log('endpoint'.padEnd(48), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'max ms'.padStart(8), 'body KiB'.padStart(9));
    for (const result of results) {
      console.log(
        result.label.padEnd(48),
        result.p50.toFixed(1).padStart(8),
        result.p95.toFixed(1).padStart(8),
        result.max.toFixed(1).padStart(8),
        (result.bytes / 1024).toFixed(1).padStart(9),
      );
    }
    const worst = Math.max(...results.slice(1).map((result) => result.p95));
    console.log(`goal p95 < 200 ms: ${worst < 200 ? 'met' : 'NOT met'} (worst p95 ${worst.toFixed(1)} ms)`);
  } finally {
    if (service) {
      service.child.kill('SIGTERM');
      await new Promise((resolveExit) => service?.child.once('exit', resolveExit));
    }
    if (KEEP) console.log(`kept database ${databaseUrl}`);
    else await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
