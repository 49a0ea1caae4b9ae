// The ingest's planning of one OTLP/protobuf request (skim, extraction, matching, counting, the coin,
// signals of the kept spans) in one thread, without HTTP or PostgreSQL: spans/s over the bodies of
// bench:ingest's 10% phase, against a bare decode of the same bodies measured around each run.
// Spans as bench:ingest builds them (each names one of eight journeys and carries a 150–400 character prompt).
//   npm run build && node dist/bench/plan.bench.js [rounds]
// PLAN_BENCH_BEFORE=<another build's dist/> plans the same bodies with that build too, alternating run by
// run in this process, so that a before/after ratio is not the machine's drift between two processes.
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { compileCatalog } from '@assay/models';
import { decodeTraceRequest } from '@assay/otlp';
import { planIngest } from '../apps/ingest/src/ingest-plan.js';

const rounds = Number(process.argv[2] ?? 5);
const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'support-app', 'service.version': '2.4.1' }) }).getTracer('openai-instrumentation', '0.9.0');
const WORDS = 'the order ships within three business days and you can follow it from your account page once the label is printed'.split(' ');
const words = (length: number, from: number): string => {
  let text = '';
  for (let w = from % WORDS.length; text.length < length; w = (w + 1) % WORDS.length) text += `${WORDS[w]} `;
  return text.slice(0, length);
};
const prompt = (seq: number, i: number): string =>
  JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: (seq * 7 + i) % 10 < 3 ? `Where is my order ${(seq + i) % 20}? ${words(90, 0)}` : `Request ${seq}-${i}: ${words(100 + ((seq * 13 + i * 7) % 250), seq + i)}` }] }]);

function body(model: string, seq: number): Buffer {
  const spans: ReadableSpan[] = [];
  const now = Date.now();
  for (let i = 0; i < 100; i++) {
    const end = now - i * 3;
    const span = tracer.startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      startTime: end - 200 - ((seq * 7 + i * 13) % 900),
      attributes: {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': model, 'gen_ai.response.model': model,
        'gen_ai.response.id': `chatcmpl-${seq}-${i}`, 'gen_ai.response.finish_reasons': [i % 23 === 0 ? 'length' : 'stop'],
        'gen_ai.usage.input_tokens': 300 + ((seq + i * 31) % 700), 'gen_ai.usage.output_tokens': 40 + ((seq + i * 17) % 300),
        'gen_ai.usage.cache_read.input_tokens': (i * 11) % 200, 'gen_ai.request.temperature': 0.2, 'gen_ai.request.top_p': 0.9, 'gen_ai.request.max_tokens': 1024,
        'gen_ai.conversation.id': `conv-${seq % 50}-${i % 10}`, 'server.address': 'api.openai.com', 'server.port': 443,
        'assay.model.version': i % 2 === 0 ? 'v1' : 'v2', 'app.tenant': `tenant-${i % 12}`, 'app.feature': 'answer', 'http.response.status_code': 200,
        'user.tier': i % 3 === 0 ? 'pro' : 'free', 'assay.journey': `journey-${(seq + i) % 8}`, 'gen_ai.input.messages': prompt(seq, i),
      },
    });
    span.end(end);
    spans.push(span as unknown as ReadableSpan);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

const bodies = Array.from({ length: 300 }, (_, i) => body('gpt-tenth', i));
const spans = bodies.length * 100;
const catalog = compileCatalog({
  models: [{ id: '00000000-0000-4000-8000-000000000001', name: 'gpt-tenth', match: {}, versionAttribute: 'assay.model.version', sampling: { probability: 0.1, maxPerMinute: null }, energy: null, customSignals: [] }],
  prices: [{ provider: 'openai', model: 'gpt-tenth', inputPerMillion: 2.5, outputPerMillion: 10 }],
  autoRegisterModels: false,
} as Parameters<typeof compileCatalog>[0]);
const seconds = (work: () => void): number => {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
};
const decode = (): number => spans / seconds(() => bodies.forEach((b) => decodeTraceRequest(b, 'protobuf')));
type Planner = { planIngest: typeof planIngest; compileCatalog: typeof compileCatalog };
const planWith = (planner: Planner): (() => number) => {
  const compiled = planner.compileCatalog(catalog.source);
  return () => spans / seconds(() => bodies.forEach((b) => planner.planIngest(b, 'protobuf', compiled, { nowMs: Date.now(), maxAgeMs: 30 * 86_400_000, collectUnknownModels: false })));
};
const builds: Array<[string, () => number]> = [['this build', planWith({ planIngest, compileCatalog })]];
const other = process.env.PLAN_BENCH_BEFORE;
if (other) {
  const { planIngest: otherPlan } = (await import(`${other}/apps/ingest/src/ingest-plan.js`)) as Planner;
  const { compileCatalog: otherCompile } = (await import(`${other}/libs/models/src/index.js`)) as Planner;
  builds.unshift(['before', planWith({ planIngest: otherPlan, compileCatalog: otherCompile })]);
}
for (const [, plan] of builds) plan();
decode();
const ratios = new Map<string, number[]>(builds.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, plan] of builds) {
    const before = decode();
    const planned = plan();
    const after = decode();
    const ratio = (planned * 2) / (before + after);
    ratios.get(name)!.push(ratio);
    process.stdout.write(`${name.padEnd(10)} plan ${Math.round(planned)} spans/s, bare decode ${Math.round(before)}/${Math.round(after)}: ${(100 * ratio).toFixed(0)}%\n`);
  }
}
for (const [name, each] of ratios) process.stdout.write(`${name}: median plan / bare decode ${(100 * [...each].sort((a, b) => a - b)[Math.floor(each.length / 2)]).toFixed(0)}%\n`);
