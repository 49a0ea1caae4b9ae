import { createHash } from 'node:crypto';
import { readString } from './attribute-readers.js';
import { AGGREGATION_TEMPORALITY_CUMULATIVE, AGGREGATION_TEMPORALITY_DELTA, DATA_POINT_FLAG_NO_RECORDED_VALUE, type MetricsRequest } from './metrics-request.js';
import type { Attributes, AttrValue } from './trace-request.js';
import { normaliseProvider } from './vocabulary.js';

export const OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const TOKEN_USAGE = 'gen_ai.client.token.usage';

/** What one GenAI client metric point adds to a model's per-minute totals. */
export type ClientMetricField = 'operations' | 'input_tokens' | 'output_tokens';

/**
 * One data point of `gen_ai.client.operation.duration` (its count: operations; with `error.type`:
 * failed ones; its sum: seconds) or of `gen_ai.client.token.usage` (its sum: input or output tokens,
 * by `gen_ai.token.type`), with what the span matcher needs to find its model.
 */
export interface ClientMetricPoint {
  field: ClientMetricField;
  failed: boolean;
  /** Resource, metric and point attributes: one cumulative series. */
  series: string;
  cumulative: boolean;
  startTimeUnixNano: bigint;
  timeMs: number;
  count: number;
  sum: number;
  requestModel: string | null;
  responseModel: string | null;
  provider: string | null;
  serviceName: string | null;
  serviceVersion: string | null;
  spanAttributes: Attributes;
  resourceAttributes: Attributes;
}

export interface ClientMetricPoints {
  points: ClientMetricPoint[];
  /** Token-usage points of another token type (cached, reasoning…), which the totals do not hold. */
  otherTokenTypes: number;
}

function stable(value: AttrValue | undefined): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') return Object.keys(value).sort().map((k) => [k, stable((value as Record<string, AttrValue>)[k])]);
  return value;
}

function seriesOf(resource: Attributes, metric: string, point: Attributes): string {
  return createHash('sha256').update(JSON.stringify([stable(resource), metric, stable(point)])).digest('hex');
}

/** The GenAI client metric points of one request; every other metric is left out. */
export function genAiClientMetricPoints(request: MetricsRequest): ClientMetricPoints {
  const points: ClientMetricPoint[] = [];
  let otherTokenTypes = 0;
  for (const resourceMetrics of request.resourceMetrics) {
    const resource = resourceMetrics.resource.attributes;
    const serviceName = readString(resource, 'service.name');
    const serviceVersion = readString(resource, 'service.version');
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        if (metric.name !== OPERATION_DURATION && metric.name !== TOKEN_USAGE) continue;
        const data = metric.data;
        if (data === null || (data.type !== 'histogram' && data.type !== 'exponentialHistogram')) continue;
        const temporality = data.aggregationTemporality;
        if (temporality !== AGGREGATION_TEMPORALITY_DELTA && temporality !== AGGREGATION_TEMPORALITY_CUMULATIVE) continue;
        for (const point of data.dataPoints) {
          if ((point.flags & DATA_POINT_FLAG_NO_RECORDED_VALUE) !== 0) continue;
          const attributes = point.attributes;
          let field: ClientMetricField = 'operations';
          if (metric.name === TOKEN_USAGE) {
            const type = readString(attributes, 'gen_ai.token.type');
            if (type !== 'input' && type !== 'output') {
              otherTokenTypes++;
              continue;
            }
            field = type === 'input' ? 'input_tokens' : 'output_tokens';
          }
          const provider = readString(attributes, 'gen_ai.provider.name') ?? readString(attributes, 'gen_ai.system');
          points.push({
            field,
            failed: field === 'operations' && readString(attributes, 'error.type') !== null,
            series: seriesOf(resource, metric.name, attributes),
            cumulative: temporality === AGGREGATION_TEMPORALITY_CUMULATIVE,
            startTimeUnixNano: point.startTimeUnixNano,
            timeMs: Number(point.timeUnixNano / 1_000_000n),
            count: point.count,
            sum: point.sum ?? 0,
            requestModel: readString(attributes, 'gen_ai.request.model'),
            responseModel: readString(attributes, 'gen_ai.response.model'),
            provider: provider === null ? null : normaliseProvider(provider),
            serviceName,
            serviceVersion,
            spanAttributes: attributes,
            resourceAttributes: resource,
          });
        }
      }
    }
  }
  return { points, otherTokenTypes };
}

/** The last point folded of a cumulative series. */
export interface SeriesState {
  startTimeUnixNano: bigint;
  count: number;
  sum: number;
}

/**
 * What a point adds: a delta point all of itself; a cumulative one its difference from the last
 * point of its series, or all of itself when the series is new or restarted (another start time).
 * A cumulative point older than the last one (same start, smaller count) adds nothing: OTLP
 * exporters retry, and counts only go down on a restart, which changes the start time.
 */
export function foldPoint(point: Pick<ClientMetricPoint, 'cumulative' | 'startTimeUnixNano' | 'count' | 'sum'>, last: SeriesState | null): { count: number; sum: number; next: SeriesState | null } {
  if (!point.cumulative) return { count: point.count, sum: point.sum, next: null };
  const next = { startTimeUnixNano: point.startTimeUnixNano, count: point.count, sum: point.sum };
  if (last === null || last.startTimeUnixNano !== point.startTimeUnixNano) return { count: point.count, sum: point.sum, next };
  if (point.count < last.count) return { count: 0, sum: 0, next: last };
  return { count: point.count - last.count, sum: point.sum - last.sum, next };
}
