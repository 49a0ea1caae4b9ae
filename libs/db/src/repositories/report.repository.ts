import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ReportEntity, ReportScheduleEntity } from '../entities/report.entities.js';
import type { LedgerEntryRow } from './ledger.repository.js';

export interface ReportCheckRunRow {
  id: string;
  monitorId: string;
  kind: string;
  signal: string | null;
  version: string | null;
  windowTo: string;
  method: string | null;
  statistic: number | null;
  pValue: number | null;
  threshold: number | null;
  verdict: string;
  /** The explanation's sentence, for runs that drifted or breached. */
  summary: string | null;
  ledgerIndex: number | null;
}

export interface ReportSeriesRow {
  monitorId: string;
  bucket: number;
  from: string;
  to: string;
  runs: number;
  flagged: number;
  min: number | null;
  mean: number | null;
  max: number | null;
  /** The smallest p-value of the bucket's runs (the one closest to a decision), for p-value methods. */
  minPValue: number | null;
  threshold: number | null;
}

export interface FlaggedExplanationRow {
  checkRunId: string;
  monitorId: string;
  windowTo: string;
  verdict: string;
  explanation: Record<string, unknown>;
}

export interface ReportEconomicsRow {
  sampled: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  energyWh: number | null;
  co2eG: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
}

export type ReportLedgerEntryRow = Omit<LedgerEntryRow, 'createdAt'>;

export interface ReportAlertRow {
  id: string;
  fingerprint: string;
  signal: string | null;
  severity: string;
  status: string;
  summary: string;
  kind: string;
  monitorId: string;
  /** The monitor's or policy's name when the alert fired. */
  monitorName: string | null;
  occurrences: number;
  startedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  /** The ledger entry of the alert's latest transition (subject `alert/<id>`). */
  ledgerIndex: number | null;
}

export interface ReportScheduleInput {
  projectId: string;
  modelId: string;
  cron: string | null;
  everySeconds: number | null;
  periodDays: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

@Injectable()
export class ReportRepository {
  constructor(private readonly dataSource: DataSource) {}

  createQueued(report: Pick<ReportEntity, 'projectId' | 'modelId' | 'periodFrom' | 'periodTo' | 'trigger'>): Promise<ReportEntity> {
    const repository = this.dataSource.getRepository(ReportEntity);
    return repository.save(repository.create({ ...report, status: 'queued' }));
  }

  createQueuedTiering(report: Pick<ReportEntity, 'projectId' | 'periodFrom' | 'periodTo'> & { parameters: Record<string, unknown> }): Promise<ReportEntity> {
    const repository = this.dataSource.getRepository(ReportEntity);
    return repository.save(repository.create({ ...report, kind: 'tiering', modelId: null, trigger: 'request', status: 'queued' }));
  }

  listTieringByProject(projectId: string, limit: number): Promise<ReportEntity[]> {
    return this.dataSource.getRepository(ReportEntity).find({ where: { projectId, kind: 'tiering' }, order: { createdAt: 'DESC' }, take: limit });
  }

  findById(id: string): Promise<ReportEntity | null> {
    return this.dataSource.getRepository(ReportEntity).findOneBy({ id });
  }

  findForProject(projectId: string, id: string): Promise<ReportEntity | null> {
    return this.dataSource.getRepository(ReportEntity).findOneBy({ projectId, id });
  }

  listByModel(modelId: string, limit: number): Promise<ReportEntity[]> {
    return this.dataSource.getRepository(ReportEntity).find({ where: { modelId }, order: { createdAt: 'DESC' }, take: limit });
  }

