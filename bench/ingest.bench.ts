// OTLP ingest throughput over loopback: realistic GenAI spans (about 20 attributes, 100 inference
// spans per request) sent as protobuf by concurrent clients (a worker thread) to the real ingest app,
// which matches, samples, computes signals and commits every request before answering. Prints spans/s
// accepted at 100% and at 10% sampling, p50/p99 request latency and peak RSS; the baseline, measured
// in the same run, is a bare decode loop (decodeTraceRequest) over the same bodies.
// Every span names its journey (assay.journey, one of eight) and carries its prompt as
// gen_ai.input.messages (30% of them one of a few common questions), so that journeys are counted and
// input hashes sketched for every span, sampled or not.
// The logs phase sends /v1/logs requests of 100 gen_ai.choice log records (SDK LogRecords), one for
// each span of a request of that round's 100% phase, so every record joins a stored sample: records/s
// accepted, against a bare decodeLogsRequest loop over the same bodies; afterwards the samples that
// carry the records' output_chars are counted, so that a record dropped on the way shows.
//   npm run bench:ingest   (BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; REDIS_URL;
//                           BENCH_REQUESTS per run, default 400; BENCH_ROUNDS runs per phase, default 5; BENCH_CONCURRENCY, default 8;
//                           BENCH_PHASE=100|10|logs (logs alone still sends the 100% spans first, unmeasured);
//                           BENCH_PROFILE=<file> for a CPU profile of the server's thread)
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { ROOT_CONTEXT, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ApiKeyService, createRootLogger, startAssay } from '@assay/common';
import { ApiKeyRepository, ModelRepository, PriceCatalogRepository, ProjectRepository, Role } from '@assay/db';
import {
  ExportLogsServiceRequestType,
  ExportTraceServiceRequestType,
  decodeLogsRequest,
  decodeTraceRequest,
  extractInferences,
  genAiLogEvents,
} from '@assay/otlp';
import { createIngestApp } from '@assay/ingest';
import { benchConfig, createBenchDatabase } from './support/bench-database.js';
import { LoadClient, type LoadPhase } from './support/http-load.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SPANS_PER_REQUEST = 100;
const WARM_REQUESTS = 200;

// The spans are serialised as they are, without a span processor: SimpleSpanProcessor's export of
// each span keeps it reachable behind a 30-second timer, which left about 0.3 MB per body (hundreds of
// MB in all) on the heap the server's garbage collector traces during the measured runs.
const resource = resourceFromAttributes({ 'service.name': 'support-app', 'service.version': '2.4.1', 'host.name': 'app-1', 'deployment.environment': 'prod' });
const tracer = new BasicTracerProvider({ resource }).getTracer('openai-instrumentation', '0.9.0');

/** What a span's gen_ai.choice log record needs of it. */
interface SentSpan {
  context: SpanContext;
  endMs: number;
  finishReason: string;
}

// For the same reason, the log records go to a processor that holds them only until their body is serialised.
let emitted: ReadableLogRecord[] = [];
const logger = new LoggerProvider({
  resource,
  processors: [{ onEmit: (record) => void emitted.push(record), forceFlush: async () => undefined, shutdown: async () => undefined }],
}).getLogger('openai-instrumentation', '0.9.0');

const WORDS = 'the order ships within three business days and you can follow it from your account page once the label is printed'.split(' ');

// A completion of 200 to 600 characters.
function completion(seq: number, i: number): string {
  const length = 200 + ((seq * 7 + i * 29) % 401);
  let text = '';
  for (let w = (seq + i) % WORDS.length; text.length < length; w = (w + 1) % WORDS.length) text += `${WORDS[w]} `;
  return text.slice(0, length);
}

