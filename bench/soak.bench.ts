// Sustained load: OTLP spans at a fixed rate through the real SDK exporter, with drift checks and
// policies running every 2 s and alert deliveries to a loopback receiver, for SOAK_SECONDS (600 by
// default). Memory and queue depths are sampled every SOAK_SAMPLE_SECONDS; at the end it prints
// whether both stayed bounded (the last third of the run compared with the first third after warm-up).
//   npm run bench:soak     (SOAK_SECONDS, SOAK_RATE spans/s, BENCH_PG_ADMIN_URL, REDIS_URL)
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@assay/config';
import { createRootLogger, startAssay } from '@assay/common';
import { createApiApp } from '@assay/api';
import { GenAiTraffic, normal, seededRandom } from '@assay/cli';
import { createIngestApp } from '@assay/ingest';
import { QueueService } from '@assay/queue';
import { createWorkerApp } from '@assay/worker';
import { createBenchDatabase } from './support/bench-database.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 1000);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const MODEL = 'soak-model';

interface Sample {
  t: number;
  rssMiB: number;
  heapMiB: number;
  queued: number;
  sampled: number;
  checkRuns: number;
  deliveries: number;
}

async function api<T>(base: string, method: string, path: string, key: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const bench = await createBenchDatabase('soak');
  const { dataSource: setup, name: database } = bench;
  const url = bench.url;

  const adminKey = `soak-admin-${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    ASSAY_API_PORT: '0',
    ASSAY_INGEST_PORT: '0',
    ASSAY_WORKER_PORT: '0',
    ASSAY_ADMIN_KEY: adminKey,
    ASSAY_QUEUE_PREFIX: `assay-soak-${database}`,
    ASSAY_LOG_LEVEL: 'warn',
    ASSAY_WEBHOOK_ALLOW: '127.0.0.1',
    ASSAY_RATE_LIMIT_PER_MINUTE: '0',
  });
  const running = await startAssay(
    { api: createApiApp, ingest: createIngestApp, worker: (runtime) => createWorkerApp(runtime) },
    config,
    createRootLogger('warn'),
  );
  const base = `http://127.0.0.1:${running.ports.api}`;
  const project = await api<{ id: string }>(base, 'POST', '/v1/projects', adminKey, { name: database });
  const key = async (role: string): Promise<string> =>
    (await api<{ key: string }>(base, 'POST', '/v1/keys', adminKey, { projectId: project.id, role, name: role })).key;
  const owner = await key('owner');
  const ingestKey = await key('ingest');
  await api(base, 'POST', '/v1/models', owner, { name: MODEL });
  await api(base, 'POST', `/v1/models/${MODEL}/versions`, owner, { version: 'v1', lifecycle: 'production' });

  let deliveries = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      deliveries++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await api(base, 'POST', '/v1/subscriptions', owner, {
    name: 'soak receiver',
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    groupWaitSeconds: 1,
    groupIntervalSeconds: 5,
    repeatIntervalSeconds: 60,
  });

  const random = seededRandom(7);
  const traffic = new GenAiTraffic(`http://127.0.0.1:${running.ports.ingest}`, ingestKey, { serviceName: 'soak-app' });
  const steady = {
    model: MODEL, version: 'v1', inputTokens: normal(random, 300, 40), outputTokens: normal(random, 150, 20),
    latencyMs: normal(random, 700, 90), finishReason: () => (random() < 0.97 ? 'stop' : 'length'), faithfulness: normal(random, 0.9, 0.03),
  };
  const drifting = { ...steady, outputTokens: normal(random, 240, 30), latencyMs: normal(random, 1600, 150) };
  traffic.emit(steady, 2000);
  await traffic.flush();
  await new Promise((r) => setTimeout(r, 1000));
  await api(base, 'POST', `/v1/models/${MODEL}/baselines`, owner, {
    version: 'v1', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 1000).toISOString(),
  });
  for (const signal of ['output_tokens', 'input_tokens', 'latency_ms', 'finish_reason']) {
    await api(base, 'POST', `/v1/models/${MODEL}/monitors`, owner, {
      name: signal, signal, method: 'auto', window: { type: 'count', samples: 5000 }, minSamples: 100, scheduleSeconds: 2,
    });
  }
  await api(base, 'POST', `/v1/models/${MODEL}/policies`, owner, {
    name: 'latency', rule: 'p95(latency_ms) <= 1500', window: { type: 'time', seconds: 60 }, minSamples: 100, scheduleSeconds: 2,
  });

  const queues = running.apps.worker!.get(QueueService);
  const samples: Sample[] = [];
  const started = Date.now();
  const measure = async (): Promise<void> => {
    const depths = await queues.depths();
    const [{ sampled }] = await setup.query(`SELECT coalesce(sum(sampled), 0)::bigint AS sampled FROM sample_counts`);
    const [{ runs }] = await setup.query(`SELECT count(*)::int AS runs FROM check_runs`);
    const memory = process.memoryUsage();
    samples.push({
      t: Math.round((Date.now() - started) / 1000),
      rssMiB: Math.round(memory.rss / 2 ** 20),
      heapMiB: Math.round(memory.heapUsed / 2 ** 20),
      queued: Object.values(depths).reduce((a, b) => a + b, 0),
      sampled: Number(sampled),
      checkRuns: runs,
      deliveries,
    });
    const s = samples[samples.length - 1]!;
    process.stdout.write(`t=${s.t}s rss=${s.rssMiB}MiB heap=${s.heapMiB}MiB queued=${s.queued} samples=${s.sampled} checkRuns=${s.checkRuns} deliveries=${s.deliveries}\n`);
  };
  const sampler = setInterval(() => void measure(), SAMPLE_SECONDS * 1000);
  const perTick = Math.max(1, Math.round(RATE / 10));
  let sent = 0;
  while (Date.now() - started < SECONDS * 1000) {
    const minute = Math.floor((Date.now() - started) / 60_000);
    traffic.emit(minute % 2 === 0 ? steady : drifting, perTick);
    sent += perTick;
    await new Promise((r) => setTimeout(r, 100));
  }
  await traffic.flush();
  clearInterval(sampler);
  await measure();

  const warm = samples.filter((s) => s.t >= Math.min(30, SECONDS / 4));
  const third = Math.max(1, Math.floor(warm.length / 3));
  const early = warm.slice(0, third);
  const late = warm.slice(-third);
  const rssGrowth = mean(late.map((s) => s.rssMiB)) - mean(early.map((s) => s.rssMiB));
  const heapGrowth = mean(late.map((s) => s.heapMiB)) - mean(early.map((s) => s.heapMiB));
  const maxQueued = Math.max(...late.map((s) => s.queued));
  const last = samples[samples.length - 1]!;
  const memoryBounded = heapGrowth < 64 && rssGrowth < 128;
  const queuesBounded = maxQueued <= 50;
  process.stdout.write(
    [
      '',
      `soak: ${SECONDS} s at ${RATE} spans/s requested; ${sent} spans sent, ${last.sampled} stored, ${last.checkRuns} check runs, ${last.deliveries} webhook deliveries`,
      `memory: heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MiB, RSS ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MiB from the first to the last third → ${memoryBounded ? 'bounded' : 'GROWING'}`,
      `queues: at most ${maxQueued} jobs waiting in the last third → ${queuesBounded ? 'bounded' : 'BACKING UP'}`,
    ].join('\n') + '\n',
  );
  await traffic.shutdown();
  await running.close();
  receiver.close();
  await bench.drop();
  process.exitCode = memoryBounded && queuesBounded ? 0 : 1;
}

await main();
