import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, InstrumentType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { decodeMetricsRequest } from './decode-metrics-request.js';
import { foldPoint, genAiClientMetricPoints } from './genai-client-metrics.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function collect(temporality: AggregationTemporality, exponential: boolean, record: (meter: ReturnType<MeterProvider['getMeter']>) => void) {
  const reader = new CollectingReader({ aggregationTemporalitySelector: (type) => (type === InstrumentType.HISTOGRAM ? temporality : AggregationTemporality.CUMULATIVE) });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api', 'service.version': '2.0.0' }),
    readers: [reader],
    views: exponential ? [{ instrumentName: 'gen_ai.client.operation.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }] : [],
  });
  record(provider.getMeter('@opentelemetry/instrumentation-openai'));
  const { resourceMetrics } = await reader.collect();
  return genAiClientMetricPoints(decodeMetricsRequest(Buffer.from(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!), 'protobuf'));
}

const CALL = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai.chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' };

describe(genAiClientMetricPoints.name, () => {
  it('reads operations, failures, seconds and tokens by type from the SDK\'s own histograms', async () => {
    const { points, otherTokenTypes } = await collect(AggregationTemporality.DELTA, true, (meter) => {
      const tokens = meter.createHistogram('gen_ai.client.token.usage', { valueType: ValueType.INT });
      tokens.record(120, { ...CALL, 'gen_ai.token.type': 'input' });
      tokens.record(80, { ...CALL, 'gen_ai.token.type': 'input' });
      tokens.record(40, { ...CALL, 'gen_ai.token.type': 'output' });
      tokens.record(7, { ...CALL, 'gen_ai.token.type': 'cached_input' });
      const duration = meter.createHistogram('gen_ai.client.operation.duration');
      duration.record(0.25, CALL);
      duration.record(1.5, { ...CALL, 'error.type': '429' });
      meter.createHistogram('http.client.request.duration').record(0.1);
    });
    assert.equal(otherTokenTypes, 1);
    const summary = points
      .map((p) => ({ field: p.field, failed: p.failed, count: p.count, sum: p.sum, cumulative: p.cumulative, provider: p.provider, request: p.requestModel, version: p.serviceVersion }))
      .sort((a, b) => (a.field + a.failed < b.field + b.failed ? -1 : 1));
    const common = { cumulative: false, provider: 'openai', request: 'gpt-4o-mini', version: '2.0.0' };
    assert.deepEqual(summary, [
      { field: 'input_tokens', failed: false, count: 2, sum: 200, ...common },
      { field: 'operations', failed: false, count: 1, sum: 0.25, ...common },
      { field: 'operations', failed: true, count: 1, sum: 1.5, ...common },
      { field: 'output_tokens', failed: false, count: 1, sum: 40, ...common },
    ]);
    assert.equal(new Set(points.map((p) => p.series)).size, 4);
  });

  it('gives a series the same identity in every export', async () => {
    const once = await collect(AggregationTemporality.CUMULATIVE, false, (meter) => meter.createHistogram('gen_ai.client.operation.duration').record(1, CALL));
    const again = await collect(AggregationTemporality.CUMULATIVE, false, (meter) => meter.createHistogram('gen_ai.client.operation.duration').record(2, CALL));
    assert.equal(once.points[0].series, again.points[0].series);
    assert.equal(once.points[0].cumulative, true);
  });
});

describe(foldPoint.name, () => {
  const point = (start: bigint, count: number, sum: number, cumulative = true) => ({ cumulative, startTimeUnixNano: start, count, sum });

  it('adds a delta point whole, and keeps no state for it', () => {
    assert.deepEqual(foldPoint(point(5n, 3, 1.5, false), { startTimeUnixNano: 5n, count: 10, sum: 9 }), { count: 3, sum: 1.5, next: null });
  });

  it('adds the difference of a cumulative point from the last of its series', () => {
    const first = foldPoint(point(5n, 3, 1.5), null);
    assert.deepEqual(first, { count: 3, sum: 1.5, next: { startTimeUnixNano: 5n, count: 3, sum: 1.5 } });
    assert.deepEqual(foldPoint(point(5n, 7, 4), first.next), { count: 4, sum: 2.5, next: { startTimeUnixNano: 5n, count: 7, sum: 4 } });
    assert.deepEqual(foldPoint(point(5n, 7, 4), { startTimeUnixNano: 5n, count: 7, sum: 4 }).count, 0);
  });

  it('starts over on a restarted series and ignores a point older than the last', () => {
    const last = { startTimeUnixNano: 5n, count: 7, sum: 4 };
    assert.deepEqual(foldPoint(point(9n, 2, 1), last), { count: 2, sum: 1, next: { startTimeUnixNano: 9n, count: 2, sum: 1 } });
    assert.deepEqual(foldPoint(point(5n, 6, 3), last), { count: 0, sum: 0, next: last });
  });
});
