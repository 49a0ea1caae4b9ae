import { AttributeValueLimit } from './attribute-value-limit.js';
import type { OtlpFormat } from './decode-trace-request.js';
import {
  AGGREGATION_TEMPORALITY_NAMES,
  type Exemplar,
  type ExponentialHistogramBuckets,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricData,
  type MetricsRequest,
  type NumberDataPoint,
  type NumberValueType,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryDataPoint,
} from './metrics-request.js';
import * as json from './otlp-json.js';
import * as pb from './otlp-protobuf.js';
import { ExportMetricsServiceRequestType } from './otlp-schema.js';
import { keepText } from './safe-text.js';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, type Attributes, type DecodeOptions } from './trace-request.js';

/**
 * Decodes an (already inflated) OTLP/HTTP ExportMetricsServiceRequest. An empty body is a request
 * with no metrics. Throws OtlpError 'bad_request' naming the offending field.
 */
export function decodeMetricsRequest(body: Uint8Array, format: OtlpFormat, options: DecodeOptions = {}): MetricsRequest {
  const limit = new AttributeValueLimit(options.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);
  const counts = { metrics: 0, dataPoints: 0 };
  const resourceMetrics = format === 'protobuf' ? fromProtobuf(body, limit, counts) : fromJson(body, limit, counts);
  return { resourceMetrics, metricCount: counts.metrics, dataPointCount: counts.dataPoints, truncatedValues: limit.truncated };
}

interface Counts {
  metrics: number;
  dataPoints: number;
}

function countMetric(metric: Metric, counts: Counts): Metric {
  counts.metrics++;
  counts.dataPoints += metric.data?.dataPoints.length ?? 0;
  return metric;
}

// ---- protobuf

type Long = pb.LongBits | number;
interface PbPointBase {
  attributes: pb.PbKeyValue[];
  startTimeUnixNano: Long;
  timeUnixNano: Long;
  flags: number;
}
interface PbExemplar {
  filteredAttributes: pb.PbKeyValue[];
  timeUnixNano: Long;
  value?: 'asDouble' | 'asInt';
  asDouble: number;
  asInt: Long;
  spanId: Uint8Array;
  traceId: Uint8Array;
}
interface PbNumberDataPoint extends PbPointBase {
  value?: 'asDouble' | 'asInt';
  asDouble: number;
  asInt: Long;
  exemplars: PbExemplar[];
}
interface PbHistogramDataPoint extends PbPointBase {
  count: Long;
  sum: number | null;
  bucketCounts: Long[];
  explicitBounds: number[];
  exemplars: PbExemplar[];
  min: number | null;
  max: number | null;
}
interface PbBuckets {
  offset: number;
  bucketCounts: Long[];
}
interface PbExponentialHistogramDataPoint extends PbPointBase {
  count: Long;
  sum: number | null;
  scale: number;
  zeroCount: Long;
  positive: PbBuckets | null;
  negative: PbBuckets | null;
  exemplars: PbExemplar[];
  min: number | null;
  max: number | null;
  zeroThreshold: number;
}
interface PbSummaryDataPoint extends PbPointBase {
  count: Long;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}
interface PbMetric {
  name: string;
  description: string;
  unit: string;
  data?: MetricData['type'];
  gauge: { dataPoints: PbNumberDataPoint[] } | null;
  sum: { dataPoints: PbNumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: PbHistogramDataPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: PbExponentialHistogramDataPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: PbSummaryDataPoint[] } | null;
  metadata: pb.PbKeyValue[];
}
interface PbExportMetricsServiceRequest {
  resourceMetrics: {
    resource: pb.PbResource | null;
    scopeMetrics: { scope: pb.PbScope | null; metrics: PbMetric[]; schemaUrl: string }[];
    schemaUrl: string;
  }[];
}