/** One gen_ai.choice record per span, as the OpenAI instrumentation emits it after the span's call. */
function makeLogsBody(spans: readonly SentSpan[], seq: number): { body: Buffer; outputChars: number } {
  let outputChars = 0;
  spans.forEach((span, i) => {
    const content = completion(seq, i);
    outputChars += content.length;
    logger.emit({
      eventName: 'gen_ai.choice',
      timestamp: span.endMs,
      context: trace.setSpanContext(ROOT_CONTEXT, span.context),
      attributes: { 'gen_ai.system': 'openai' },
      body: { index: 0, finish_reason: span.finishReason, message: { role: 'assistant', content } },
    });
  });
  const body = Buffer.from(ProtobufLogsSerializer.serializeRequest(emitted)!);
  emitted = [];
  return { body, outputChars };
}

const COMMON_QUESTIONS = Array.from({ length: 20 }, (_, q) => `Where is my order ${q}? It was placed last week and the tracking page shows nothing since the label was printed.`);

// A prompt of 150 to 400 characters: 30% one of the common questions, the others unique.
function prompt(seq: number, i: number): string {
  const question = (seq * 7 + i) % 10 < 3 ? COMMON_QUESTIONS[(seq + i) % COMMON_QUESTIONS.length] : `Request ${seq}-${i}: ${completion(seq + 3, i).slice(0, 100 + ((seq * 13 + i * 7) % 250))}`;
  return JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]);
}

function makeBody(model: string, seq: number): { body: Buffer; spans: SentSpan[] } {
  const spans: ReadableSpan[] = [];
  const sent: SentSpan[] = [];
  const now = Date.now();
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const end = now - i * 3;
    const finishReason = i % 23 === 0 ? 'length' : 'stop';
    const span = tracer.startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      startTime: end - 200 - ((seq * 7 + i * 13) % 900),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.response.model': model,
        'gen_ai.response.id': `chatcmpl-${seq}-${i}`,
        'gen_ai.response.finish_reasons': [finishReason],
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
        'assay.journey': `journey-${(seq + i) % 8}`,
        'gen_ai.input.messages': prompt(seq, i),
      },
    });
    span.end(end);
    spans.push(span as unknown as ReadableSpan);
    sent.push({ context: span.spanContext(), endMs: end, finishReason });
  }
  return { body: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!), spans: sent };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const CLOCK_TICKS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// One gen_ai.choice record for each span of a 100% request.
const RECORDS_PER_REQUEST = SPANS_PER_REQUEST;

interface Baselines {
  /** The goal's baseline. */
  bare: (bodies: readonly Buffer[]) => number;
  /** Decode and the reading that follows it (inference records, or GenAI events). */
  extract: (bodies: readonly Buffer[]) => number;
  protobuf: (bodies: readonly Buffer[]) => number;
}

interface Phase {
  /** What BENCH_PHASE names it by. */
  key: string;
  label: string;
  path: '/v1/traces' | '/v1/logs';
  unit: 'spans' | 'records';
  perRequest: number;
  baselines: Baselines;
}

