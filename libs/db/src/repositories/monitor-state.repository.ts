import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MonitorKind, Severity, Verdict } from '../entities/monitoring.entities.js';
import type { AlertStatus } from '../entities/alert.entity.js';

export interface MonitorState {
  monitorId: string;
  projectId: string;
  modelId: string;
  modelName: string;
  kind: MonitorKind;
  signal: string | null;
  method: string | null;
  /** The latest check run's; all null while the monitor has never run. */
  statistic: number | null;
  pValue: number | null;
  verdict: Verdict | null;
  ranAt: Date | null;
}

export interface OpenAlertCount {
  projectId: string;
  modelId: string;
  severity: Severity;
  status: Exclude<AlertStatus, 'resolved'>;
  count: number;
}

/** What the worker's /metrics shows of monitoring: read at each scrape, so every replica shows the same. */
@Injectable()
export class MonitorStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Enabled monitors, oldest first, each with its latest run; at most `limit`, and how many there are in all. */
  async enabledMonitors(limit: number): Promise<{ states: MonitorState[]; total: number }> {
    const rows = await this.dataSource.query<
      Array<{
        monitor_id: string; project_id: string; model_id: string; model_name: string; kind: MonitorKind; signal: string | null; method: string | null;
        statistic: number | null; p_value: number | null; verdict: Verdict | null; ran_at: Date | null; total: string;
      }>
    >(
      `SELECT m.id AS monitor_id, m.project_id, m.model_id, mo.name AS model_name, m.kind, m.signal,
              coalesce(m.effective_method, m.method) AS method,
              r.statistic, r.p_value, r.verdict, r.created_at AS ran_at, count(*) OVER () AS total
         FROM monitors m
         JOIN models mo ON mo.id = m.model_id
         LEFT JOIN LATERAL (
           SELECT statistic, p_value, verdict, created_at FROM check_runs c
            WHERE c.monitor_id = m.id ORDER BY c.window_to DESC, c.created_at DESC LIMIT 1
         ) r ON true
        WHERE m.enabled
        ORDER BY m.created_at, m.id
        LIMIT $1`,
      [limit],
    );
    const states = rows.map((r) => ({
      monitorId: r.monitor_id, projectId: r.project_id, modelId: r.model_id, modelName: r.model_name, kind: r.kind, signal: r.signal, method: r.method,
      statistic: r.statistic, pValue: r.p_value, verdict: r.verdict, ranAt: r.ran_at,
    }));
    return { states, total: rows.length > 0 ? Number(rows[0]!.total) : 0 };
  }

  /** Open alerts by model, severity and status, for at most `limit` models (those with the most open alerts first). */
  async openAlertCounts(limit: number): Promise<{ counts: OpenAlertCount[]; models: number }> {
    const rows = await this.dataSource.query<
      Array<{ project_id: string; model_id: string; severity: Severity; status: 'firing' | 'acknowledged'; count: string; models: string }>
    >(
      `WITH open AS (
         SELECT project_id, model_id, severity, status, count(*) AS count FROM alerts WHERE status <> 'resolved'
          GROUP BY project_id, model_id, severity, status
       ), ranked AS (
         SELECT model_id, dense_rank() OVER (ORDER BY sum(count) DESC, model_id) AS rank FROM open GROUP BY model_id
       )
       SELECT o.*, (SELECT count(*) FROM ranked) AS models FROM open o JOIN ranked USING (model_id)
        WHERE ranked.rank <= $1 ORDER BY o.model_id, o.severity, o.status`,
      [limit],
    );
    return {
      counts: rows.map((r) => ({ projectId: r.project_id, modelId: r.model_id, severity: r.severity, status: r.status, count: Number(r.count) })),
      models: rows.length > 0 ? Number(rows[0]!.models) : 0,
    };
  }
}