function fromProtobuf(body: Uint8Array, limit: AttributeValueLimit, counts: Counts): ResourceMetrics[] {
  const message = pb.decodeMessage<PbExportMetricsServiceRequest>(ExportMetricsServiceRequestType, body);
  // pb.decodeMessage's reader made the strings safe.
  limit.text = keepText;
  return message.resourceMetrics.map((pbResourceMetrics, r): ResourceMetrics => {
    const path = `resourceMetrics[${r}]`;
    const scopeMetrics = pbResourceMetrics.scopeMetrics.map((pbScopeMetrics, s): ScopeMetrics => {
      const scopePath = `${path}.scopeMetrics[${s}]`;
      return {
        scope: pb.toScope(pbScopeMetrics.scope, limit, `${scopePath}.scope`),
        schemaUrl: limit.text(pbScopeMetrics.schemaUrl),
        metrics: pbScopeMetrics.metrics.map((metric, m) => countMetric(pbMetric(metric, limit, `${scopePath}.metrics[${m}]`), counts)),
      };
    });
    return { resource: pb.toResource(pbResourceMetrics.resource, limit, `${path}.resource`), schemaUrl: limit.text(pbResourceMetrics.schemaUrl), scopeMetrics };
  });
}

function pbMetric(metric: PbMetric, limit: AttributeValueLimit, path: string): Metric {
  return {
    name: limit.text(metric.name),
    description: limit.text(metric.description),
    unit: limit.text(metric.unit),
    data: pbMetricData(metric, limit, path),
    metadata: pb.toAttributes(metric.metadata, limit, `${path}.metadata`),
  };
}

function pbMetricData(metric: PbMetric, limit: AttributeValueLimit, path: string): MetricData | null {
  switch (metric.data) {
    case 'gauge': {
      const points = metric.gauge?.dataPoints ?? [];
      return { type: 'gauge', dataPoints: points.map((point, i) => pbNumberPoint(point, limit, `${path}.gauge.dataPoints[${i}]`)) };
    }
    case 'sum': {
      const sum = metric.sum;
      return {
        type: 'sum',
        aggregationTemporality: sum?.aggregationTemporality ?? 0,
        isMonotonic: sum?.isMonotonic ?? false,
        dataPoints: (sum?.dataPoints ?? []).map((point, i) => pbNumberPoint(point, limit, `${path}.sum.dataPoints[${i}]`)),
      };
    }
    case 'histogram': {
      const histogram = metric.histogram;
      return {
        type: 'histogram',
        aggregationTemporality: histogram?.aggregationTemporality ?? 0,
        dataPoints: (histogram?.dataPoints ?? []).map((point, i) => pbHistogramPoint(point, limit, `${path}.histogram.dataPoints[${i}]`)),
      };
    }
    case 'exponentialHistogram': {
      const histogram = metric.exponentialHistogram;
      return {
        type: 'exponentialHistogram',
        aggregationTemporality: histogram?.aggregationTemporality ?? 0,
        dataPoints: (histogram?.dataPoints ?? []).map((point, i) =>
          pbExponentialPoint(point, limit, `${path}.exponentialHistogram.dataPoints[${i}]`),
        ),
      };
    }
    case 'summary': {
      const points = metric.summary?.dataPoints ?? [];
      return { type: 'summary', dataPoints: points.map((point, i) => pbSummaryPoint(point, limit, `${path}.summary.dataPoints[${i}]`)) };
    }
    default:
      return null;
  }
}

function pbPointBase(point: PbPointBase, limit: AttributeValueLimit, path: string) {
  return {
    attributes: pb.toAttributes(point.attributes, limit, `${path}.attributes`),
    startTimeUnixNano: pb.toBigInt(point.startTimeUnixNano),
    timeUnixNano: pb.toBigInt(point.timeUnixNano),
    flags: point.flags,
  };
}

function pbNumber(holder: { value?: 'asDouble' | 'asInt'; asDouble: number; asInt: Long }): { value: number | null; valueType: NumberValueType } {
  if (holder.value === 'asDouble') return { value: holder.asDouble, valueType: 'double' };
  if (holder.value === 'asInt') return { value: pb.int64ToNumber(holder.asInt), valueType: 'int' };
  return { value: null, valueType: null };
}

