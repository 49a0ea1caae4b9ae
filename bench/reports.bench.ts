// An audit report over a period with 100,000 check runs (10 monitors × 10,000 runs over 30 days, each
// with its ledger entry), built by the real worker through the report-build queue. Prints the build
// time, the document sizes and peak RSS; the baseline, measured in the same run, is the bare read of
// the same check-run rows and ledger entries (SELECT + row decode), with no content, proof, signature
// or HTML.
//   npm run bench:reports   (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL;
//                            BENCH_CHECK_RUNS, default 100000)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createRootLogger, startAssay } from '@assay/common';
import { ReportRepository } from '@assay/db';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { JobName, QueueService } from '@assay/queue';
import { createWorkerApp } from '@assay/worker';
import { benchConfig, createBenchDatabase } from './support/bench-database.js';

const RUNS = Number(process.env.BENCH_CHECK_RUNS ?? 100_000);
const MONITORS = 10;
const PERIOD_DAYS = 30;
const BATCH = 2_000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_reports');
  const { dataSource: setup, name: database } = bench;
  const config = benchConfig(bench, { ASSAY_CHECKPOINT_INTERVAL_MS: '600000' });
  const running = await startAssay({ worker: (runtime) => createWorkerApp(runtime) }, config, createRootLogger('warn'));
  try {
    const worker = running.apps.worker!;
    const ledger = worker.get(LedgerService);
    const [{ id: projectId }] = await setup.query(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [`bench-${database}`]);
    const [{ id: modelId }] = await setup.query(`INSERT INTO models (project_id, name) VALUES ($1, 'bench-model') RETURNING id`, [projectId]);
    await setup.query(`INSERT INTO model_versions (model_id, version, lifecycle) VALUES ($1, 'v1', 'production')`, [modelId]);
    const monitorIds: string[] = [];
    for (let m = 0; m < MONITORS; m++) {
      const [{ id }] = await setup.query(
        `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, threshold, window_type, window_size, min_samples, schedule_seconds)
         VALUES ($1, $2, $3, 'drift', $3, 'psi', 0.2, 'time', 3600, 100, 3600) RETURNING id`,
        [projectId, modelId, `signal_${m}`],
      );
      monitorIds.push(id as string);
    }

    process.stdout.write(`seeding ${RUNS.toLocaleString('en-US')} check runs with their ledger entries over ${PERIOD_DAYS} days\n`);
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const from = new Date(to.getTime() - PERIOD_DAYS * 86_400_000);
    const step = (to.getTime() - from.getTime()) / (RUNS / MONITORS);
    const seedStart = performance.now();
    for (let offset = 0; offset < RUNS; offset += BATCH) {
      const n = Math.min(BATCH, RUNS - offset);
      const runs = Array.from({ length: n }, (_, j) => {
        const i = offset + j;
        const monitor = i % MONITORS;
        const windowTo = new Date(from.getTime() + Math.floor(i / MONITORS) * step + 1000);
        const statistic = 0.05 + 0.1 * Math.abs(Math.sin(i / 5000 + monitor)) + (i % 997 === 0 ? 0.3 : 0);
        return { id: randomUUID(), monitorId: monitorIds[monitor]!, windowTo, statistic, verdict: statistic > 0.2 ? 'drift' : 'ok' };
      });
      const appended = await ledger.appendMany(
        runs.map((r) => ({
          kind: LedgerKind.CheckRun,
          projectId,
          subject: `check_run:${r.id}`,
          body: {
            checkRunId: r.id, modelId, monitorId: r.monitorId, kind: 'drift', trigger: 'schedule', signal: 'signal', version: null,
            windowFrom: new Date(r.windowTo.getTime() - 3_600_000).toISOString(), windowTo: r.windowTo.toISOString(), method: 'psi',
            statistic: r.statistic, pValue: null, adjustedPValue: null, correction: 'none', threshold: 0.2, effectSize: r.statistic,
            nReference: 10000, nCurrent: 5000, exact: false, errorBound: 0.01, verdict: r.verdict, reason: `PSI ${r.statistic.toFixed(4)} vs 0.2`,
            severity: 'warning', baselineId: null, referenceDigest: 'a'.repeat(64), currentDigest: 'b'.repeat(64), details: {},
          },
        })),
      );
      await setup.query(
        `INSERT INTO check_runs (id, project_id, model_id, monitor_id, kind, trigger, signal, window_from, window_to, method, statistic,
                                 correction, threshold, effect_size, n_reference, n_current, exact, verdict, reason, severity, details, ledger_index)
         SELECT id, $1, $2, monitor_id, 'drift', 'schedule', 'signal', window_to - interval '1 hour', window_to, 'psi', statistic,
                'none', 0.2, statistic, 10000, 5000, false, verdict, 'bench', 'warning', '{}', ledger_index
           FROM unnest($3::uuid[], $4::uuid[], $5::timestamptz[], $6::float8[], $7::text[], $8::bigint[])
             AS t(id, monitor_id, window_to, statistic, verdict, ledger_index)`,
        [projectId, modelId, runs.map((r) => r.id), runs.map((r) => r.monitorId), runs.map((r) => r.windowTo), runs.map((r) => r.statistic), runs.map((r) => r.verdict), appended.map((a) => a.index)],
      );
    }
    process.stdout.write(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

    const bareStart = performance.now();
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    const bareRuns = await client.query(`SELECT id, monitor_id, window_to, verdict, statistic, p_value, threshold, ledger_index FROM check_runs WHERE model_id = $1 AND window_to >= $2 AND window_to < $3`, [modelId, from, to]);
    const bareEntries = await client.query(`SELECT idx, entry, leaf_hash FROM ledger_entries WHERE idx = ANY($1::bigint[])`, [bareRuns.rows.map((r: { ledger_index: string }) => r.ledger_index)]);
    await client.end();
    const bareMs = performance.now() - bareStart;

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const reports = worker.get(ReportRepository);
    const report = await reports.createQueued({ projectId, modelId, periodFrom: from, periodTo: to, trigger: 'request' });
    const start = performance.now();
    await worker.get(QueueService).enqueue({ name: JobName.ReportBuild, data: { reportId: report.id } }, { jobId: `report-${report.id}` });
    let status = 'queued';
    while (status === 'queued' && performance.now() - start < 600_000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await reports.findById(report.id))!.status;
    }
    const buildMs = performance.now() - start;
    clearInterval(sampler);
    const [sizes] = await setup.query(`SELECT octet_length(envelope) AS envelope, octet_length(html) AS html, error FROM reports WHERE id = $1`, [report.id]);

    process.stdout.write(`\nreport over ${RUNS.toLocaleString('en-US')} check runs (${PERIOD_DAYS} days, ${MONITORS} monitors): ${status}${sizes.error ? ` (${sizes.error})` : ''}\n`);
    process.stdout.write(`  build through the report-build queue: ${(buildMs / 1000).toFixed(2)} s (goal < 30 s)\n`);
    process.stdout.write(`  envelope ${mib(Number(sizes.envelope))}, HTML ${mib(Number(sizes.html))}, peak RSS ${mib(peakRss)}\n`);
    process.stdout.write(`  baseline, bare read of the same ${bareRuns.rowCount} runs and ${bareEntries.rowCount} ledger entries: ${(bareMs / 1000).toFixed(2)} s\n`);
  } finally {
    await running.close();
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