interface PhaseRun {
  perSecond: number;
  /** The bare decode rate (the goal's baseline): the mean of decodeBefore and decodeAfter. */
  decodeRate: number;
  decodeBefore: number;
  decodeAfter: number;
  /** Decode and inference extraction, measured just before this run. */
  extractRate: number;
  /** protobufjs's generated decoder alone, measured just before this run. */
  protobufRate: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  serverLoop: number;
  /** CPU the server's thread got (the event loop's busy time includes time it waited for a core). */
  serverThreadCores: number | null;
  gcPauses: number;
  processCores: number;
  kernelCores: number;
  postgresCores: number | null;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

// A run during which the machine changed speed (bare decode before and after it more than this apart)
// has no meaningful ratio: its throughput and its baseline were measured on different machines.
const MAX_BASELINE_DRIFT = 0.15;

const steady = (run: PhaseRun): boolean => Math.abs(run.decodeAfter - run.decodeBefore) / Math.min(run.decodeAfter, run.decodeBefore) <= MAX_BASELINE_DRIFT;

function ratios(runs: readonly PhaseRun[], rate: (run: PhaseRun) => number): string {
  const counted = runs.filter(steady);
  const each = (counted.length > 0 ? counted : runs).map((r) => r.perSecond / rate(r));
  const median = [...each].sort((a, b) => a - b)[Math.floor(each.length / 2)];
  const shown = runs.map((r) => `${(100 * (r.perSecond / rate(r))).toFixed(0)}%${steady(r) ? '' : '*'}`);
  return `median ${(100 * median).toFixed(0)}%${counted.length > 0 && counted.length < runs.length ? ` of the ${counted.length} steady runs` : ''} (runs ${shown.join(', ')})`;
}

async function measure(client: LoadClient, phase: LoadPhase, perRequest: number): Promise<Omit<PhaseRun, 'decodeRate' | 'decodeBefore' | 'decodeAfter' | 'extractRate' | 'protobufRate'>> {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const mainCpu = threadCpuSeconds(process.pid);
  const pgCpu = postgresCpuSeconds();
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const result = await client.run(phase);
  const serverLoop = performance.eventLoopUtilization(elu).utilization;
  gcObserver.disconnect();
  const { user, system } = process.cpuUsage(cpu);
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    perSecond: ((result.statuses['200'] ?? 0) * perRequest) / result.seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    statuses: result.statuses,
    serverLoop,
    serverThreadCores: mainCpu === null ? null : (threadCpuSeconds(process.pid)! - mainCpu) / result.seconds,
    gcPauses: gcMs / 1000 / result.seconds,
    processCores: (user + system) / 1e6 / result.seconds,
    kernelCores: system / 1e6 / result.seconds,
    postgresCores: pgCpu === null ? null : (postgresCpuSeconds()! - pgCpu) / result.seconds,
  };
}

// CPU seconds one thread of this process has used (Linux /proc), or null elsewhere.
function threadCpuSeconds(tid: number): number | null {
  try {
    return cpuSecondsOf(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')).seconds;
  } catch {
    return null;
  }
}

// The command name and the user + system CPU seconds of a /proc/<pid>/stat line.
function cpuSecondsOf(stat: string): { command: string; seconds: number } {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, close), seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
}

// CPU seconds used so far by every postgres process on this machine (Linux /proc), or null elsewhere.
function postgresCpuSeconds(): number | null {
  try {
    let seconds = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const { command, seconds: used } = cpuSecondsOf(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
        if (command.startsWith('postgres')) seconds += used;
      } catch {
        // The process ended between the listing and the read.
      }
    }
    return seconds;
  } catch {
    return null;
  }
}

function perSecond(bodies: readonly Buffer[], itemsOf: (body: Buffer) => number): number {
  let items = 0;
  const started = performance.now();
  for (const body of bodies) items += itemsOf(body);
  return items / ((performance.now() - started) / 1000);
}

// Every body holds one resource and one scope.
const TRACE_BASELINES: Baselines = {
  bare: (bodies) => perSecond(bodies, (body) => decodeTraceRequest(body, 'protobuf').spanCount),
  extract: (bodies) => perSecond(bodies, (body) => extractInferences(decodeTraceRequest(body, 'protobuf')).inferences.length),
  protobuf: (bodies) =>
    perSecond(bodies, (body) => (ExportTraceServiceRequestType.decode(body) as unknown as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> }).resourceSpans[0].scopeSpans[0].spans.length),
};
const LOGS_BASELINES: Baselines = {
  bare: (bodies) => perSecond(bodies, (body) => decodeLogsRequest(body, 'protobuf').logRecordCount),
  extract: (bodies) =>
    perSecond(bodies, (body) => genAiLogEvents(decodeLogsRequest(body, 'protobuf').resourceLogs[0].scopeLogs[0].logRecords).spans.length),
  protobuf: (bodies) =>
    perSecond(bodies, (body) => (ExportLogsServiceRequestType.decode(body) as unknown as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }> }).resourceLogs[0].scopeLogs[0].logRecords.length),
};