function pbNumberPoint(point: PbNumberDataPoint, limit: AttributeValueLimit, path: string): NumberDataPoint {
  return { ...pbPointBase(point, limit, path), ...pbNumber(point), exemplars: pbExemplars(point.exemplars, limit, path) };
}

function pbHistogramPoint(point: PbHistogramDataPoint, limit: AttributeValueLimit, path: string): HistogramDataPoint {
  return {
    ...pbPointBase(point, limit, path),
    count: pb.uint64ToNumber(point.count),
    sum: point.sum ?? null,
    bucketCounts: point.bucketCounts.map(pb.uint64ToNumber),
    explicitBounds: point.explicitBounds.slice(),
    min: point.min ?? null,
    max: point.max ?? null,
    exemplars: pbExemplars(point.exemplars, limit, path),
  };
}

function pbBuckets(buckets: PbBuckets | null): ExponentialHistogramBuckets {
  return { offset: buckets?.offset ?? 0, bucketCounts: (buckets?.bucketCounts ?? []).map(pb.uint64ToNumber) };
}

function pbExponentialPoint(point: PbExponentialHistogramDataPoint, limit: AttributeValueLimit, path: string): ExponentialHistogramDataPoint {
  return {
    ...pbPointBase(point, limit, path),
    count: pb.uint64ToNumber(point.count),
    sum: point.sum ?? null,
    scale: point.scale,
    zeroCount: pb.uint64ToNumber(point.zeroCount),
    positive: pbBuckets(point.positive),
    negative: pbBuckets(point.negative),
    min: point.min ?? null,
    max: point.max ?? null,
    zeroThreshold: point.zeroThreshold,
    exemplars: pbExemplars(point.exemplars, limit, path),
  };
}

function pbSummaryPoint(point: PbSummaryDataPoint, limit: AttributeValueLimit, path: string): SummaryDataPoint {
  return {
    ...pbPointBase(point, limit, path),
    count: pb.uint64ToNumber(point.count),
    sum: point.sum,
    quantileValues: point.quantileValues.map(({ quantile, value }) => ({ quantile, value })),
  };
}

function pbExemplars(exemplars: PbExemplar[], limit: AttributeValueLimit, pointPath: string): Exemplar[] {
  return exemplars.map((exemplar, e): Exemplar => {
    const path = `${pointPath}.exemplars[${e}]`;
    return {
      filteredAttributes: pb.toAttributes(exemplar.filteredAttributes, limit, `${path}.filteredAttributes`),
      timeUnixNano: pb.toBigInt(exemplar.timeUnixNano),
      ...pbNumber(exemplar),
      traceId: pb.toOptionalId(exemplar.traceId, 16, `${path}.traceId`),
      spanId: pb.toOptionalId(exemplar.spanId, 8, `${path}.spanId`),
    };
  });
}

// ---- JSON

const DATA_FIELDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function fromJson(body: Uint8Array, limit: AttributeValueLimit, counts: Counts): ResourceMetrics[] {
  const request = json.parseJsonRequest(body, limit);
  return json.asArray(request?.resourceMetrics, 'resourceMetrics').map((value, r): ResourceMetrics => {
    const path = `resourceMetrics[${r}]`;
    const jsonResourceMetrics = json.asObject(value, path);
    const scopeMetrics = json.asArray(jsonResourceMetrics.scopeMetrics, `${path}.scopeMetrics`).map((scopeValue, s): ScopeMetrics => {
      const scopePath = `${path}.scopeMetrics[${s}]`;
      const jsonScopeMetrics = json.asObject(scopeValue, scopePath);
      return {
        scope: json.toScope(jsonScopeMetrics.scope, limit, `${scopePath}.scope`),
        schemaUrl: json.asText(jsonScopeMetrics.schemaUrl, limit, `${scopePath}.schemaUrl`),
        metrics: json.asArray(jsonScopeMetrics.metrics, `${scopePath}.metrics`).map((metricValue, m) => {
          const metricPath = `${scopePath}.metrics[${m}]`;
          return countMetric(jsonMetric(json.asObject(metricValue, metricPath), limit, metricPath), counts);
        }),
      };
    });
    return {
      resource: json.toResource(jsonResourceMetrics.resource, limit, `${path}.resource`),
      schemaUrl: json.asText(jsonResourceMetrics.schemaUrl, limit, `${path}.schemaUrl`),
      scopeMetrics,
    };
  });
}

