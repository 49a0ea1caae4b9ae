import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, context, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OtlpReceiver } from '@assay/ingest';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

interface SamplePage {
  items: Array<{ traceId: string; spanId: string; version: string; time: string; signals: Record<string, number | string> }>;
  seen: number;
  sampled: number;
}

function tracer(assay: TestAssay, key: string, format: 'protobuf' | 'json', serviceName = 'support-app'): BasicTracerProvider {
  const options = { url: `${assay.ingestUrl}/v1/traces`, headers: { Authorization: `Bearer ${key}` } };
  const exporter = format === 'json' ? new JsonExporter(options) : new ProtoExporter(options);
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '9.9.9' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

function inference(provider: BasicTracerProvider, model: string, extra: Attributes = {}, evaluation?: Attributes, end = Date.now()): { traceId: string; spanId: string } {
  const span = provider.getTracer('app').startSpan(`chat ${model}`, {
    kind: SpanKind.CLIENT,
    startTime: end - 250,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'call 555-12-3456 now' }], finish_reason: 'stop' }]),
      'assay.model.version': 'v1',
      ...extra,
    },
  });
  if (evaluation) span.addEvent('gen_ai.evaluation.result', evaluation, end);
  span.end(end);
  return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

async function samples(assay: TestAssay, project: SeededProject, model: string, query = ''): Promise<SamplePage> {
  const response = await call<SamplePage>('GET', `${assay.apiUrl}/v1/models/${model}/samples${query}`, { key: project.keys.auditor.key });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

async function createModel(assay: TestAssay, project: SeededProject, body: Record<string, unknown>): Promise<void> {
  const response = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: body });
  assert.equal(response.status, 201, response.text);
}

