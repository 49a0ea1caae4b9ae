// The tiering report at scale: a 30-day window of 10M samples over 200 journeys and 6 models, with the
// journey counts, signal profiles and hourly input sketches the ingest writes beside them, generated in
// SQL into a fresh database with the real migrations. Prints the report's build time and the process's
// peak RSS against same-run baselines: a bare count(*) of the window's samples and a bare scan that reads
// one signal of each.
//   npm run bench:tiering   (BENCH_SAMPLES, default 10,000,000; BENCH_KEEP=1 keeps the database; BENCH_PG_ADMIN_URL)
import { createHash } from 'node:crypto';
import { ModelRepository, PriceCatalogRepository, ProjectRepository, TieringRepository } from '@assay/db';
import { DistinctSketch, encodeDistinctRegisters } from '@assay/stats';
import { TieringService } from '@assay/tiering';
import { benchConfig, createBenchDatabase } from './support/bench-database.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10_000_000);
const JOURNEYS = 200;
const MODELS = 6;
const DAYS = 30;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SKETCH_TEMPLATES = 64;

// Models 0–3 are OpenAI's, 4–5 Anthropic's; each journey has a main model and a cheaper second one
// taking a third of its calls; half of the journeys are sampled at 50%.
const MODEL_NAMES = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-nano', 'claude-sonnet', 'claude-haiku'];

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_tiering');
  const { dataSource: db } = bench;
  const to = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  const from = new Date(to.getTime() - DAYS * DAY_MS);
  try {
    const [{ id: projectId }] = await db.query(`INSERT INTO projects (name) VALUES ('bench-tiering') RETURNING id`);
    const modelIds: string[] = [];
    for (const name of MODEL_NAMES) modelIds.push((await db.query(`INSERT INTO models (project_id, name) VALUES ($1, $2) RETURNING id`, [projectId, name]))[0].id);
    await db.query(
      `INSERT INTO price_catalog (project_id, provider, model, input_per_million, output_per_million)
       SELECT $1, CASE WHEN n LIKE 'claude%' THEN 'anthropic' ELSE 'openai' END, n, p, p * 4 FROM unnest($2::text[], $3::numeric[]) AS x(n, p)`,
      [projectId, MODEL_NAMES, [2.5, 0.15, 2, 0.1, 3, 0.8]],
    );
    const seedStart = performance.now();
    await seed(db, projectId, modelIds, from);
    process.stdout.write(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s\n`);

    const bare = async (label: string, sql: string): Promise<string> => {
      const start = performance.now();
      const [row] = await db.query(sql, [projectId, from, to]);
      return `${label}: ${((performance.now() - start) / 1000).toFixed(2)} s (${Object.values(row as object)[0]} rows)`;
    };
    const count = await bare('baseline, bare count(*) of the window', `SELECT count(*) FROM samples WHERE project_id = $1 AND time >= $2 AND time < $3`);
    const scan = await bare('baseline, bare scan reading one signal', `SELECT count(signals ->> 'latency_ms') FROM samples WHERE project_id = $1 AND time >= $2 AND time < $3`);

    const config = benchConfig(bench, { ASSAY_RETENTION_DAYS: String(DAYS) });
    const sut = new TieringService(config, new ProjectRepository(db), new ModelRepository(db), new PriceCatalogRepository(db), new TieringRepository(db));
    const runs: number[] = [];
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    let summary = '';
    for (let run = 0; run < 2; run++) {
      const start = performance.now();
      const report = await sut.report(projectId, { from, to });
      runs.push((performance.now() - start) / 1000);
      const decisions = report.journeys.flatMap((j) => j.decisions);
      const byVerdict = new Map<string, number>();
      for (const d of decisions) byVerdict.set(d.verdict, (byVerdict.get(d.verdict) ?? 0) + 1);
      const verdicts = [...byVerdict].map(([v, n]) => `${v} ${n}`).join(', ');
      summary = `${report.journeys.length} journeys, ${report.journeys.reduce((n, j) => n + j.calls, 0)} calls, ${decisions.length} decisions (${verdicts}), ${report.providers.length} providers, hhi ${report.hhi.toFixed(3)}`;
    }
    clearInterval(sampler);
    const repository = new TieringRepository(db);
    const phase = async (work: () => Promise<unknown>): Promise<string> => {
      const start = performance.now();
      await work();
      return `${((performance.now() - start) / 1000).toFixed(2)} s`;
    };
    const names = await repository.qualitySignalNames(modelIds, from, to);
    const phases = [
      `quality signal names ${await phase(() => repository.qualitySignalNames(modelIds, from, to))}`,
      `samples and counts ${await phase(() => repository.readWindow(projectId, from, to, names.filter((n) => n.endsWith('.score')), names.filter((n) => n.endsWith('.label'))))}`,
      `input sketches ${await phase(() => repository.visitInputSketches(projectId, from, to, () => undefined))}`,
    ].join(', ');
    const cpus = (await import('node:os')).cpus().length;
    const load = (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ');
    process.stdout.write(
      [
        `tiering report, ${SAMPLES.toLocaleString('en')} samples over ${DAYS} days, ${JOURNEYS} journeys, ${MODELS} models (${cpus} CPUs, load average ${load})`,
        `report:   ${runs.map((s) => `${s.toFixed(2)} s`).join(', then ')}  (goal < 30 s)`,
        `  ${summary}`,
        `  reads, one at a time: ${phases}`,
        count,
        scan,
        `peak RSS: ${Math.round(peakRss / 2 ** 20)} MiB  (goal < 1024 MiB)`,
        '',
      ].join('\n'),
    );
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept database ${bench.name}\n`);
    else await bench.drop();
  }
}