function jsonMetric(metric: json.JsonObject, limit: AttributeValueLimit, path: string): Metric {
  return {
    name: json.asText(metric.name, limit, `${path}.name`),
    description: json.asText(metric.description, limit, `${path}.description`),
    unit: json.asText(metric.unit, limit, `${path}.unit`),
    data: jsonMetricData(metric, limit, path),
    metadata: json.toAttributes(metric.metadata, limit, `${path}.metadata`),
  };
}

function jsonMetricData(metric: json.JsonObject, limit: AttributeValueLimit, path: string): MetricData | null {
  // A oneof: the first member present in field order wins.
  const type = DATA_FIELDS.find((field) => metric[field] != null);
  if (type === undefined) return null;
  const dataPath = `${path}.${type}`;
  const data = json.asObject(metric[type], dataPath);
  const points = json.asArray(data.dataPoints, `${dataPath}.dataPoints`);
  const pointPath = (i: number): string => `${dataPath}.dataPoints[${i}]`;
  const temporality = (): number =>
    json.toEnumNumber(data.aggregationTemporality, AGGREGATION_TEMPORALITY_NAMES, `${dataPath}.aggregationTemporality`);
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points.map((point, i) => jsonNumberPoint(json.asObject(point, pointPath(i)), limit, pointPath(i))) };
    case 'sum':
      return {
        type,
        aggregationTemporality: temporality(),
        isMonotonic: json.asBoolean(data.isMonotonic, `${dataPath}.isMonotonic`),
        dataPoints: points.map((point, i) => jsonNumberPoint(json.asObject(point, pointPath(i)), limit, pointPath(i))),
      };
    case 'histogram':
      return {
        type,
        aggregationTemporality: temporality(),
        dataPoints: points.map((point, i) => jsonHistogramPoint(json.asObject(point, pointPath(i)), limit, pointPath(i))),
      };
    case 'exponentialHistogram':
      return {
        type,
        aggregationTemporality: temporality(),
        dataPoints: points.map((point, i) => jsonExponentialPoint(json.asObject(point, pointPath(i)), limit, pointPath(i))),
      };
    case 'summary':
      return { type, dataPoints: points.map((point, i) => jsonSummaryPoint(json.asObject(point, pointPath(i)), limit, pointPath(i))) };
  }
}

function jsonPointBase(point: json.JsonObject, limit: AttributeValueLimit, path: string) {
  return {
    attributes: json.toAttributes(point.attributes, limit, `${path}.attributes`),
    startTimeUnixNano: json.asUint64(point.startTimeUnixNano, `${path}.startTimeUnixNano`),
    timeUnixNano: json.asUint64(point.timeUnixNano, `${path}.timeUnixNano`),
    flags: json.asUint32(point.flags, `${path}.flags`),
  };
}

function jsonNumber(holder: json.JsonObject, path: string): { value: number | null; valueType: NumberValueType } {
  if (holder.asDouble != null) return { value: json.asDouble(holder.asDouble, `${path}.asDouble`), valueType: 'double' };
  if (holder.asInt != null) return { value: Number(json.asInt64(holder.asInt, `${path}.asInt`)), valueType: 'int' };
  return { value: null, valueType: null };
}

function jsonNumberPoint(point: json.JsonObject, limit: AttributeValueLimit, path: string): NumberDataPoint {
  return { ...jsonPointBase(point, limit, path), ...jsonNumber(point, path), exemplars: jsonExemplars(point.exemplars, limit, path) };
}

