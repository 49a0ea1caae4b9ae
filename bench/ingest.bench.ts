// OTLP ingest throughput over loopback: realistic GenAI spans (about 20 attributes, 100 inference
// spans per request) sent as protobuf by concurrent clients (a worker thread) to the real ingest app,
// which matches, samples, computes signals and commits every request before answering. Prints spans/s
// accepted at 100% and at 10% sampling, p50/p99 request latency and peak RSS; the baseline, measured
// in the same run, is a bare decode loop (decodeTraceRequest) over the same bodies.
//   npm run bench:ingest   (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL;
//                           BENCH_REQUESTS per phase, default 400; BENCH_CONCURRENCY, default 8; BENCH_PHASE=100|10;
//                           BENCH_PROFILE=<file> for a CPU profile of the server's thread)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '@assay/config';
import { ApiKeyService, createRootLogger, startAssay } from '@assay/common';
import { ApiKeyRepository, ModelRepository, PriceCatalogRepository, ProjectRepository, Role, createDataSource, runMigrations } from '@assay/db';
import { decodeTraceRequest, extractInferences } from '@assay/otlp';
import { createIngestApp } from '@assay/ingest';
import { LoadClient } from './support/http-load.js';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.ASSAY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SPANS_PER_REQUEST = 100;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function makeBody(model: string, seq: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-app', 'service.version': '2.4.1', 'host.name': 'app-1', 'deployment.environment': 'prod' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('openai-instrumentation', '0.9.0');
  const now = Date.now();
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const end = now - i * 3;
    const span = tracer.startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      startTime: end - 200 - ((seq * 7 + i * 13) % 900),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.response.model': model,
        'gen_ai.response.id': `chatcmpl-${seq}-${i}`,
        'gen_ai.response.finish_reasons': [i % 23 === 0 ? 'length' : 'stop'],
        'gen_ai.usage.input_tokens': 300 + ((seq + i * 31) % 700),
        'gen_ai.usage.output_tokens': 40 + ((seq + i * 17) % 300),
        'gen_ai.usage.cache_read.input_tokens': (i * 11) % 200,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.max_tokens': 1024,
        'gen_ai.conversation.id': `conv-${seq % 50}-${i % 10}`,
        'server.address': 'api.openai.com',
        'server.port': 443,
        'assay.model.version': i % 2 === 0 ? 'v1' : 'v2',
        'app.tenant': `tenant-${i % 12}`,
        'app.feature': 'answer',
        'http.response.status_code': 200,
        'user.tier': i % 3 === 0 ? 'pro' : 'free',
      },
    });
    span.end(end);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const CLOCK_TICKS = 100;

// CPU seconds used so far by every postgres process on this machine (Linux /proc), or null elsewhere.
function postgresCpuSeconds(): number | null {
  try {
    let ticks = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // The process ended between the listing and the read.
      }
    }
    return ticks / CLOCK_TICKS;
  } catch {
    return null;
  }
}

