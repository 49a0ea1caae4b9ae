import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ClientMetricTotals } from './client-metrics.repository.js';
import type { ReportEconomicsRow } from './report.repository.js';

export interface LatestMonitorRun {
  monitorId: string;
  modelId: string;
  kind: string;
  verdict: string | null;
  windowTo: Date | null;
}

export interface ModelDayTotals {
  sums: ReportEconomicsRow;
  counts: { seen: number; sampled: number };
  metrics: ClientMetricTotals | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Project-wide reads for the console's overview: each query covers every model of the project at
 * once (grouped by model), so the page costs the same few queries for 1 model or 1,000.
 */
@Injectable()
export class ProjectOverviewRepository {
  constructor(private readonly dataSource: DataSource) {}

  async productionVersions(projectId: string): Promise<Map<string, string>> {
    const rows = await this.dataSource.query<Array<{ model_id: string; version: string }>>(
      `SELECT v.model_id, v.version FROM model_versions v JOIN models m ON m.id = v.model_id
        WHERE m.project_id = $1 AND v.lifecycle = 'production'`,
      [projectId],
    );
    return new Map(rows.map((r) => [r.model_id, r.version]));
  }

  /** Every monitor and policy of the project with its latest run (null verdict: never run), one index probe per monitor. */
  async latestRuns(projectId: string): Promise<LatestMonitorRun[]> {
    const rows = await this.dataSource.query<Array<{ id: string; model_id: string; kind: string; verdict: string | null; window_to: Date | null }>>(
      `SELECT m.id, m.model_id, m.kind, r.verdict, r.window_to
         FROM monitors m
         LEFT JOIN LATERAL (
           SELECT verdict, window_to FROM check_runs WHERE monitor_id = m.id ORDER BY window_to DESC, created_at DESC LIMIT 1
         ) r ON true
        WHERE m.project_id = $1`,
      [projectId],
    );
    return rows.map((r) => ({ monitorId: r.id, modelId: r.model_id, kind: r.kind, verdict: r.verdict, windowTo: r.window_to }));
  }

  /** When the model's first check run at or after `since` ended, so that a chart need not start on an empty stretch. */
  async firstRunSince(modelId: string, since: Date): Promise<Date | null> {
    const [row] = await this.dataSource.query<Array<{ first: Date | null }>>(
      `SELECT min(window_to) AS first FROM check_runs WHERE model_id = $1 AND window_to >= $2`,
      [modelId, since],
    );
    return row?.first ?? null;
  }

  async openAlertCounts(projectId: string): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<Array<{ model_id: string; n: string }>>(
      `SELECT model_id, count(*) AS n FROM alerts WHERE project_id = $1 AND status <> 'resolved' GROUP BY model_id`,
      [projectId],
    );
    return new Map(rows.map((r) => [r.model_id, Number(r.n)]));
  }

  /** The economics inputs of every model over [from, to), as the report reads them for one. */
  async totals(projectId: string, from: Date, to: Date): Promise<Map<string, ModelDayTotals>> {
    const [samples, counts, metrics] = await Promise.all([
      this.dataSource.query<Array<Record<string, unknown>>>(
        `SELECT s.model_id, count(*) AS sampled,
                coalesce(sum((signals->>'input_tokens')::float8), 0) AS input_tokens,
                coalesce(sum((signals->>'output_tokens')::float8), 0) AS output_tokens,
                sum((signals->>'cost_usd')::float8) AS cost_usd,
                sum((signals->>'energy_wh')::float8) AS energy_wh,
                sum((signals->>'co2e_g')::float8) AS co2e_g,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY (signals->>'latency_ms')::float8) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY (signals->>'latency_ms')::float8) AS p95
           FROM samples s JOIN models m ON m.id = s.model_id
          WHERE m.project_id = $1 AND s.time >= $2 AND s.time < $3
          GROUP BY s.model_id`,
        [projectId, from, to],
      ),
      this.dataSource.query<Array<{ model_id: string; seen: string | null; sampled: string | null }>>(
        `SELECT c.model_id, sum(seen) AS seen, sum(sampled) AS sampled
           FROM sample_counts c JOIN models m ON m.id = c.model_id
          WHERE m.project_id = $1 AND c.minute >= $2 AND c.minute < $3
          GROUP BY c.model_id`,
        [projectId, from, to],
      ),
      this.dataSource.query<Array<Record<string, string | null>>>(
        `SELECT t.model_id, count(*) AS minutes, sum(operations) AS operations, sum(failed_operations) AS failed, sum(duration_s) AS duration_s,
                sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd
           FROM client_metric_totals t JOIN models m ON m.id = t.model_id
          WHERE m.project_id = $1 AND t.minute >= date_trunc('minute', $2::timestamptz) AND t.minute < $3
          GROUP BY t.model_id`,
        [projectId, from, to],
      ),
    ]);
    const totals = new Map<string, ModelDayTotals>();
    const of = (modelId: string): ModelDayTotals => {
      let entry = totals.get(modelId);
      if (!entry) {
        entry = {
          sums: { sampled: 0, inputTokens: 0, outputTokens: 0, costUsd: null, energyWh: null, co2eG: null, latencyP50: null, latencyP95: null },
          counts: { seen: 0, sampled: 0 },
          metrics: null,
        };
        totals.set(modelId, entry);
      }
      return entry;
    };
    for (const row of samples) {
      of(String(row.model_id)).sums = {
        sampled: Number(row.sampled),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        costUsd: num(row.cost_usd),
        energyWh: num(row.energy_wh),
        co2eG: num(row.co2e_g),
        latencyP50: num(row.p50),
        latencyP95: num(row.p95),
      };
    }
    for (const row of counts) of(row.model_id).counts = { seen: Number(row.seen ?? 0), sampled: Number(row.sampled ?? 0) };
    for (const row of metrics) {
      of(String(row.model_id)).metrics = {
        minutes: Number(row.minutes),
        operations: Number(row.operations),
        failedOperations: Number(row.failed),
        durationS: Number(row.duration_s),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
      };
    }
    return totals;
  }
}
