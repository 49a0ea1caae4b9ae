// Alerting cost per tick and delivery throughput, on the real worker app, PostgreSQL and Redis:
//  1. processCheckRuns on batches of passing runs with nothing open (the common case), against a bare
//     one-row SELECT round trip as the baseline;
//  2. firing alerts (insert + ledger append + scheduling) against bare ledger appends of the same records;
//  3. signed webhook deliveries through BullMQ to a local receiver, against direct signed POSTs.
//   npm run bench:alerts   (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL)
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AddressPolicy, AlertsService, SubscriptionsService, WebhookClient, webhookHeaders } from '@assay/alerts';
import { loadConfig } from '@assay/config';
import { createRootLogger, startAssay } from '@assay/common';
import { createDataSource, runMigrations, type CheckRunEntity, type Verdict } from '@assay/db';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { createWorkerApp } from '@assay/worker';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.ASSAY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MONITORS = 200;
const BATCH = 10;
const QUIET_BATCHES = 2000;
const DELIVERIES = 500;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function rate(label: string, count: number, ms: number, unit: string): void {
  process.stdout.write(`${label.padEnd(58)} ${((count / ms) * 1000).toFixed(0).padStart(8)} ${unit}/s   ${(ms / count).toFixed(3)} ms each\n`);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const database = `assay_bench_alerts_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(ADMIN_URL, database);
  const setup = createDataSource(url, 2);
  await setup.initialize();
  await runMigrations(setup);
  const [{ id: projectId }] = (await setup.query(`INSERT INTO projects (name) VALUES ('bench') RETURNING id`)) as Array<{ id: string }>;
  const [{ id: modelId }] = (await setup.query(`INSERT INTO models (project_id, name) VALUES ($1, 'bench-model') RETURNING id`, [projectId])) as Array<{ id: string }>;
  const monitors = (await setup.query(
    `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, window_type, window_size, schedule_seconds, enabled)
     SELECT $1, $2, 'monitor ' || i, 'drift', 'latency_ms', 'ks', 'time', 3600, 60, false FROM generate_series(1, $3) AS i RETURNING id`,
    [projectId, modelId, MONITORS],
  )) as Array<{ id: string }>;
  await setup.destroy();

  const env = {
    ...process.env,
    DATABASE_URL: url,
    ASSAY_WORKER_PORT: '0',
    ASSAY_ADMIN_KEY: randomBytes(24).toString('hex'),
    ASSAY_QUEUE_PREFIX: database,
    ASSAY_WEBHOOK_ALLOW: '127.0.0.1',
    ASSAY_LOG_LEVEL: 'warn',
  };
  const running = await startAssay({ worker: (runtime) => createWorkerApp(runtime) }, loadConfig(env), createRootLogger('warn'));
  const app = running.apps.worker!;
  const alerts = app.get(AlertsService);
  const dataSource = app.get(DataSource);
  const ledger = app.get(LedgerService);

  const run = (monitorId: string, verdict: Verdict): CheckRunEntity =>
    ({ id: randomUUID(), projectId, modelId, monitorId, kind: 'drift', signal: 'latency_ms', verdict, severity: 'warning', windowTo: new Date(), reason: 'bench' }) as CheckRunEntity;
  const batches = (verdict: Verdict, count: number): CheckRunEntity[][] =>
    Array.from({ length: count }, (_, b) => Array.from({ length: BATCH }, (_, i) => run(monitors[(b * BATCH + i) % MONITORS]!.id, verdict)));

  process.stdout.write(`${MONITORS} monitors, batches of ${BATCH} runs\n`);
  const quiet = batches('ok', QUIET_BATCHES);
  const quietMs = await timed(async () => {
    for (const batch of quiet) await alerts.processCheckRuns(batch);
  });
  const selectMs = await timed(async () => {
    for (let i = 0; i < QUIET_BATCHES; i++) await dataSource.query('SELECT 1 FROM alerts WHERE false');
  });
  rate('quiet tick: processCheckRuns, 10 passing runs, none open', QUIET_BATCHES, quietMs, 'batches');
  rate('  baseline: one bare SELECT round trip', QUIET_BATCHES, selectMs, 'queries');

  const firing = batches('drift', MONITORS / BATCH);
  const fireMs = await timed(async () => {
    for (const batch of firing) await alerts.processCheckRuns(batch);
  });
  const repeatMs = await timed(async () => {
    for (const batch of batches('drift', MONITORS / BATCH)) await alerts.processCheckRuns(batch);
  });
  const appendMs = await timed(async () => {
    for (let b = 0; b < MONITORS / BATCH; b++) {
      await dataSource.transaction(async (manager) => {
        for (let i = 0; i < BATCH; i++) await ledger.append({ kind: LedgerKind.AlertTransition, projectId, subject: `bench/${b}/${i}`, body: { transition: 'fired' } }, manager);
      });
    }
  });
  rate('firing: new alerts (insert, ledger, events, scheduling)', MONITORS, fireMs, 'alerts');
  rate('repeat: failing runs updating open alerts', MONITORS, repeatMs, 'runs');
  rate('  baseline: bare ledger appends, 10 per transaction', MONITORS, appendMs, 'appends');

  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      if (++received === DELIVERIES) allReceived();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const subscriptions = app.get(SubscriptionsService);
  const { subscription, secret } = await subscriptions.create(projectId, {
    name: 'bench', url: target, format: 'assay', models: [], severities: [], kinds: [], events: [], groupBy: ['model'],
    groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400, sendResolved: true, enabled: true,
  });
  const queuedMs = await timed(async () => {
    for (let i = 0; i < DELIVERIES; i++) await subscriptions.sendTest(projectId, subscription.id);
    await done;
  });
  const client = new WebhookClient(new AddressPolicy(['127.0.0.1']), { timeoutMs: 10_000 });
  const body = JSON.stringify({ type: 'subscription.test', timestamp: new Date().toISOString(), data: { subscriptionId: subscription.id } });
  const directMs = await timed(async () => {
    for (let i = 0; i < DELIVERIES; i++) await client.post(target, body, webhookHeaders(secret, `msg_${i}`, Math.floor(Date.now() / 1000), body));
  });
  rate(`deliveries: test deliveries through BullMQ (concurrency ${running.runtime.config.worker.concurrency})`, DELIVERIES, queuedMs, 'deliveries');
  rate('  baseline: direct signed POSTs, one at a time', DELIVERIES, directMs, 'posts');

  receiver.closeAllConnections();
  receiver.close();
  await running.close();
  await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  await admin.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
