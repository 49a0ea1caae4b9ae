// The monitoring loop at scale: 1,000 drift monitors (100 models × 10 signals), each over a window of
// 100,000 samples held as per-minute sketches, run by the real worker through BullMQ. Prints checks/s
// and peak RSS; the baseline, measured in the same run, is the bare read of the same profile rows
// (SELECT + JSON decode) with no merging or statistics.
// BENCH_METHOD=auto runs them as auto (normalised Wasserstein here), whose null is resampled: every
// signal has its own digest, and its nulls are stored with it as BaselinesService stores them (computed
// once here, since every signal has the same profile; the time that takes is printed as the capture-time
// cost). BENCH_STORED_NULLS=0 leaves them out, so that the first tick resamples 1,000 nulls.
//   npm run bench:checks   (BENCH_METHOD, default ks; BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL)
import { randomUUID } from 'node:crypto';
import { createRootLogger, startAssay } from '@assay/common';
import { JobName, QueueName, QueueService } from '@assay/queue';
import { precomputeNulls, SignalProfile, STORED_NULL_METHODS } from '@assay/stats';
import { createWorkerApp } from '@assay/worker';
import { benchConfig, createBenchDatabase } from './support/bench-database.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const SIGNALS = 10;
const MINUTES = 10;
const PER_MINUTE = 10_000;
const WINDOW_SECONDS = MINUTES * 60;
const METHOD = process.env.BENCH_METHOD ?? 'ks';
const STORED_NULLS = process.env.BENCH_STORED_NULLS !== '0';