describe(OtlpReceiver.name, () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    // On a planner thread, whatever this machine's default: the other ingest tests plan on the event loop.
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { ASSAY_INGEST_MAX_BODY: '4MiB', ASSAY_INGEST_THREADS: '1' } });
    project = await seedProject(assay);
    await createModel(assay, project, {
      name: 'gpt-4o-mini',
      customSignals: [
        { name: 'ssn_found', kind: 'categorical', source: { type: 'regex_match', pattern: '\\d{3}-\\d{2}-\\d{4}', target: 'output_text' } },
        { name: 'app.tier', kind: 'categorical', source: { type: 'span_attribute', key: 'app.tier' } },
      ],
      energy: { whPerThousandTokens: 0.3, gCo2ePerWh: 0.4 },
    });
    const prices = await call('PUT', `${assay.apiUrl}/v1/prices`, {
      key: project.keys.owner.key,
      json: { prices: [{ provider: 'openai', model: 'gpt-4o-mini', inputPerMillion: 0.15, outputPerMillion: 0.6 }] },
    });
    assert.equal(prices.status, 200, prices.text);
  });
  after(async () => {
    await assay.close();
  });

  for (const format of ['protobuf', 'json'] as const) {
    it(`stores spans sent by the OpenTelemetry SDK's ${format} exporter with their signals`, async () => {
      const provider = tracer(assay, project.keys.ingest.key, format);
      const sent = inference(provider, 'gpt-4o-mini', { 'app.tier': format }, { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.75 });
      await provider.forceFlush();
      await provider.shutdown();

      const page = await samples(assay, project, 'gpt-4o-mini');
      const stored = page.items.find((s) => s.spanId === sent.spanId);
      assert.ok(stored, `span ${sent.spanId} not among ${page.items.length} samples`);
      assert.equal(stored.traceId, sent.traceId);
      assert.equal(stored.version, 'v1');
      assert.equal(stored.signals.latency_ms, 250);
      assert.equal(stored.signals.input_tokens, 1000);
      assert.equal(stored.signals.output_tokens, 500);
      assert.equal(stored.signals.finish_reason, 'stop');
      assert.equal(stored.signals.provider, 'openai');
      assert.ok(Math.abs((stored.signals.cost_usd as number) - (1000 * 0.15 + 500 * 0.6) / 1e6) < 1e-12);
      assert.ok(Math.abs((stored.signals.energy_wh as number) - 0.45) < 1e-12);
      assert.ok(Math.abs((stored.signals.co2e_g as number) - 0.18) < 1e-12);
      assert.equal(stored.signals.ssn_found, 'true');
      assert.equal(stored.signals['app.tier'], format);
      assert.equal(stored.signals['eval.relevance.score'], 0.75);
    });
  }

  it('attaches an evaluation that arrives in a later request, by parent span', async () => {
    const provider = tracer(assay, project.keys.ingest.key, 'protobuf');
    const sent = inference(provider, 'gpt-4o-mini');
    await provider.forceFlush();
    const parent = trace.setSpanContext(context.active(), { traceId: sent.traceId, spanId: sent.spanId, traceFlags: 1 });
    const evalSpan = provider.getTracer('evaluator').startSpan('evaluate', {}, parent);
    evalSpan.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'faithfulness', 'gen_ai.evaluation.score.value': 0.5, 'gen_ai.evaluation.score.label': 'partial' });
    evalSpan.end();
    await provider.forceFlush();
    await provider.shutdown();

    const stored = (await samples(assay, project, 'gpt-4o-mini')).items.find((s) => s.spanId === sent.spanId);
    assert.equal(stored?.signals['eval.faithfulness.score'], 0.5);
    assert.equal(stored?.signals['eval.faithfulness.label'], 'partial');
  });

  it('counts seen and sampled per version, and stores a span delivered twice once', async () => {
    const name = uniqueName('m').toLowerCase();
    await createModel(assay, project, { name, sampling: { probability: 1, maxPerMinute: 3 } });
    const provider = tracer(assay, project.keys.ingest.key, 'protobuf');
    for (let i = 0; i < 5; i++) inference(provider, name);
    await provider.forceFlush();
    await provider.shutdown();

    const page = await samples(assay, project, name, '?version=v1');
    assert.deepEqual([page.items.length, page.seen, page.sampled], [3, 5, 3]);
    assert.deepEqual((await samples(assay, project, name, '?version=v2')).items, []);
  });

  it('keeps one per-minute cap across ingest replicas: they count it together in Redis', async () => {
    const replica = await startTestAssay({ apps: ['ingest'], env: { DATABASE_URL: assay.databaseUrl, ASSAY_QUEUE_PREFIX: assay.queuePrefix } });
    try {
      const name = uniqueName('m').toLowerCase();
      await createModel(assay, project, { name, sampling: { probability: 1, maxPerMinute: 4 } });
      const providers = [tracer(assay, project.keys.ingest.key, 'protobuf'), tracer(replica, project.keys.ingest.key, 'json')];
      const end = Date.now();
      for (let i = 0; i < 10; i++) inference(providers[i % 2], name, {}, undefined, end);
      for (const provider of providers) {
        await provider.forceFlush();
        await provider.shutdown();
      }

      const page = await samples(assay, project, name);
      assert.deepEqual([page.items.length, page.seen, page.sampled], [4, 10, 4]);
    } finally {
      await replica.close();
    }
  });

  it('counts spans that match no model per service, readable by owners and auditors only', async () => {
    const service = uniqueName('svc').toLowerCase();
    const provider = tracer(assay, project.keys.ingest.key, 'protobuf', service);
    for (let i = 0; i < 4; i++) inference(provider, 'not-a-registered-model');
    inference(provider, 'gpt-4o-mini');
    await provider.forceFlush();
    await provider.shutdown();

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const read = await call('GET', `${assay.apiUrl}/v1/ingest/unmatched?from=${from}`, { key: project.keys.auditor.key });
    assert.equal(read.status, 200, read.text);
    const services = (read.body as unknown as { services: Array<{ serviceName: string; count: number }> }).services;
    assert.deepEqual(services.find((s) => s.serviceName === service), { serviceName: service, count: 4 });

    const asIngest = await call('GET', `${assay.apiUrl}/v1/ingest/unmatched`, { key: project.keys.ingest.key });
    assert.equal(asIngest.status, 403);
    const backwards = await call('GET', `${assay.apiUrl}/v1/ingest/unmatched?from=${new Date().toISOString()}&to=${from}`, { key: project.keys.owner.key });
    assert.equal(backwards.status, 400);
    assert.equal((backwards.body as { message?: string }).message, '"from" must be before "to"');
  });
});