function jsonCounts(value: json.Json | undefined, path: string): number[] {
  return json.asArray(value, path).map((count, i) => json.asUint64Number(count, `${path}[${i}]`));
}

function jsonHistogramPoint(point: json.JsonObject, limit: AttributeValueLimit, path: string): HistogramDataPoint {
  return {
    ...jsonPointBase(point, limit, path),
    count: json.asUint64Number(point.count, `${path}.count`),
    sum: json.optionalDouble(point.sum, `${path}.sum`),
    bucketCounts: jsonCounts(point.bucketCounts, `${path}.bucketCounts`),
    explicitBounds: json.asArray(point.explicitBounds, `${path}.explicitBounds`).map((bound, i) => json.asDouble(bound, `${path}.explicitBounds[${i}]`)),
    min: json.optionalDouble(point.min, `${path}.min`),
    max: json.optionalDouble(point.max, `${path}.max`),
    exemplars: jsonExemplars(point.exemplars, limit, path),
  };
}

function jsonBuckets(value: json.Json | undefined, path: string): ExponentialHistogramBuckets {
  const buckets = json.optionalObject(value, path);
  return { offset: json.asInt32(buckets?.offset, `${path}.offset`), bucketCounts: jsonCounts(buckets?.bucketCounts, `${path}.bucketCounts`) };
}

function jsonExponentialPoint(point: json.JsonObject, limit: AttributeValueLimit, path: string): ExponentialHistogramDataPoint {
  return {
    ...jsonPointBase(point, limit, path),
    count: json.asUint64Number(point.count, `${path}.count`),
    sum: json.optionalDouble(point.sum, `${path}.sum`),
    scale: json.asInt32(point.scale, `${path}.scale`),
    zeroCount: json.asUint64Number(point.zeroCount, `${path}.zeroCount`),
    positive: jsonBuckets(point.positive, `${path}.positive`),
    negative: jsonBuckets(point.negative, `${path}.negative`),
    min: json.optionalDouble(point.min, `${path}.min`),
    max: json.optionalDouble(point.max, `${path}.max`),
    zeroThreshold: json.asDouble(point.zeroThreshold, `${path}.zeroThreshold`),
    exemplars: jsonExemplars(point.exemplars, limit, path),
  };
}

function jsonSummaryPoint(point: json.JsonObject, limit: AttributeValueLimit, path: string): SummaryDataPoint {
  return {
    ...jsonPointBase(point, limit, path),
    count: json.asUint64Number(point.count, `${path}.count`),
    sum: json.asDouble(point.sum, `${path}.sum`),
    quantileValues: json.asArray(point.quantileValues, `${path}.quantileValues`).map((value, q) => {
      const quantilePath = `${path}.quantileValues[${q}]`;
      const quantile = json.asObject(value, quantilePath);
      return {
        quantile: json.asDouble(quantile.quantile, `${quantilePath}.quantile`),
        value: json.asDouble(quantile.value, `${quantilePath}.value`),
      };
    }),
  };
}

function jsonExemplars(value: json.Json | undefined, limit: AttributeValueLimit, pointPath: string): Exemplar[] {
  return json.asArray(value, `${pointPath}.exemplars`).map((exemplarValue, e): Exemplar => {
    const path = `${pointPath}.exemplars[${e}]`;
    const exemplar = json.asObject(exemplarValue, path);
    const filteredAttributes: Attributes = json.toAttributes(exemplar.filteredAttributes, limit, `${path}.filteredAttributes`);
    return {
      filteredAttributes,
      timeUnixNano: json.asUint64(exemplar.timeUnixNano, `${path}.timeUnixNano`),
      ...jsonNumber(exemplar, path),
      traceId: json.toOptionalId(exemplar.traceId, 16, `${path}.traceId`),
      spanId: json.toOptionalId(exemplar.spanId, 8, `${path}.spanId`),
    };
  });
}