function gaussian(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function minuteProfiles(shift: number, seed: number): string[] {
  const next = gaussian(seed);
  return Array.from({ length: MINUTES }, () => {
    const profile = new SignalProfile('numeric', { reservoirSize: 256 });
    for (let i = 0; i < PER_MINUTE; i++) profile.add(next() + shift);
    return JSON.stringify(profile.toJSON());
  });
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_checks');
  const { dataSource: setup, name: database } = bench;

  process.stdout.write(`seeding ${MODELS} models × ${SIGNALS} signals × ${MINUTES} minutes × ${PER_MINUTE} samples\n`);
  const tick = Math.floor(Date.now() / 60_000) * 60_000;
  const firstMinute = tick - WINDOW_SECONDS * 1000;
  const normalRows = minuteProfiles(0, 7);
  const shiftedRows = minuteProfiles(0.3, 11);
  const baselineProfile = new SignalProfile('numeric').addMany(Array.from({ length: 10_000 }, gaussian(3)));
  const baselineJson = JSON.stringify(baselineProfile.toJSON());
  const nullsStart = performance.now();
  const nullsJson = STORED_NULLS ? JSON.stringify(precomputeNulls(baselineProfile)) : null;
  const nullsMs = performance.now() - nullsStart;
  const [{ id: projectId }] = await setup.query(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [`bench-${database}`]);
  const modelIds: string[] = [];
  for (let m = 0; m < MODELS; m++) {
    const [{ id: modelId }] = await setup.query(`INSERT INTO models (project_id, name) VALUES ($1, $2) RETURNING id`, [projectId, `model-${m}`]);
    modelIds.push(modelId);
    await setup.query(`INSERT INTO model_versions (model_id, version, lifecycle) VALUES ($1, 'v1', 'production')`, [modelId]);
    const baselineId = randomUUID();
    await setup.query(
      `INSERT INTO baselines (id, project_id, model_id, version, source, sample_count, digest) VALUES ($1, $2, $3, 'v1', 'upload', 10000, 'bench')`,
      [baselineId, projectId, modelId],
    );
    for (let s = 0; s < SIGNALS; s++) {
      await setup.query(
        `INSERT INTO baseline_signals (baseline_id, signal, kind, count, profile, digest, nulls) VALUES ($1, $2, 'numeric', 10000, $3, $4, $5)`,
        [baselineId, `s${s}`, baselineJson, `bench:${m}:${s}`, nullsJson],
      );
      await setup.query(
        `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, window_type, window_size, min_samples, schedule_seconds)
         VALUES ($1, $2, $3, 'drift', $3, $5, 'time', $4, 100, 3600)`,
        [projectId, modelId, `s${s}`, WINDOW_SECONDS, METHOD],
      );
      const rows = s % 2 === 0 ? normalRows : shiftedRows;
      await setup.query(
        `INSERT INTO signal_profiles (model_id, version, signal, minute, count, profile)
         SELECT $1, 'v1', $2, to_timestamp(($3::bigint + i * 60000) / 1000.0), $4, ($5::jsonb[])[i + 1]
           FROM generate_series(0, $6 - 1) AS i`,
        [modelId, `s${s}`, firstMinute, PER_MINUTE, rows, MINUTES],
      );
    }
    await setup.query(
      `INSERT INTO sample_counts (model_id, version, minute, seen, sampled)
       SELECT $1, 'v1', to_timestamp(($2::bigint + i * 60000) / 1000.0), $3, $3 FROM generate_series(0, $4 - 1) AS i`,
      [modelId, firstMinute, PER_MINUTE * SIGNALS, MINUTES],
    );
  }

  const bareStart = performance.now();
  let bareRows = 0;
  for (const modelId of modelIds) {
    for (let s = 0; s < SIGNALS; s++) {
      const rows = await setup.query(`SELECT profile::text AS p FROM signal_profiles WHERE model_id = $1 AND signal = $2`, [modelId, `s${s}`]);
      for (const row of rows as Array<{ p: string }>) JSON.parse(row.p);
      bareRows += rows.length;
    }
  }
  const bareMs = performance.now() - bareStart;

  const config = benchConfig(bench, { ASSAY_WORKER_CONCURRENCY: process.env.ASSAY_WORKER_CONCURRENCY ?? '4' });
  const running = await startAssay({ worker: (runtime) => createWorkerApp(runtime) }, config, createRootLogger('warn'));
  const queues = running.apps.worker!.get(QueueService);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const start = performance.now();
  for (const modelId of modelIds) {
    await queues
      .queue(QueueName.DriftCheck)
      .add(JobName.MonitorTick, { modelId, scheduleSeconds: 3600 }, { jobId: `bench:${modelId}:${tick}` });
  }
  const expected = MODELS * SIGNALS;
  let stored = 0;
  while (stored < expected) {
    await new Promise((r) => setTimeout(r, 200));
    const [{ n }] = await setup.query(`SELECT count(*)::int AS n FROM check_runs WHERE window_to = $1`, [new Date(tick)]);
    stored = n;
    if (performance.now() - start > 300_000) break;
  }
  const elapsedMs = performance.now() - start;
  clearInterval(sampler);
  const verdicts = await setup.query(
    `SELECT verdict, exact, count(*)::int AS n FROM check_runs WHERE window_to = $1 GROUP BY verdict, exact ORDER BY verdict`,
    [new Date(tick)],
  );

  process.stdout.write(
    [
      `check runs stored:          ${stored} of ${expected} (${verdicts.map((v: { verdict: string; exact: boolean; n: number }) => `${v.n} ${v.verdict}${v.exact ? '' : ' via sketches'}`).join(', ')})`,
      `monitors over 100k samples (${METHOD}): ${(elapsedMs / 1000).toFixed(2)} s, ${Math.round((stored / elapsedMs) * 1000)} checks/s (goal: all 1,000 under 60 s)`,
      `baseline, bare profile read: ${(bareMs / 1000).toFixed(2)} s for ${bareRows} rows (SELECT + JSON.parse, no merge or statistics)`,
      `peak RSS:                   ${Math.round(peakRss / 2 ** 20)} MiB`,
      STORED_NULLS
        ? `nulls stored with each baseline signal: ${nullsMs.toFixed(0)} ms to compute for one signal of 10,000 values (${STORED_NULL_METHODS.length} methods), paid when a baseline is stored; ${MODELS * SIGNALS} signals: ${((nullsMs * MODELS * SIGNALS) / 1000).toFixed(1)} s`
        : 'nulls not stored with the baselines (BENCH_STORED_NULLS=0): the first tick resamples them',
    ].join('\n') + '\n',
  );

  await running.close();
  await bench.drop();
}

await main();