const PHASES: readonly Phase[] = [
  { key: '100', label: '100% sampling', path: '/v1/traces', unit: 'spans', perRequest: SPANS_PER_REQUEST, baselines: TRACE_BASELINES },
  { key: '10', label: '10% sampling', path: '/v1/traces', unit: 'spans', perRequest: SPANS_PER_REQUEST, baselines: TRACE_BASELINES },
  { key: 'logs', label: 'logs', path: '/v1/logs', unit: 'records', perRequest: RECORDS_PER_REQUEST, baselines: LOGS_BASELINES },
];
const [FULL, , LOGS] = PHASES;
const MODEL_OF: Record<string, string> = { '100': 'gpt-full', '10': 'gpt-tenth' };

async function main(): Promise<void> {
  const bench = await createBenchDatabase('bench_ingest');
  const setup = bench.dataSource;
  try {
    const project = await new ProjectRepository(setup).create('bench');
    const models = new ModelRepository(setup);
    await models.create({ projectId: project.id, name: 'gpt-full', sampling: { probability: 1, maxPerMinute: null } });
    await models.create({ projectId: project.id, name: 'gpt-tenth', sampling: { probability: 0.1, maxPerMinute: null } });
    await new PriceCatalogRepository(setup).upsert(project.id, [
      { provider: 'openai', model: 'gpt-full', inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 },
      { provider: 'openai', model: 'gpt-tenth', inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 },
    ]);
    const { secret } = await new ApiKeyService(new ApiKeyRepository(setup)).issue({ projectId: project.id, role: Role.Ingest, name: 'bench' });

    const phases = PHASES.filter((phase) => !process.env.BENCH_PHASE || phase.key === process.env.BENCH_PHASE);
    const withLogs = phases.includes(LOGS);
    // The logs phase needs the 100% phase's spans stored; without that phase they are sent unmeasured.
    const traceSets = PHASES.filter((phase) => phase.unit === 'spans' && (phases.includes(phase) || (phase === FULL && withLogs)));
    process.stdout.write(`building ${ROUNDS * REQUESTS * (traceSets.length + (withLogs ? 1 : 0))} requests of ${SPANS_PER_REQUEST} spans or records\n`);
    let logsChars = 0;
    // Fresh spans for every run: a span sent twice would take the redelivery path.
    const build = (model: string, seq: number, logs: Buffer[] | null): Buffer => {
      const { body, spans } = makeBody(model, seq);
      if (logs && model === MODEL_OF[FULL.key]) {
        const made = makeLogsBody(spans, seq);
        logs.push(made.body);
        logsChars += made.outputChars;
      }
      return body;
    };
    const rounds = Array.from({ length: ROUNDS }, (_, round) => {
      const sets = new Map<string, Buffer[]>();
      const logs = withLogs ? [] : null;
      for (const phase of traceSets) sets.set(phase.label, Array.from({ length: REQUESTS }, (_, i) => build(MODEL_OF[phase.key], round * REQUESTS + i, logs)));
      if (logs) sets.set(LOGS.label, logs);
      return sets;
    });
    // Enough requests of every phase's model for the server's hot paths to be optimised before the first run.
    const warmModels = traceSets.map((phase) => MODEL_OF[phase.key]);
    const warmLogs = withLogs ? [] : null;
    const warm = Array.from({ length: WARM_REQUESTS }, (_, i) => build(warmModels[i % warmModels.length], ROUNDS * REQUESTS + i, warmLogs));
    const kib = (set: readonly Buffer[]): number => Math.round(set.reduce((n, b) => n + b.length, 0) / set.length / 1024);
    // Warms the decoders up before the first baseline.
    for (const phase of phases) {
      const set = rounds[0].get(phase.label)!;
      phase.baselines.protobuf(set);
      phase.baselines.extract(set);
    }

    const running = await startAssay({ ingest: createIngestApp }, benchConfig(bench), createRootLogger('warn'), { bootstrapAdmin: false });
    const urlOf = (phase: Phase): string => `http://127.0.0.1:${running.ports.ingest}${phase.path}`;
    const client = new LoadClient();
    const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${secret}` };
    client.load('warm', warm);
    if (warmLogs) client.load('warm logs', warmLogs);
    rounds.forEach((bodies, round) => {
      for (const [label, set] of bodies) client.load(`${label} #${round}`, set);
    });
    try {
      const accepted = (statuses: Record<string, number>): number => statuses['200'] ?? 0;
      await client.run({ url: urlOf(FULL), headers, bodies: 'warm', concurrency: CONCURRENCY });
      let logsAccepted = 0;
      if (warmLogs) logsAccepted += accepted((await client.run({ url: urlOf(LOGS), headers, bodies: 'warm logs', concurrency: CONCURRENCY })).statuses);
      // BENCH_PROFILE=<file>: a CPU profile of the server's thread during the measured phases.
      const profiler = process.env.BENCH_PROFILE ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      const runs = new Map<string, PhaseRun[]>(phases.map((phase) => [phase.label, []]));
      for (let round = 0; round < ROUNDS; round++) {
        if (withLogs && !phases.includes(FULL)) await client.run({ url: urlOf(FULL), headers, bodies: `${FULL.label} #${round}`, concurrency: CONCURRENCY });
        for (const phase of phases) {
          // The baseline is measured again right before and right after every run, on that run's
          // bodies: this machine's speed drifts by tens of percent between minutes, and a ratio of
          // figures taken minutes apart would measure the drift.
          const bodies = rounds[round].get(phase.label)!;
          const protobufRate = phase.baselines.protobuf(bodies);
          const extractRate = phase.baselines.extract(bodies);
          const decodeBefore = phase.baselines.bare(bodies);
          const run = await measure(client, { url: urlOf(phase), headers, bodies: `${phase.label} #${round}`, concurrency: CONCURRENCY }, phase.perRequest);
          const decodeAfter = phase.baselines.bare(bodies);
          if (phase === LOGS) logsAccepted += accepted(run.statuses);
          runs.get(phase.label)!.push({ ...run, protobufRate, extractRate, decodeBefore, decodeAfter, decodeRate: (decodeBefore + decodeAfter) / 2 });
        }
      }
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
        profiler.disconnect();
      }
      const stored = await setup.query<Array<{ name: string; n: string; seen: string }>>(
        `SELECT m.name, (SELECT count(*) FROM samples s WHERE s.model_id = m.id) AS n,
                (SELECT coalesce(sum(seen), 0) FROM sample_counts c WHERE c.model_id = m.id) AS seen
           FROM models m ORDER BY m.name`,
      );
      const [joined] = withLogs
        ? await setup.query<Array<{ n: string; chars: string | null; pending: string }>>(
            `SELECT count(*) AS n, sum((s.signals->>'output_chars')::bigint) AS chars, (SELECT count(*) FROM pending_evaluations) AS pending
               FROM samples s JOIN models m ON m.id = s.model_id
              WHERE m.name = $1 AND s.signals ? 'output_chars'`,
            [MODEL_OF[FULL.key]],
          )
        : [];

      process.stdout.write(
        `\n${REQUESTS} requests × ${SPANS_PER_REQUEST} spans or log records per run, ${ROUNDS} runs per phase (alternating), ` +
          `${phases.map((phase) => `${kib(rounds[0].get(phase.label)!)} KiB per ${phase.label} protobuf body`).join(', ')}, ${CONCURRENCY} concurrent clients\n`,
      );
      for (const { label, unit } of phases) {
        const sorted = [...runs.get(label)!].sort((a, b) => a.perSecond - b.perSecond);
        const median = sorted[Math.floor(sorted.length / 2)];
        process.stdout.write(
          `${label.padEnd(14)} ${fmt(median.perSecond).padStart(9)} ${unit}/s accepted (median; runs ${runs.get(label)!.map((r) => fmt(r.perSecond)).join(', ')})\n` +
            `${''.padEnd(14)} median run: p50 ${median.p50.toFixed(1)} ms  p99 ${median.p99.toFixed(1)} ms  statuses ${JSON.stringify(median.statuses)}\n` +
            `${''.padEnd(14)} CPU in cores: server event loop busy ${median.serverLoop.toFixed(2)}` +
            `${median.serverThreadCores === null ? '' : ` (on a core ${median.serverThreadCores.toFixed(2)})`}, GC pauses ${median.gcPauses.toFixed(2)}, ` +
            `bench process ${median.processCores.toFixed(2)} (kernel ${median.kernelCores.toFixed(2)})` +
            `${median.postgresCores === null ? '' : `, PostgreSQL ${median.postgresCores.toFixed(2)}`}\n` +
            `${''.padEnd(14)} bare decode around each run: ${runs.get(label)!.map((r) => `${fmt(r.decodeBefore)}/${fmt(r.decodeAfter)}`).join(', ')} ${unit}/s; ` +
            `accepted / bare decode: ${ratios(runs.get(label)!, (r) => r.decodeRate)}\n` +
            `${''.padEnd(14)} for comparison: accepted / (decode + ${unit === 'spans' ? 'extraction' : 'GenAI event reading'}) ${ratios(runs.get(label)!, (r) => r.extractRate)}; ` +
            `accepted / protobufjs decoder alone ${ratios(runs.get(label)!, (r) => r.protobufRate)}\n`,
        );
      }
      process.stdout.write(
        'bare decode: decodeTraceRequest (protobuf to spans with hex ids and attribute values), for logs decodeLogsRequest, over the same bodies, one thread,\n' +
          `  right before and after each run (ratios use their mean; * marks a run during which it changed by more than ${100 * MAX_BASELINE_DRIFT}%, left out of the median);\n` +
          '  decode + extraction adds the mapping to inference records, decode + GenAI event reading the per-span signals of the log records;\n' +
          '  the protobufjs decoder alone yields messages the ingest cannot use as they are\n',
      );
      process.stdout.write(`peak RSS (server and client thread): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
      for (const r of stored) process.stdout.write(`stored: ${r.name} ${r.n} samples of ${r.seen} seen\n`);
      // A build before journeys has no journey tables: the same bodies then measure it without them.
      const [{ journeys }] = await setup.query<Array<{ journeys: boolean }>>(`SELECT to_regclass('journey_counts') IS NOT NULL AS journeys`);
      if (journeys) {
        const perJourney = await setup.query<Array<{ name: string; journeys: string; seen: string; sketched: string }>>(
          `SELECT m.name, count(DISTINCT c.journey) AS journeys, sum(c.seen) AS seen,
                  (SELECT coalesce(sum(calls_with_input), 0) FROM journey_input_sketches WHERE project_id = m.project_id) AS sketched
             FROM journey_counts c JOIN models m ON m.id = c.model_id GROUP BY m.name, m.project_id ORDER BY m.name`,
        );
        for (const r of perJourney) process.stdout.write(`journeys: ${r.name} ${r.journeys} journeys, ${r.seen} seen; input sketches of the project hold ${r.sketched} calls so far\n`);
      } else process.stdout.write('journeys: not recorded by this build\n');
      if (joined) {
        const records = logsAccepted * RECORDS_PER_REQUEST;
        const chars = Number(joined.chars ?? 0);
        process.stdout.write(
          `joined: ${fmt(Number(joined.n))} ${MODEL_OF[FULL.key]} samples carry output_chars of ${fmt(records)} log records accepted (warm-up included), ` +
            `${fmt(chars)} of ${fmt(logsChars)} characters; ${joined.pending} kept pending` +
            `${Number(joined.n) === records && chars === logsChars && joined.pending === '0' ? '' : ' — some records did not join their sample'}\n`,
        );
      }
    } finally {
      await client.close();
      await running.close();
    }
  } finally {
    await bench.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
