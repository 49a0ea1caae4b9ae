import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonLogsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

interface SamplePage {
  items: Array<{ spanId: string; signals: Record<string, number | string> }>;
}

const resource = resourceFromAttributes({ 'service.name': 'log-based-app', 'service.version': '1.0.0' });

describe('OTLP logs and metrics', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let model: string;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    model = uniqueName('gpt-4o-mini');
    const created = await call('POST', `${assay.apiUrl}/v1/models`, {
      key: project.keys.owner.key,
      json: {
        name: model,
        customSignals: [
          { name: 'mentions_paris', kind: 'numeric', source: { type: 'regex_match', pattern: 'Paris', target: 'output_text' } },
          { name: 'asks_question', kind: 'numeric', source: { type: 'regex_match', pattern: '\\?$', target: 'input_text' } },
        ],
      },
    });
    assert.equal(created.status, 201, created.text);
  });
  after(async () => {
    await assay.close();
  });

  async function post(path: string, body: Uint8Array, contentType: string): Promise<Response> {
    return fetch(`${assay.ingestUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${project.keys.ingest.key}`, 'Content-Type': contentType },
      body,
    });
  }

  /** A chat span without content, as the official OpenAI instrumentation sends it, and its gen_ai.choice log record. */
  function callOnce(text: string): { spanId: string; trace: () => Promise<void>; logs: (format: 'protobuf' | 'json') => Promise<Response> } {
    const provider = new BasicTracerProvider({
      resource,
      // Exported only when the test flushes, so that it decides which of span and log record comes first.
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${assay.ingestUrl}/v1/traces`, headers: { Authorization: `Bearer ${project.keys.ingest.key}` } }), {
          scheduledDelayMillis: 600_000,
        }),
      ],
    });
    const span = provider.getTracer('@opentelemetry/instrumentation-openai').startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.response.model': `${model}-2024-07-18`,
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
        'gen_ai.response.finish_reasons': ['stop'],
      },
    });
    const logExporter = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
    const logger = loggerProvider.getLogger('@opentelemetry/instrumentation-openai');
    logger.emit({
      eventName: 'gen_ai.user.message',
      context: trace.setSpan(context.active(), span),
      attributes: { 'gen_ai.system': 'openai' },
      body: { content: 'What is the capital of France?' },
    });
    logger.emit({
      eventName: 'gen_ai.choice',
      context: trace.setSpan(context.active(), span),
      attributes: { 'gen_ai.system': 'openai' },
      body: { index: 0, finish_reason: 'stop', message: { content: text } },
    });
    span.end();
    return {
      spanId: span.spanContext().spanId,
      trace: async () => {
        await provider.forceFlush();
        await provider.shutdown();
      },
      logs: async (format) => {
        const records = logExporter.getFinishedLogRecords();
        assert.equal(records.length, 2);
        return format === 'json'
          ? post('/v1/logs', JsonLogsSerializer.serializeRequest(records)!, 'application/json')
          : post('/v1/logs', ProtobufLogsSerializer.serializeRequest(records)!, 'application/x-protobuf');
      },
    };
  }

  async function signalsOf(spanId: string): Promise<Record<string, number | string> | undefined> {
    const page = await call<SamplePage>('GET', `${assay.apiUrl}/v1/models/${model}/samples?limit=100`, { key: project.keys.auditor.key });
    assert.equal(page.status, 200, page.text);
    return page.body.items.find((s) => s.spanId === spanId)?.signals;
  }

  it('joins a gen_ai.choice log record sent after its span to the sample (protobuf)', async () => {
    const sent = callOnce('The capital of France is Paris.');
    await sent.trace();
    assert.equal((await signalsOf(sent.spanId))?.output_chars, undefined);
    const answer = await sent.logs('protobuf');
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(answer.headers.get('content-type'), 'application/x-protobuf');
    const signals = await signalsOf(sent.spanId);
    assert.equal(signals?.output_chars, 31);
    assert.equal(signals?.mentions_paris, 1);
    assert.equal(signals?.asks_question, 1);
    assert.equal(signals?.response_model, `${model}-2024-07-18`);
  });

  it('keeps a log record that arrives before its span until the span is stored (JSON)', async () => {
    const sent = callOnce('Bonjour');
    const answer = await sent.logs('json');
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.deepEqual(await answer.json(), {});
    await sent.trace();
    const signals = await signalsOf(sent.spanId);
    assert.equal(signals?.output_chars, 7);
    assert.equal(signals?.mentions_paris, 0);
    assert.equal(signals?.asks_question, 1);
  });

  it('refuses, by partialSuccess, the log records past the project\'s 10,000 waiting for their spans', async () => {
    const crowded = await seedProject(assay);
    const orphans = (count: number): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']> => {
      const exporter = new InMemoryLogRecordExporter();
      const logger = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] }).getLogger('@opentelemetry/instrumentation-openai');
      const tracer = new BasicTracerProvider().getTracer('orphans');
      for (let i = 0; i < count; i++) {
        // Spans that are never exported: their records can only wait.
        const span = tracer.startSpan('chat');
        logger.emit({ eventName: 'gen_ai.choice', context: trace.setSpan(context.active(), span), body: { index: 0, finish_reason: 'stop', message: { content: 'ok' } } });
      }
      return exporter.getFinishedLogRecords();
    };
    const send = (body: Uint8Array, contentType: string): Promise<Response> =>
      fetch(`${assay.ingestUrl}/v1/logs`, { method: 'POST', headers: { Authorization: `Bearer ${crowded.keys.ingest.key}`, 'Content-Type': contentType }, body });
    for (let sent = 0; sent < 10_000; sent += 2_500) {
      const filled = await send(ProtobufLogsSerializer.serializeRequest(orphans(2_500))!, 'application/x-protobuf');
      assert.equal(filled.status, 200, await filled.clone().text());
    }
    const past = await send(JsonLogsSerializer.serializeRequest(orphans(3))!, 'application/json');
    assert.equal(past.status, 200);
    const answer = (await past.json()) as { partialSuccess?: { rejectedLogRecords: string | number; errorMessage: string } };
    assert.equal(Number(answer.partialSuccess?.rejectedLogRecords), 3);
    assert.match(answer.partialSuccess!.errorMessage, /has not arrived and the project already holds 10000 evaluations waiting for theirs/);
  });

  it('acknowledges GenAI client metrics and any other metric', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource, readers: [reader] });
    const meter = meters.getMeter('@opentelemetry/instrumentation-openai');
    meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' }).record(12, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': model });
    meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(0.25, { 'gen_ai.request.model': model });
    meter.createCounter('http.server.requests').add(3);
    await reader.forceFlush();
    const metrics = exporter.getMetrics();
    assert.ok(metrics.length > 0);
    const answer = await post('/v1/metrics', ProtobufMetricsSerializer.serializeRequest(metrics[0])!, 'application/x-protobuf');
    assert.equal(answer.status, 200, await answer.clone().text());
    await meters.shutdown();
    const scraped = await (await fetch(`${assay.ingestUrl}/metrics`)).text();
    assert.match(scraped, /assay_ingest_metrics_total\{kind="gen_ai.client.token.usage"\} [1-9]/);
    assert.match(scraped, /assay_ingest_metrics_total\{kind="other"\} [1-9]/);
  });

  it('refuses a logs body that is not OTLP with 400 and a reason, and a non-ingest key with 403', async () => {
    const bad = await post('/v1/logs', new TextEncoder().encode('{"resourceLogs": 3}'), 'application/json');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /resourceLogs/);
    const forbidden = await fetch(`${assay.ingestUrl}/v1/metrics`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${project.keys.owner.key}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(forbidden.status, 403);
    assert.match(await forbidden.text(), /sending metrics needs an ingest key/);
  });
});