function bareDecode(bodies: Buffer[]): number {
  let spans = 0;
  const started = performance.now();
  for (const body of bodies) spans += extractInferences(decodeTraceRequest(body, 'protobuf')).inferences.length;
  return spans / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const database = `assay_bench_ingest_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const dbUrl = withDatabase(ADMIN_URL, database);
  try {
    const setup = createDataSource(dbUrl, 2);
    await setup.initialize();
    await runMigrations(setup);
    const project = await new ProjectRepository(setup).create('bench');
    const models = new ModelRepository(setup);
    await models.create({ projectId: project.id, name: 'gpt-full', sampling: { probability: 1, maxPerMinute: null } });
    await models.create({ projectId: project.id, name: 'gpt-tenth', sampling: { probability: 0.1, maxPerMinute: null } });
    await new PriceCatalogRepository(setup).upsert(project.id, [
      { provider: 'openai', model: 'gpt-full', inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 },
      { provider: 'openai', model: 'gpt-tenth', inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 },
    ]);
    const { secret } = await new ApiKeyService(new ApiKeyRepository(setup)).issue({ projectId: project.id, role: Role.Ingest, name: 'bench' });
    await setup.destroy();

    process.stdout.write(`building ${2 * REQUESTS} requests of ${SPANS_PER_REQUEST} spans\n`);
    const full = Array.from({ length: REQUESTS }, (_, i) => makeBody('gpt-full', i));
    const tenth = Array.from({ length: REQUESTS }, (_, i) => makeBody('gpt-tenth', i));
    const warm = Array.from({ length: 20 }, (_, i) => makeBody('gpt-full', REQUESTS + i));
    const bytes = full.reduce((n, b) => n + b.length, 0) / full.length;

    // The best of three passes: the baseline is what decoding can do here, not a pass that a
    // neighbour's burst or a collection happened to slow.
    bareDecode(full.slice(0, 50));
    const decodeRate = Math.max(...[0, 1, 2].map(() => bareDecode([...full, ...tenth])));

    const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl, ASSAY_INGEST_PORT: '0', ASSAY_LOG_LEVEL: 'warn', ASSAY_QUEUE_PREFIX: `bench-${database}` });
    const running = await startAssay({ ingest: createIngestApp }, config, createRootLogger('warn'), { bootstrapAdmin: false });
    const url = `http://127.0.0.1:${running.ports.ingest}/v1/traces`;
    const client = new LoadClient();
    const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${secret}` };
    client.load('warm', warm);
    client.load('100% sampling', full);
    client.load('10% sampling', tenth);
    try {
      await client.run({ url, headers, bodies: 'warm', concurrency: CONCURRENCY });
      // BENCH_PROFILE=<file>: a CPU profile of the server's thread during the measured phases.
      const profiler = process.env.BENCH_PROFILE ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      const rows: string[] = [];
      // BENCH_PHASE=100|10: only that phase (for profiling one of them).
      for (const label of ['100% sampling', '10% sampling'].filter((l) => !process.env.BENCH_PHASE || l.startsWith(`${process.env.BENCH_PHASE}%`))) {
        const elu = performance.eventLoopUtilization();
        const cpu = process.cpuUsage();
        const pgCpu = postgresCpuSeconds();
        const result = await client.run({ url, headers, bodies: label, concurrency: CONCURRENCY });
        const serverLoop = performance.eventLoopUtilization(elu).utilization;
        const { user, system } = process.cpuUsage(cpu);
        const pgShare = pgCpu === null ? null : (postgresCpuSeconds()! - pgCpu) / result.seconds;
        const sorted = [...result.latenciesMs].sort((a, b) => a - b);
        const accepted = (result.statuses['200'] ?? 0) * SPANS_PER_REQUEST;
        rows.push(
          `${label.padEnd(14)} ${Math.round(accepted / result.seconds).toLocaleString('en-US').padStart(9)} spans/s accepted  ` +
            `p50 ${percentile(sorted, 0.5).toFixed(1)} ms  p99 ${percentile(sorted, 0.99).toFixed(1)} ms  statuses ${JSON.stringify(result.statuses)}\n` +
            `${''.padEnd(14)} CPU in cores: server event loop ${serverLoop.toFixed(2)}, bench process ${((user + system) / 1e6 / result.seconds).toFixed(2)}` +
            `${pgShare === null ? '' : `, PostgreSQL ${pgShare.toFixed(2)}`}`,
        );
      }
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
        profiler.disconnect();
      }
      const check = new pg.Client({ connectionString: dbUrl });
      await check.connect();
      const stored = await check.query<{ name: string; n: string; seen: string }>(
        `SELECT m.name, (SELECT count(*) FROM samples s WHERE s.model_id = m.id) AS n,
                (SELECT coalesce(sum(seen), 0) FROM sample_counts c WHERE c.model_id = m.id) AS seen
           FROM models m ORDER BY m.name`,
      );
      await check.end();

      process.stdout.write(`\n${REQUESTS} requests × ${SPANS_PER_REQUEST} spans per phase, ${Math.round(bytes / 1024)} KiB per protobuf body, ${CONCURRENCY} concurrent clients\n`);
      for (const row of rows) process.stdout.write(`${row}\n`);
      process.stdout.write(`baseline: bare decode + extraction loop, one thread, best of 3 passes: ${Math.round(decodeRate).toLocaleString('en-US')} spans/s\n`);
      process.stdout.write(`peak RSS (server and client thread): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
      for (const r of stored.rows) process.stdout.write(`stored: ${r.name} ${r.n} samples of ${r.seen} seen\n`);
    } finally {
      await client.close();
      await running.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