async function seed(db: import('typeorm').DataSource, projectId: string, modelIds: string[], from: Date): Promise<void> {
  for (let day = 0; day <= DAYS; day++) await db.query(`SELECT ensure_sample_partition($1::date)`, [new Date(from.getTime() + day * DAY_MS).toISOString().slice(0, 10)]);
  const perDay = Math.ceil(SAMPLES / DAYS);
  for (let day = 0; day < DAYS; day++) {
    const first = day * perDay;
    const last = Math.min(SAMPLES, first + perDay) - 1;
    // i → journey j (skewed: low numbers busier), model (j's main model, or the cheaper one for a third of calls).
    await db.query(
      `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, service_name, journey, signals)
       SELECT $1, ($2::uuid[])[m + 1], 'v1', $3::timestamptz + (i - $4) * ($5::float8 / ($6 - $4 + 1)) * interval '1 millisecond',
              md5(i::text), substr(md5(i::text || 's'), 1, 16), 'bench', 'journey-' || j,
              jsonb_build_object(
                'latency_ms', 200 + (i * 7919) % 1800, 'provider', CASE WHEN m >= 4 THEN 'anthropic' ELSE 'openai' END,
                'status', CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, 'operation', 'chat', 'finish_reason', 'stop',
                'response_model', 'bench', 'output_chars', 800, 'input_tokens', 900 + i % 200, 'cached_input_tokens', (i % 4) * 100,
                'output_tokens', 200 + i % 100, 'total_tokens', 1200, 'cost_usd', CASE m WHEN 0 THEN 0.004 WHEN 1 THEN 0.0003 WHEN 2 THEN 0.003 WHEN 3 THEN 0.0002 WHEN 4 THEN 0.005 ELSE 0.001 END,
                'eval.helpful.score', 0.6 + ((i * 2654435761) % 1000) / 2500.0 - CASE WHEN m % 2 = 1 AND j % 3 = 0 THEN 0.05 ELSE 0 END,
                'eval.grounded.label', CASE WHEN (i * 40503) % 10 < 9 THEN 'pass' ELSE 'fail' END)
         FROM (SELECT i, j, CASE WHEN i % 3 = 0 THEN (j + 1) % ${MODELS} ELSE j % ${MODELS} END AS m
                 FROM (SELECT i, floor(${JOURNEYS} * power(((i * 2654435761) % 1000003) / 1000003.0, 2))::int AS j FROM generate_series($4::bigint, $6::bigint) AS i) x) y`,
      [projectId, modelIds, new Date(from.getTime() + day * DAY_MS), first, DAY_MS, last],
    );
    process.stdout.write(`  day ${day + 1}/${DAYS}\r`);
  }
  process.stdout.write('\n');
  // What the ingest counts beside the samples: every seen call per minute (twice the stored ones on the
  // even journeys, sampled at 50%), and a profile row per model, minute and signal for six signals.
  await db.query(
    `INSERT INTO journey_counts (project_id, model_id, version, journey, minute, seen, sampled)
     SELECT project_id, model_id, version, journey, date_trunc('minute', time),
            count(*) * CASE WHEN substr(journey, 9)::int % 2 = 0 THEN 2 ELSE 1 END, count(*)
       FROM samples GROUP BY 1, 2, 3, 4, 5`,
  );
  await db.query(
    `INSERT INTO signal_profiles (model_id, version, signal, minute, count, profile)
     SELECT m, 'v1', s, $2::timestamptz + k * interval '1 minute', 40, '{}'
       FROM unnest($1::uuid[]) AS m, unnest(ARRAY['latency_ms', 'cost_usd', 'status', 'provider', 'eval.helpful.score', 'eval.grounded.label']) AS s,
            generate_series(0, ${DAYS * 1440 - 1}) AS k`,
    [modelIds, from],
  );
  await seedInputSketches(db, projectId, from);
  await db.query('VACUUM ANALYZE');
}

// An hour of a journey holds a few dozen calls: sparse sketches of that many distinct inputs, a few
// templates reused across journeys and hours (the read and merge cost the same whatever they hold).
async function seedInputSketches(db: import('typeorm').DataSource, projectId: string, from: Date): Promise<void> {
  const templates = Array.from({ length: SKETCH_TEMPLATES }, (_, t) => {
    const sketch = new DistinctSketch();
    for (let i = 0; i < 40 + t; i++) sketch.addDigest(createHash('sha256').update(`${t}:${i}`).digest());
    return Buffer.from(encodeDistinctRegisters(sketch.precision, new Uint8Array(Buffer.from(sketch.toJSON().registers, 'base64'))));
  });
  for (let journey = 0; journey < JOURNEYS; journey++) {
    const hours = Array.from({ length: DAYS * 24 }, (_, h) => new Date(from.getTime() + h * HOUR_MS));
    await db.query(
      `INSERT INTO journey_input_sketches (project_id, journey, hour, calls_with_input, sketch)
       SELECT $1, $2, h, 60, s FROM unnest($3::timestamptz[], $4::bytea[]) AS x(h, s)`,
      [projectId, `journey-${journey}`, hours, hours.map((_, h) => templates[(h + journey) % SKETCH_TEMPLATES])],
    );
  }
}

await main();
