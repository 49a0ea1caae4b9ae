// The console's overview and a model page for 100 models × 10 monitors with 30 days of hourly check
// runs (720,000 runs), rendered by the real API over HTTP with a signed-in session. Prints p50/p95
// render time and the SQL queries each page ran (counted on pg's Client.query); the baseline,
// measured in the same run, is the JSON API call that returns the same rows: GET /v1/models for the
// overview, GET /v1/models/{name}/status for the model page.
//   npm run bench:console   (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL;
//                            BENCH_MODELS, default 100; BENCH_ITERATIONS, default 200)
import pg from 'pg';
import { ApiKeyService, createRootLogger, startAssay } from '@assay/common';
import { createApiApp } from '@assay/api';
import { Role } from '@assay/db';
import { benchConfig, createBenchDatabase } from './support/bench-database.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const MONITORS = 10;
const DAYS = 30;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

interface Measured {
  p50: number;
  p95: number;
  queries: number;
  bytes: number;
}

async function measure(fetchOnce: () => Promise<Response>): Promise<Measured> {
  const times: number[] = [];
  let perPage = 0;
  let bytes = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const before = queries;
    const start = performance.now();
    const response = await fetchOnce();
    const body = await response.text();
    const ms = performance.now() - start;
    if (response.status !== 200) throw new Error(`status ${response.status}: ${body.slice(0, 300)}`);
    if (i >= WARMUP) times.push(ms);
    perPage = queries - before;
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]!, queries: perPage, bytes };
}

const line = (label: string, m: Measured): string =>
  `  ${label.padEnd(44)} p50 ${m.p50.toFixed(1).padStart(6)} ms   p95 ${m.p95.toFixed(1).padStart(6)} ms   ${String(m.queries).padStart(3)} queries   ${(m.bytes / 1024).toFixed(0)} KiB\n`;

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_console');
  const { dataSource: setup, name: database } = bench;
  const config = benchConfig(bench, { ASSAY_CHECKPOINT_INTERVAL_MS: '600000', ASSAY_RATE_LIMIT_PER_MINUTE: '0' });
  const running = await startAssay({ api: createApiApp }, config, createRootLogger('warn'));
  try {
    const api = `http://127.0.0.1:${running.ports.api}`;
    const [{ id: projectId }] = await setup.query(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [`bench-${database}`]);
    const seedStart = performance.now();
    await setup.query(
      `INSERT INTO models (project_id, name) SELECT $1, 'model-' || lpad(i::text, 3, '0') FROM generate_series(1, $2) i`,
      [projectId, MODELS],
    );
    await setup.query(`INSERT INTO model_versions (model_id, version, lifecycle) SELECT id, 'v1', 'production' FROM models WHERE project_id = $1`, [projectId]);
    await setup.query(
      `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, threshold, window_type, window_size, min_samples, schedule_seconds)
       SELECT $1, m.id, 'signal_' || s, 'drift', 'signal_' || s, 'psi', 0.2, 'time', 3600, 100, 3600
         FROM models m CROSS JOIN generate_series(0, $2 - 1) s WHERE m.project_id = $1`,
      [projectId, MONITORS],
    );
    const to = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    await setup.query(
      `INSERT INTO check_runs (project_id, model_id, monitor_id, kind, trigger, signal, window_from, window_to, method, statistic,
                               correction, threshold, effect_size, n_reference, n_current, exact, verdict, reason, severity, details)
       SELECT $1, mo.model_id, mo.id, 'drift', 'schedule', mo.signal, t - interval '1 hour', t, 'psi', st,
              'none', 0.2, st, 10000, 5000, false, CASE WHEN st > 0.2 THEN 'drift' ELSE 'ok' END, 'PSI ' || round(st::numeric, 4) || ' vs 0.2', 'warning', '{}'
         FROM monitors mo
         CROSS JOIN LATERAL generate_series($2::timestamptz - make_interval(days => $3), $2::timestamptz, interval '1 hour') t
         CROSS JOIN LATERAL (SELECT 0.05 + 0.1 * abs(sin(extract(epoch FROM t) / 50000 + hashtext(mo.id::text) % 7)) + CASE WHEN random() < 0.001 THEN 0.3 ELSE 0 END AS st) v
        WHERE mo.project_id = $1`,
      [projectId, to, DAYS],
    );
    await setup.query(`ANALYZE`);
    const [{ n: runs }] = await setup.query(`SELECT count(*) AS n FROM check_runs`);
    process.stdout.write(`seeded ${MODELS} models × ${MONITORS} monitors, ${Number(runs).toLocaleString('en-US')} check runs over ${DAYS} days in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

    const { secret } = await running.apps.api!.get(ApiKeyService).issue({ projectId, role: Role.Owner, name: 'bench owner' });
    const page = await fetch(`${api}/console/sign-in`);
    const signInCookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    const formToken = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const signedIn = await fetch(`${api}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: signInCookie },
      body: new URLSearchParams({ _csrf: formToken, key: secret, next: '/' }),
      redirect: 'manual',
    });
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('assay_session='))!.split(';')[0]!;
    const asSession = { headers: { cookie: session } };
    const asKey = { headers: { authorization: `Bearer ${secret}` } };

    const overview = await measure(() => fetch(`${api}/`, asSession));
    const models = await measure(() => fetch(`${api}/v1/models`, asKey));
    const modelPage = await measure(() => fetch(`${api}/console/models/model-050?period=30d`, asSession));
    const status = await measure(() => fetch(`${api}/v1/models/model-050/status`, asKey));

    process.stdout.write(`\nconsole pages, ${ITERATIONS} sequential requests each after ${WARMUP} warm-up (goal p95 < 150 ms per page):\n`);
    process.stdout.write(line(`overview (${MODELS} models)`, overview));
    process.stdout.write(line('  baseline: GET /v1/models (JSON)', models));
    process.stdout.write(line(`model page (${MONITORS} monitors, 30 days)`, modelPage));
    process.stdout.write(line('  baseline: GET /v1/models/{name}/status', status));
  } finally {
    await running.close();
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
