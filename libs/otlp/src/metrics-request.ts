import type { OtlpResource } from './common-request.js';
import type { Attributes, InstrumentationScope } from './trace-request.js';

/** 0 unspecified, 1 delta, 2 cumulative (other integers kept as sent). */
export type AggregationTemporality = number;

export const AGGREGATION_TEMPORALITY_DELTA = 1;
export const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;

/** AggregationTemporality names as the JSON mapping spells them, indexed by number. */
export const AGGREGATION_TEMPORALITY_NAMES: readonly string[] = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

/** DataPointFlags bit 0: the point stands for a missing value (a stale or absent series). */
export const DATA_POINT_FLAG_NO_RECORDED_VALUE = 1;

/**
 * Which oneof member carried a value: `asInt` (int64, read as a number — nearest double beyond
 * ±2^53) or `asDouble`; null when neither was set.
 */
export type NumberValueType = 'int' | 'double' | null;

export interface Exemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  value: number | null;
  valueType: NumberValueType;
  traceId: string | null;
  spanId: string | null;
}

/** Times are exact nanoseconds since the Unix epoch as bigint (0n when unset). */
interface DataPointBase {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

export interface NumberDataPoint extends DataPointBase {
  value: number | null;
  valueType: NumberValueType;
  exemplars: Exemplar[];
}

export interface HistogramDataPoint extends DataPointBase {
  count: number;
  /** null when unset (proto3 optional). */
  sum: number | null;
  bucketCounts: number[];
  explicitBounds: number[];
  min: number | null;
  max: number | null;
  exemplars: Exemplar[];
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint extends DataPointBase {
  count: number;
  sum: number | null;
  scale: number;
  zeroCount: number;
  positive: ExponentialHistogramBuckets;
  negative: ExponentialHistogramBuckets;
  min: number | null;
  max: number | null;
  zeroThreshold: number;
  exemplars: Exemplar[];
}

export interface SummaryDataPoint extends DataPointBase {
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

export type MetricData =
  | { type: 'gauge'; dataPoints: NumberDataPoint[] }
  | { type: 'sum'; aggregationTemporality: AggregationTemporality; isMonotonic: boolean; dataPoints: NumberDataPoint[] }
  | { type: 'histogram'; aggregationTemporality: AggregationTemporality; dataPoints: HistogramDataPoint[] }
  | { type: 'exponentialHistogram'; aggregationTemporality: AggregationTemporality; dataPoints: ExponentialHistogramDataPoint[] }
  | { type: 'summary'; dataPoints: SummaryDataPoint[] };

export type MetricDataType = MetricData['type'];

export interface Metric {
  name: string;
  description: string;
  unit: string;
  /** null when the metric carries none of gauge, sum, histogram, exponentialHistogram, summary. */
  data: MetricData | null;
  metadata: Attributes;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: OtlpResource;
  schemaUrl: string;
  scopeMetrics: ScopeMetrics[];
}

export interface MetricsRequest {
  resourceMetrics: ResourceMetrics[];
  metricCount: number;
  /** Data points of every kind, the unit of ExportMetricsPartialSuccess.rejected_data_points. */
  dataPointCount: number;
  /** How many string or bytes values were cut to `maxAttributeValueLength`. */
  truncatedValues: number;
}
