import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { foldPoint, type ClientMetricField, type SeriesState } from '@assay/otlp';

/** One GenAI client metric point, matched to a model, to be added to its minute's totals. */
export interface ClientMetricPointToFold {
  series: string;
  cumulative: boolean;
  startTimeUnixNano: bigint;
  count: number;
  sum: number;
  field: ClientMetricField;
  failed: boolean;
  modelId: string;
  version: string;
  minuteMs: number;
  /** USD per token of this field, when the project prices the model. */
  usdPerToken: number | null;
}

export interface ClientMetricTotals {
  operations: number;
  failedOperations: number;
  durationS: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  minutes: number;
}

export interface FoldResult {
  folded: number;
  /** New cumulative series refused because the project holds `maxSeries` already. */
  refusedSeries: number;
}

interface Totals {
  modelId: string;
  version: string;
  minuteMs: number;
  operations: number;
  failed: number;
  durationS: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

@Injectable()
export class ClientMetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds one request's points to the per-minute totals, in one transaction. The rows of the
   * cumulative series it touches are locked (in series order, so concurrent requests cannot
   * deadlock) while their differences are taken, so two requests carrying the same series never
   * both count the same part of it. A retried delta export is counted again: OTLP gives a delta
   * point no identity to tell a retry from the next interval.
   */
  async fold(projectId: string, points: readonly ClientMetricPointToFold[], maxSeries: number): Promise<FoldResult> {
    if (points.length === 0) return { folded: 0, refusedSeries: 0 };
    return this.dataSource.transaction(async (manager) => {
      const seriesIds = [...new Set(points.filter((p) => p.cumulative).map((p) => p.series))].sort();
      const states = new Map<string, SeriesState>();
      let refused = new Set<string>();
      if (seriesIds.length > 0) {
        const rows: Array<{ series: string; start: string; count: number; sum: number }> = await manager.query(
          `SELECT series, start_time_unix_nano::text AS start, count, sum FROM client_metric_series
            WHERE project_id = $1 AND series = ANY($2::text[]) ORDER BY series FOR UPDATE`,
          [projectId, seriesIds],
        );
        for (const row of rows) states.set(row.series, { startTimeUnixNano: BigInt(row.start), count: row.count, sum: row.sum });
        const fresh = seriesIds.filter((id) => !states.has(id));
        if (fresh.length > 0) {
          const [{ n }]: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM client_metric_series WHERE project_id = $1`, [projectId]);
          refused = new Set(fresh.slice(Math.max(0, maxSeries - n)));
        }
      }
      const totals = new Map<string, Totals>();
      const changed = new Map<string, SeriesState>();
      let folded = 0;
      for (const point of points) {
        if (refused.has(point.series)) continue;
        const { count, sum, next } = foldPoint(point, point.cumulative ? (changed.get(point.series) ?? states.get(point.series) ?? null) : null);
        if (next) changed.set(point.series, next);
        if (count === 0 && sum === 0) continue;
        folded++;
        const key = `${point.modelId}\u0000${point.version}\u0000${point.minuteMs}`;
        let total = totals.get(key);
        if (!total) {
          total = { modelId: point.modelId, version: point.version, minuteMs: point.minuteMs, operations: 0, failed: 0, durationS: 0, inputTokens: 0, outputTokens: 0, costUsd: null };
          totals.set(key, total);
        }
        if (point.field === 'operations') {
          total.operations += count;
          if (point.failed) total.failed += count;
          total.durationS += sum;
        } else {
          if (point.field === 'input_tokens') total.inputTokens += sum;
          else total.outputTokens += sum;
          if (point.usdPerToken !== null) total.costUsd = (total.costUsd ?? 0) + sum * point.usdPerToken;
        }
      }
      if (changed.size > 0) {
        const entries = [...changed.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
        await manager.query(
          `INSERT INTO client_metric_series (project_id, series, start_time_unix_nano, count, sum)
           SELECT $1, s, st, c, su FROM unnest($2::text[], $3::numeric[], $4::float8[], $5::float8[]) AS x(s, st, c, su)
           ON CONFLICT (project_id, series) DO UPDATE SET
             start_time_unix_nano = excluded.start_time_unix_nano, count = excluded.count, sum = excluded.sum, seen_at = now()`,
          [projectId, entries.map(([id]) => id), entries.map(([, s]) => s.startTimeUnixNano.toString()), entries.map(([, s]) => s.count), entries.map(([, s]) => s.sum)],
        );
      }
      const rows = [...totals.values()].sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : a.minuteMs - b.minuteMs));
      if (rows.length > 0) {
        await manager.query(
          `INSERT INTO client_metric_totals (model_id, version, minute, operations, failed_operations, duration_s, input_tokens, output_tokens, cost_usd)
           SELECT mo, v, 'epoch'::timestamptz + mi * interval '1 millisecond', o, f, d, round(it)::bigint, round(ot)::bigint, c
             FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
                  AS x(mo, v, mi, o, f, d, it, ot, c)
           ON CONFLICT (model_id, version, minute) DO UPDATE SET
             operations = client_metric_totals.operations + excluded.operations,
             failed_operations = client_metric_totals.failed_operations + excluded.failed_operations,
             duration_s = client_metric_totals.duration_s + excluded.duration_s,
             input_tokens = client_metric_totals.input_tokens + excluded.input_tokens,
             output_tokens = client_metric_totals.output_tokens + excluded.output_tokens,
             cost_usd = CASE WHEN client_metric_totals.cost_usd IS NULL AND excluded.cost_usd IS NULL THEN NULL
                             ELSE coalesce(client_metric_totals.cost_usd, 0) + coalesce(excluded.cost_usd, 0) END`,
          [
            rows.map((r) => r.modelId),
            rows.map((r) => r.version),
            rows.map((r) => r.minuteMs),
            rows.map((r) => Math.round(r.operations)),
            rows.map((r) => Math.round(r.failed)),
            rows.map((r) => r.durationS),
            rows.map((r) => r.inputTokens),
            rows.map((r) => r.outputTokens),
            rows.map((r) => r.costUsd),
          ],
        );
      }
      return { folded, refusedSeries: refused.size };
    });
  }

  /** Sums over the minutes in [from, to); null when the clients sent no GenAI metrics for the model then. */
  async totals(modelId: string, from: Date, to: Date): Promise<ClientMetricTotals | null> {
    const [row] = await this.dataSource.query<Array<Record<string, string | null>>>(
      `SELECT count(*) AS minutes, sum(operations) AS operations, sum(failed_operations) AS failed, sum(duration_s) AS duration_s,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd
         FROM client_metric_totals WHERE model_id = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND minute < $3`,
      [modelId, from, to],
    );
    if (!row || Number(row.minutes) === 0) return null;
    return {
      minutes: Number(row.minutes),
      operations: Number(row.operations),
      failedOperations: Number(row.failed),
      durationS: Number(row.duration_s),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    };
  }
}