  async documentOf(id: string, which: 'envelope' | 'html'): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ doc: string | null }>>(`SELECT ${which === 'html' ? 'html' : 'envelope'} AS doc FROM reports WHERE id = $1`, [id]);
    return row?.doc ?? null;
  }

  // The stored documents and the report's ledger entry commit together.
  async markReady(id: string, documents: { envelope: string; html: string; contentDigest: string }, record: (manager: EntityManager) => Promise<number | null>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const ledgerIndex = await record(manager);
      await manager.query(
        `UPDATE reports SET status = 'ready', envelope = $2, html = $3, content_digest = $4, ledger_index = $5, error = NULL, ready_at = now() WHERE id = $1`,
        [id, documents.envelope, documents.html, documents.contentDigest, ledgerIndex],
      );
    });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE reports SET status = 'failed', error = $2 WHERE id = $1 AND status <> 'ready'`, [id, error.slice(0, 2000)]);
  }

  async checkRunCounts(modelId: string, from: Date, to: Date): Promise<Record<string, number>> {
    const rows = await this.dataSource.query<Array<{ verdict: string; n: string }>>(
      `SELECT verdict, count(*) AS n FROM check_runs WHERE model_id = $1 AND window_to >= $2 AND window_to < $3 GROUP BY verdict`,
      [modelId, from, to],
    );
    return Object.fromEntries(rows.map((r) => [r.verdict, Number(r.n)]));
  }

  /** One page of the period's check runs in (windowTo, id) order, after the given position. */
  async checkRunPage(modelId: string, from: Date, to: Date, after: { windowTo: string; id: string } | null, limit: number): Promise<ReportCheckRunRow[]> {
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT id, monitor_id, kind, signal, version, to_char(window_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_to_text,
              window_to, method, statistic, p_value, threshold, verdict, ledger_index,
              CASE WHEN verdict IN ('drift', 'breach') THEN explanation ->> 'sentence' END AS summary
         FROM check_runs
        WHERE model_id = $1 AND window_to >= $2 AND window_to < $3
          AND ($4::timestamptz IS NULL OR (window_to, id) > ($4::timestamptz, $5::uuid))
        ORDER BY window_to, id
        LIMIT $6`,
      [modelId, from, to, after?.windowTo ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      monitorId: r.monitor_id as string,
      kind: r.kind as string,
      signal: (r.signal as string | null) ?? null,
      version: (r.version as string | null) ?? null,
      windowTo: r.window_to_text as string,
      method: (r.method as string | null) ?? null,
      statistic: num(r.statistic),
      pValue: num(r.p_value),
      threshold: num(r.threshold),
      verdict: r.verdict as string,
      summary: (r.summary as string | null) ?? null,
      ledgerIndex: num(r.ledger_index),
    }));
  }

  /** Each monitor's latest run in the period that drifted or breached and has an explanation. */
  async latestFlaggedExplanations(modelId: string, from: Date, to: Date): Promise<FlaggedExplanationRow[]> {
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT DISTINCT ON (monitor_id) id, monitor_id, verdict, explanation,
              to_char(window_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_to_text
         FROM check_runs
        WHERE model_id = $1 AND window_to >= $2 AND window_to < $3 AND verdict IN ('drift', 'breach') AND explanation IS NOT NULL
        ORDER BY monitor_id, window_to DESC, id DESC`,
      [modelId, from, to],
    );
    return rows.map((r) => ({
      checkRunId: r.id as string,
      monitorId: r.monitor_id as string,
      windowTo: r.window_to_text as string,
      verdict: r.verdict as string,
      explanation: r.explanation as Record<string, unknown>,
    }));
  }

  /** Each monitor's statistic over the period in at most `buckets` equal time buckets. */
  async checkRunSeries(modelId: string, from: Date, to: Date, buckets: number): Promise<ReportSeriesRow[]> {
    const widthMs = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / buckets));
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT monitor_id, b, count(*) AS runs, count(*) FILTER (WHERE verdict IN ('drift', 'breach')) AS flagged,
              min(statistic) AS min, avg(statistic) AS mean, max(statistic) AS max, min(p_value) AS min_p, max(threshold) AS threshold
         FROM (SELECT monitor_id, verdict, statistic, p_value, threshold,
                      floor(extract(epoch FROM (window_to - $2::timestamptz)) * 1000 / $4)::int AS b
                 FROM check_runs WHERE model_id = $1 AND window_to >= $2 AND window_to < $3) r
        GROUP BY monitor_id, b ORDER BY monitor_id, b`,
      [modelId, from, to, widthMs],
    );
    return rows.map((r) => {
      const bucket = Number(r.b);
      return {
        monitorId: r.monitor_id as string,
        bucket,
        from: new Date(from.getTime() + bucket * widthMs).toISOString(),
        to: new Date(Math.min(to.getTime(), from.getTime() + (bucket + 1) * widthMs)).toISOString(),
        runs: Number(r.runs),
        flagged: Number(r.flagged),
        min: num(r.min),
        mean: num(r.mean),
        max: num(r.max),
        minPValue: num(r.min_p),
        threshold: num(r.threshold),
      };
    });
  }

  async economics(modelId: string, from: Date, to: Date): Promise<ReportEconomicsRow> {
    const [row] = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT count(*) AS sampled,
              coalesce(sum((signals->>'input_tokens')::float8), 0) AS input_tokens,
              coalesce(sum((signals->>'output_tokens')::float8), 0) AS output_tokens,
              sum((signals->>'cost_usd')::float8) AS cost_usd,
              sum((signals->>'energy_wh')::float8) AS energy_wh,
              sum((signals->>'co2e_g')::float8) AS co2e_g,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (signals->>'latency_ms')::float8) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY (signals->>'latency_ms')::float8) AS p95
         FROM samples WHERE model_id = $1 AND time >= $2 AND time < $3`,
      [modelId, from, to],
    );
    return {
      sampled: Number(row?.sampled ?? 0),
      inputTokens: Number(row?.input_tokens ?? 0),
      outputTokens: Number(row?.output_tokens ?? 0),
      costUsd: num(row?.cost_usd),
      energyWh: num(row?.energy_wh),
      co2eG: num(row?.co2e_g),
      latencyP50: num(row?.p50),
      latencyP95: num(row?.p95),
    };
  }

  async providerMix(modelId: string, from: Date, to: Date): Promise<Array<{ provider: string; sampled: number; costUsd: number | null }>> {
    const rows = await this.dataSource.query<Array<{ provider: string | null; n: string; cost: string | null }>>(
      `SELECT signals->>'provider' AS provider, count(*) AS n, sum((signals->>'cost_usd')::float8) AS cost
         FROM samples WHERE model_id = $1 AND time >= $2 AND time < $3 GROUP BY 1 ORDER BY 2 DESC`,
      [modelId, from, to],
    );
    return rows.map((r) => ({ provider: r.provider ?? 'unknown', sampled: Number(r.n), costUsd: num(r.cost) }));
  }

  async requestCounts(modelId: string, from: Date, to: Date): Promise<{ seen: number; sampled: number }> {
    const [row] = await this.dataSource.query<Array<{ seen: string | null; sampled: string | null }>>(
      `SELECT sum(seen) AS seen, sum(sampled) AS sampled FROM sample_counts WHERE model_id = $1 AND minute >= $2 AND minute < $3`,
      [modelId, from, to],
    );
    return { seen: Number(row?.seen ?? 0), sampled: Number(row?.sampled ?? 0) };
  }

  async ledgerEntries(indexes: readonly number[]): Promise<ReportLedgerEntryRow[]> {
    const rows = await this.dataSource.query<Array<{ idx: string; kind: string; project_id: string | null; subject: string; entry: string; leaf_hash: Buffer }>>(
      `SELECT idx, kind, project_id, subject, entry, leaf_hash FROM ledger_entries WHERE idx = ANY($1::bigint[]) ORDER BY idx`,
      [indexes],
    );
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, projectId: r.project_id, subject: r.subject, entry: r.entry, leafHash: r.leaf_hash }));
  }

  /** Alerts of the model open at any time in [from, to), with how each ended. */
  async alertsInPeriod(modelId: string, from: Date, to: Date): Promise<ReportAlertRow[]> {
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT id, fingerprint, signal, severity, status, summary, kind, monitor_id, labels ->> 'monitor' AS monitor_name, occurrences, started_at,
              acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolve_note, ledger_index
         FROM alerts WHERE model_id = $1 AND started_at < $3 AND (resolved_at IS NULL OR resolved_at >= $2)
        ORDER BY started_at`,
      [modelId, from, to],
    );
    return rows.map((r) => ({
      id: r.id as string,
      fingerprint: r.fingerprint as string,
      signal: (r.signal as string | null) ?? null,
      severity: r.severity as string,
      status: r.status as string,
      summary: r.summary as string,
      kind: r.kind as string,
      monitorId: r.monitor_id as string,
      monitorName: (r.monitor_name as string | null) ?? null,
      occurrences: Number(r.occurrences),
      startedAt: r.started_at as Date,
      acknowledgedAt: (r.acknowledged_at as Date | null) ?? null,
      acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
      resolvedAt: (r.resolved_at as Date | null) ?? null,
      resolvedBy: (r.resolved_by as string | null) ?? null,
      resolveNote: (r.resolve_note as string | null) ?? null,
      ledgerIndex: r.ledger_index === null || r.ledger_index === undefined ? null : Number(r.ledger_index),
    }));
  }

  async upsertSchedule(input: ReportScheduleInput): Promise<ReportScheduleEntity> {
    await this.dataSource.query(
      `INSERT INTO report_schedules (model_id, project_id, cron, every_seconds, period_days, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (model_id) DO UPDATE SET cron = excluded.cron, every_seconds = excluded.every_seconds, period_days = excluded.period_days, updated_at = now()`,
      [input.modelId, input.projectId, input.cron, input.everySeconds, input.periodDays],
    );
    return (await this.findSchedule(input.modelId))!;
  }

  findSchedule(modelId: string): Promise<ReportScheduleEntity | null> {
    return this.dataSource.getRepository(ReportScheduleEntity).findOneBy({ modelId });
  }

  listSchedules(): Promise<ReportScheduleEntity[]> {
    return this.dataSource.getRepository(ReportScheduleEntity).find();
  }

  async removeSchedule(modelId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ReportScheduleEntity).delete({ modelId });
    return (result.affected ?? 0) > 0;
  }
}
