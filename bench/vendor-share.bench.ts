// The vendor-dependency check's query at a week of traffic: each provider's share of the last 7 days'
// spend for one project, over samples generated in SQL into a fresh database with the real migrations
// (6 models, two providers, a minute's seen / sampled counts beside them, half the models sampled at 50%).
// Prints its time against same-run baselines: a bare count(*) of the week's samples and a bare scan that
// reads the two signals the query reads.
//   npm run bench:vendor-share   (BENCH_SAMPLES, default 2,500,000: a week of bench:tiering's 10M a month)
import os from 'node:os';
import { VendorShareRepository } from '@assay/db';
import { createBenchDatabase } from './support/bench-database.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_500_000);
const MODELS = 6;
const DAY_MS = 86_400_000;
const DAYS = 7;

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { seconds: (performance.now() - start) / 1000, result };
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_vendor');
  const { dataSource: db } = bench;
  const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(to.getTime() - DAYS * DAY_MS);
  try {
    const [{ id: projectId }] = await db.query(`INSERT INTO projects (name) VALUES ('bench-vendor') RETURNING id`);
    const modelIds: string[] = [];
    for (let m = 0; m < MODELS; m++) modelIds.push((await db.query(`INSERT INTO models (project_id, name) VALUES ($1, $2) RETURNING id`, [projectId, `model-${m}`]))[0].id);
    for (let day = 0; day <= DAYS; day++) await db.query(`SELECT ensure_sample_partition($1::date)`, [new Date(from.getTime() + day * DAY_MS).toISOString().slice(0, 10)]);
    const seeded = await timed(async () => {
      const perDay = Math.ceil(SAMPLES / DAYS);
      for (let day = 0; day < DAYS; day++) {
        const first = day * perDay;
        const last = Math.min(SAMPLES, first + perDay) - 1;
        await db.query(
          `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, service_name, signals)
           SELECT $1, ($2::uuid[])[i % ${MODELS} + 1], 'v1', $3::timestamptz + (i - $4) * ($5::float8 / ($6 - $4 + 1)) * interval '1 millisecond',
                  md5(i::text), substr(md5(i::text || 's'), 1, 16), 'bench',
                  jsonb_build_object('latency_ms', 200 + i % 1800, 'provider', CASE WHEN i % ${MODELS} >= 4 THEN 'anthropic' ELSE 'openai' END,
                                     'cost_usd', 0.0001 * (1 + i % ${MODELS}), 'input_tokens', 900, 'output_tokens', 200, 'status', 'ok')
             FROM generate_series($4::bigint, $6::bigint) AS i`,
          [projectId, modelIds, new Date(from.getTime() + day * DAY_MS), first, DAY_MS, last],
        );
      }
      await db.query(
        `INSERT INTO sample_counts (model_id, version, minute, seen, sampled)
         SELECT model_id, version, date_trunc('minute', time), count(*) * CASE WHEN array_position($1::uuid[], model_id) % 2 = 0 THEN 2 ELSE 1 END, count(*)
           FROM samples GROUP BY 1, 2, 3`,
        [modelIds],
      );
      await db.query('ANALYZE samples');
      await db.query('ANALYZE sample_counts');
    });
    const week = [projectId, from, to];
    const count = await timed(() => db.query(`SELECT count(*) AS n FROM samples WHERE model_id = ANY($4::uuid[]) AND time >= $2 AND time < $3 AND project_id = $1`, [...week, modelIds]));
    const scan = await timed(() =>
      db.query(`SELECT count(signals ->> 'provider') + count(signals ->> 'cost_usd') AS n FROM samples WHERE model_id = ANY($4::uuid[]) AND time >= $2 AND time < $3 AND project_id = $1`, [...week, modelIds]),
    );
    const sut = new VendorShareRepository(db);
    const runs: Array<{ seconds: number; result: Awaited<ReturnType<VendorShareRepository['providerSpend']>> }> = [];
    for (let run = 0; run < 3; run++) runs.push(await timed(() => sut.providerSpend(projectId, from, to)));
    const spend = runs.at(-1)!.result;
    const total = spend.reduce((sum, s) => sum + s.spendUsd, 0);
    process.stdout.write(
      [
        `vendor share, ${SAMPLES.toLocaleString('en')} samples over ${DAYS} days, ${MODELS} models (${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; seeded in ${seeded.seconds.toFixed(0)} s)`,
        `provider spend query: ${runs.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')}  (${spend.map((s) => `${s.provider} ${((100 * s.spendUsd) / total).toFixed(1)}%`).join(', ')})`,
        `baseline, bare count(*) of the week: ${count.seconds.toFixed(2)} s (${count.result[0].n} rows)`,
        `baseline, bare scan reading provider and cost_usd: ${scan.seconds.toFixed(2)} s`,
        '',
      ].join('\n'),
    );
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept database ${bench.name}\n`);
    else await bench.drop();
  }
}

await main();
