import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics as SdkResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { decodeMetricsRequest } from './decode-metrics-request.js';
import type { Metric, MetricData, MetricsRequest } from './metrics-request.js';
import { OtlpError } from './otlp-error.js';
import { ExportMetricsServiceRequestType } from './otlp-schema.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One collection from the OpenTelemetry JS SDK: histogram instruments (explicit and exponential) delta, everything else cumulative. */
async function sdkResourceMetrics(): Promise<SdkResourceMetrics> {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (type) =>
      type === InstrumentType.HISTOGRAM ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api' }),
    readers: [reader],
    views: [
      { instrumentName: 'gen_ai.client.token.usage', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [1, 4, 16, 64, 256] } } },
      { instrumentName: 'gen_ai.client.operation.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('genai-instrumentation', '1.2.3');
  const tokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}', description: 'Tokens used', valueType: ValueType.INT });
  for (const value of [10, 100, 3]) tokens.record(value, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  duration.record(0.5);
  duration.record(2);
  const requests = meter.createCounter('requests', { valueType: ValueType.INT });
  requests.add(3);
  requests.add(4);
  meter.createUpDownCounter('queue.depth').add(1.5);
  meter.createGauge('temperature').record(21.25, { room: 'a' });
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  return resourceMetrics;
}

function metricNamed(request: MetricsRequest, name: string): Metric {
  const metric = request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.name === name);
  assert.ok(metric, `no metric ${name}`);
  return metric;
}

function dataOf<T extends MetricData['type']>(metric: Metric, type: T): Extract<MetricData, { type: T }> {
  assert.equal(metric.data?.type, type);
  return metric.data as Extract<MetricData, { type: T }>;
}

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function jsonRequest(metric: Record<string, unknown>): Buffer {
  return jsonBody({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });
}

function protobufRequest(metric: Record<string, unknown>): Buffer {
  const request = { resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] };
  return Buffer.from(ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(request)).finish());
}

function onlyMetric(request: MetricsRequest): Metric {
  return request.resourceMetrics[0].scopeMetrics[0].metrics[0];
}

function badRequest(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OtlpError, String(error));
    assert.equal(error.kind, 'bad_request');
    assert.match(error.message, pattern);
    return true;
  };
}

describe(decodeMetricsRequest.name, () => {
  for (const format of ['protobuf', 'json'] as const) {
    describe(`SDK ${format} output`, () => {
      let request: MetricsRequest;
      before(async () => {
        const serializer = format === 'protobuf' ? ProtobufMetricsSerializer : JsonMetricsSerializer;
        request = decodeMetricsRequest(Buffer.from(serializer.serializeRequest(await sdkResourceMetrics())!), format);
      });

      it('counts metrics and data points and keeps resource and scope', () => {
        assert.equal(request.metricCount, 5);
        assert.equal(request.dataPointCount, 5);
        assert.equal(request.resourceMetrics[0].resource.attributes['service.name'], 'chat-api');
        assert.deepEqual(
          { name: request.resourceMetrics[0].scopeMetrics[0].scope.name, version: request.resourceMetrics[0].scopeMetrics[0].scope.version },
          { name: 'genai-instrumentation', version: '1.2.3' },
        );
      });

      it('decodes an explicit-bucket histogram: count, sum, buckets, bounds, min, max, delta', () => {
        const metric = metricNamed(request, 'gen_ai.client.token.usage');
        assert.equal(metric.unit, '{token}');
        assert.equal(metric.description, 'Tokens used');
        const data = dataOf(metric, 'histogram');
        assert.equal(data.aggregationTemporality, 1);
        const [point] = data.dataPoints;
        assert.deepEqual(point.attributes, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' });
        assert.equal(point.count, 3);
        assert.equal(point.sum, 113);
        assert.deepEqual(point.explicitBounds, [1, 4, 16, 64, 256]);
        assert.deepEqual(point.bucketCounts, [0, 1, 1, 0, 1, 0]);
        assert.equal(point.min, 3);
        assert.equal(point.max, 100);
        assert.equal(typeof point.timeUnixNano, 'bigint');
        assert.ok(point.timeUnixNano >= point.startTimeUnixNano && point.startTimeUnixNano > 1_600_000_000_000_000_000n);
      });

      it('decodes an exponential histogram with the temporality its instrument kind was given', () => {
        const data = dataOf(metricNamed(request, 'gen_ai.client.operation.duration'), 'exponentialHistogram');
        assert.equal(data.aggregationTemporality, 1);
        const [point] = data.dataPoints;
        assert.equal(point.count, 2);
        assert.equal(point.sum, 2.5);
        assert.equal(point.min, 0.5);
        assert.equal(point.max, 2);
        assert.equal(point.zeroCount, 0);
        assert.equal(typeof point.scale, 'number');
        assert.equal(
          point.positive.bucketCounts.reduce((a, b) => a + b, 0),
          2,
        );
      });

      it('tells int sums from double sums and keeps monotonicity', () => {
        const requests = dataOf(metricNamed(request, 'requests'), 'sum');
        assert.deepEqual(
          { temporality: requests.aggregationTemporality, monotonic: requests.isMonotonic, value: requests.dataPoints[0].value, type: requests.dataPoints[0].valueType },
          { temporality: 2, monotonic: true, value: 7, type: 'int' },
        );
        const queue = dataOf(metricNamed(request, 'queue.depth'), 'sum');
        assert.deepEqual({ monotonic: queue.isMonotonic, value: queue.dataPoints[0].value, type: queue.dataPoints[0].valueType }, { monotonic: false, value: 1.5, type: 'double' });
      });

      it('decodes a gauge', () => {
        const [point] = dataOf(metricNamed(request, 'temperature'), 'gauge').dataPoints;
        assert.deepEqual({ value: point.value, type: point.valueType, attributes: point.attributes }, { value: 21.25, type: 'double', attributes: { room: 'a' } });
      });
    });

    it(`decodes an empty ${format} body as a request without metrics`, () => {
      assert.deepEqual(decodeMetricsRequest(Buffer.alloc(0), format), { resourceMetrics: [], metricCount: 0, dataPointCount: 0, truncatedValues: 0 });
    });

    it(`decodes a summary, an exemplar and a metric without data (${format})`, () => {
      const summary = {
        name: 'latency',
        summary: {
          dataPoints: [
            { count: '4', sum: 10.5, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 0.99, value: 7.5 }], timeUnixNano: '1700000000000000000' },
          ],
        },
      };
      const sum = format === 'json'
        ? { name: 'tokens', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', isMonotonic: true, dataPoints: [{ asInt: '9007199254740993', exemplars: [{ asDouble: 1, traceId: '0AF7651916CD43DD8448EB211C80319C', spanId: 'b7ad6b7169203331' }] }] } }
        : { name: 'tokens', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: '9007199254740993', exemplars: [{ asDouble: 1, traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'), spanId: Buffer.from('b7ad6b7169203331', 'hex') }] }] } };
      const decode = (metric: Record<string, unknown>): Metric =>
        onlyMetric(decodeMetricsRequest(format === 'json' ? jsonRequest(metric) : protobufRequest(metric), format));

      const [summaryPoint] = dataOf(decode(summary), 'summary').dataPoints;
      assert.deepEqual(
        { count: summaryPoint.count, sum: summaryPoint.sum, quantiles: summaryPoint.quantileValues, time: summaryPoint.timeUnixNano },
        { count: 4, sum: 10.5, quantiles: [{ quantile: 0.5, value: 2 }, { quantile: 0.99, value: 7.5 }], time: 1700000000000000000n },
      );

      const sumData = dataOf(decode(sum), 'sum');
      assert.equal(sumData.aggregationTemporality, 1);
      assert.deepEqual({ value: sumData.dataPoints[0].value, type: sumData.dataPoints[0].valueType }, { value: 9007199254740992, type: 'int' });
      assert.deepEqual(sumData.dataPoints[0].exemplars[0], {
        filteredAttributes: {},
        timeUnixNano: 0n,
        value: 1,
        valueType: 'double',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
      });

      assert.equal(decode({ name: 'empty' }).data, null);
    });

    it(`leaves an unset histogram sum, min and max null (${format})`, () => {
      const metric = { name: 'h', histogram: { dataPoints: [{ count: 1, bucketCounts: [1] }] } };
      const [point] = dataOf(onlyMetric(decodeMetricsRequest(format === 'json' ? jsonRequest(metric) : protobufRequest(metric), format)), 'histogram').dataPoints;
      assert.deepEqual({ sum: point.sum, min: point.min, max: point.max, counts: point.bucketCounts }, { sum: null, min: null, max: null, counts: [1] });
    });

    it(`refuses data point attributes nested too deep (${format})`, () => {
      let value: Record<string, unknown> = { stringValue: 'leaf' };
      for (let i = 0; i < 33; i++) value = { arrayValue: { values: [value] } };
      const metric = { name: 'g', gauge: { dataPoints: [{ asDouble: 1, attributes: [{ key: 'deep', value }] }] } };
      assert.throws(
        () => decodeMetricsRequest(format === 'json' ? jsonRequest(metric) : protobufRequest(metric), format),
        badRequest(/^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.gauge\.dataPoints\[0\]\.attributes.*: arrays and kvlists nested deeper than 32 levels$/),
      );
    });
  }

  describe('JSON', () => {
    it('reads counts and times as strings or numbers and doubles as the special strings', () => {
      const metric = {
        name: 'h',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [{ count: '3', sum: 'Infinity', bucketCounts: ['1', 2], explicitBounds: [0.5], startTimeUnixNano: 5, timeUnixNano: '18446744073709551615' }],
        },
      };
      const [point] = dataOf(onlyMetric(decodeMetricsRequest(jsonRequest(metric), 'json')), 'histogram').dataPoints;
      assert.deepEqual(
        { count: point.count, sum: point.sum, buckets: point.bucketCounts, start: point.startTimeUnixNano, time: point.timeUnixNano },
        { count: 3, sum: Number.POSITIVE_INFINITY, buckets: [1, 2], start: 5n, time: 18446744073709551615n },
      );
    });

    it('names the field of the wrong type', () => {
      const path = /^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\./;
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 7 }, 'name: not a string'],
        [{ name: 'x', sum: { isMonotonic: 'yes' } }, 'sum.isMonotonic: not a boolean'],
        [{ name: 'x', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_SOMETIMES' } }, 'sum.aggregationTemporality: not a valid enum value'],
        [{ name: 'x', gauge: { dataPoints: [{ asInt: 1.5 }] } }, 'gauge.dataPoints[0].asInt: not a 64-bit integer'],
        [{ name: 'x', gauge: { dataPoints: [{ asDouble: 'lots' }] } }, 'gauge.dataPoints[0].asDouble: not a number'],
        [{ name: 'x', histogram: { dataPoints: [{ bucketCounts: [-1] }] } }, 'histogram.dataPoints[0].bucketCounts[0]: not an unsigned 64-bit integer'],
        [{ name: 'x', histogram: { dataPoints: [{ count: 1, bucketCounts: 1 }] } }, 'histogram.dataPoints[0].bucketCounts: not an array'],
        [{ name: 'x', exponentialHistogram: { dataPoints: [{ scale: 2 ** 40 }] } }, 'exponentialHistogram.dataPoints[0].scale: not a 32-bit integer'],
        [{ name: 'x', gauge: { dataPoints: [{ exemplars: [{ spanId: 'xyz' }] }] } }, 'gauge.dataPoints[0].exemplars[0].spanId: not 16 hex characters'],
        [{ name: 'x', gauge: [] }, 'gauge: not an object'],
      ];
      for (const [metric, message] of cases) {
        assert.throws(() => decodeMetricsRequest(jsonRequest(metric), 'json'), (error: unknown) => {
          assert.ok(error instanceof OtlpError && error.kind === 'bad_request', String(error));
          assert.match(error.message, path);
          assert.equal(error.message.replace(path, ''), message);
          return true;
        });
      }
    });

    it('refuses invalid JSON', () => {
      assert.throws(() => decodeMetricsRequest(Buffer.from('[1,'), 'json'), badRequest(/^invalid JSON: /));
      assert.throws(() => decodeMetricsRequest(jsonBody([]), 'json'), badRequest(/^request: not an object$/));
    });
  });

  describe('protobuf', () => {
    it('refuses a truncated body and bytes that are not protobuf', async () => {
      const body = Buffer.from(ProtobufMetricsSerializer.serializeRequest(await sdkResourceMetrics())!);
      assert.throws(() => decodeMetricsRequest(body.subarray(0, body.length - 3), 'protobuf'), badRequest(/^invalid protobuf ExportMetricsServiceRequest: /));
      assert.throws(() => decodeMetricsRequest(Buffer.from('{"resourceMetrics":[]}'), 'protobuf'), badRequest(/^invalid protobuf /));
    });

    it('refuses an exemplar trace id of the wrong length', () => {
      const metric = { name: 'g', gauge: { dataPoints: [{ asDouble: 1, exemplars: [{ traceId: Buffer.alloc(8, 1) }] }] } };
      assert.throws(() => decodeMetricsRequest(protobufRequest(metric), 'protobuf'), badRequest(/exemplars\[0\]\.traceId: not 16 bytes \(got 8\)$/));
    });
  });
});
