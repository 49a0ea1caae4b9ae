import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AlertEntity, type AlertKind, type AlertStatus } from '../entities/alert.entity.js';
import type { MonitorKind, Severity } from '../entities/monitoring.entities.js';

export interface FailingRunForAlert {
  projectId: string;
  modelId: string;
  monitorId: string;
  kind: MonitorKind;
  signal: string | null;
  fingerprint: string;
  severity: Severity;
  labels: Record<string, string>;
  summary: string;
  /** The failing run's CheckExplanation, kept on the alert so its notifications state the same numbers. */
  explanation: Record<string, unknown> | null;
  checkRunId: string;
  verdict: string;
  at: Date;
}

export interface PassingRunForAlert {
  fingerprint: string;
  checkRunId: string;
  at: Date;
}

export type AlertTransitionName = 'fired' | 'acknowledged' | 'resolved';

export interface AlertTransition {
  alert: AlertEntity;
  transition: AlertTransitionName;
}

export type RecordTransition = (manager: EntityManager, change: AlertTransition) => Promise<unknown>;

export interface AlertFilter {
  projectId: string;
  status?: AlertStatus;
  model?: string;
  severity?: Severity;
  kind?: AlertKind;
  before?: Date;
  limit: number;
}

export interface ManualTransition {
  projectId: string;
  id: string;
  to: 'acknowledged' | 'resolved';
  by: string;
  note: string | null;
}

@Injectable()
export class AlertRepository {
  constructor(private readonly dataSource: DataSource) {}

  openByFingerprints(fingerprints: string[]): Promise<AlertEntity[]> {
    return this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where(`a.fingerprint = ANY(:fingerprints) AND a.status <> 'resolved'`, { fingerprints })
      .getMany();
  }

  // Opens or updates the alert of each failing run and resolves the open alert of each passing one,
  // recording every transition (not repeats) through `record` in the same transaction.
  applyRuns(failing: FailingRunForAlert[], passing: PassingRunForAlert[], record: RecordTransition): Promise<{ changed: AlertTransition[]; updated: AlertEntity[] }> {
    return this.dataSource.transaction(async (manager) => {
      const changed: AlertTransition[] = [];
      const updatedIds: string[] = [];
      for (const run of failing) {
        const rows = (await manager.query(
          `INSERT INTO alerts (project_id, model_id, monitor_id, kind, signal, fingerprint, status, severity, labels, summary,
                               first_check_run_id, last_check_run_id, last_verdict, started_at, last_seen_at, explanation)
           VALUES ($1, $2, $3, $4, $5, $6, 'firing', $7, $8, $9, $10, $10, $11, $12, $12, $13)
           ON CONFLICT (fingerprint) WHERE status <> 'resolved' DO UPDATE
             SET last_check_run_id = excluded.last_check_run_id, last_verdict = excluded.last_verdict,
                 severity = excluded.severity, summary = excluded.summary, labels = excluded.labels, explanation = excluded.explanation,
                 last_seen_at = GREATEST(alerts.last_seen_at, excluded.last_seen_at),
                 occurrences = alerts.occurrences + 1, updated_at = now()
           RETURNING id, (xmax = 0) AS inserted`,
          [run.projectId, run.modelId, run.monitorId, run.kind, run.signal, run.fingerprint, run.severity,
            JSON.stringify(run.labels), run.summary, run.checkRunId, run.verdict, run.at, run.explanation === null ? null : JSON.stringify(run.explanation)],
        )) as Array<{ id: string; inserted: boolean }>;
        const row = rows[0]!;
        if (row.inserted) {
          const alert = (await manager.findOneBy(AlertEntity, { id: row.id }))!;
          changed.push({ alert, transition: 'fired' });
          await record(manager, { alert, transition: 'fired' });
        } else {
          updatedIds.push(row.id);
        }
      }
      if (passing.length > 0) {
        const rows = (await manager.query(
          `UPDATE alerts a SET status = 'resolved', resolved_at = p.at, resolved_by = NULL,
                  resolve_note = 'resolved automatically: check run ' || p.run_id || ' passed',
                  last_check_run_id = p.run_id::uuid, last_verdict = 'ok', updated_at = now()
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS p(fingerprint, run_id, at)
            WHERE a.fingerprint = p.fingerprint AND a.status <> 'resolved'
           RETURNING a.id`,
          [passing.map((p) => p.fingerprint), passing.map((p) => p.checkRunId), passing.map((p) => p.at)],
        )) as [Array<{ id: string }>, number];
        // TypeORM answers an UPDATE with [rows, affected].
        const ids = rows[0].map((r) => r.id);
        for (const alert of ids.length > 0 ? await manager.findBy(AlertEntity, { id: In(ids) }) : []) {
          changed.push({ alert, transition: 'resolved' });
          await record(manager, { alert, transition: 'resolved' });
        }
      }
      const updated = updatedIds.length > 0 ? await manager.findBy(AlertEntity, { id: In(updatedIds) }) : [];
      return { changed, updated };
    });
  }

  // Firing → acknowledged, or firing/acknowledged → resolved; null when the alert is not in a state that allows it.
  transition(change: ManualTransition, record: RecordTransition): Promise<AlertEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const sql =
        change.to === 'acknowledged'
          ? `UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $3, acknowledge_note = $4, updated_at = now()
              WHERE id = $1 AND project_id = $2 AND status = 'firing' RETURNING id`
          : `UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_by = $3, resolve_note = $4, updated_at = now()
              WHERE id = $1 AND project_id = $2 AND status <> 'resolved' RETURNING id`;
      const [rows] = (await manager.query(sql, [change.id, change.projectId, change.by, change.note])) as [Array<{ id: string }>, number];
      if (rows.length === 0) return null;
      const alert = (await manager.findOneBy(AlertEntity, { id: change.id }))!;
      await record(manager, { alert, transition: change.to });
      return alert;
    });
  }

  openForProject(projectId: string): Promise<AlertEntity[]> {
    return this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where(`a.project_id = :projectId AND a.status <> 'resolved'`, { projectId })
      .getMany();
  }

  findForProject(projectId: string, id: string): Promise<AlertEntity | null> {
    return this.dataSource.getRepository(AlertEntity).findOneBy({ projectId, id });
  }

  list(filter: AlertFilter): Promise<AlertEntity[]> {
    const query = this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where('a.project_id = :projectId', { projectId: filter.projectId });
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.model) query.andWhere(`a.labels ->> 'model' = :model`, { model: filter.model });
    if (filter.severity) query.andWhere('a.severity = :severity', { severity: filter.severity });
    if (filter.kind) query.andWhere('a.kind = :kind', { kind: filter.kind });
    if (filter.before) query.andWhere('a.updated_at < :before', { before: filter.before });
    return query.orderBy('a.updated_at', 'DESC').addOrderBy('a.id', 'DESC').limit(filter.limit).getMany();
  }

  // The open alerts of a project, plus the latest alert of each fingerprint a group last heard as open
  // (so that its resolution can be announced).
  groupCandidates(projectId: string, notifiedFingerprints: string[]): Promise<AlertEntity[]> {
    return this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .distinctOn(['a.fingerprint'])
      .where(`a.project_id = :projectId AND (a.status <> 'resolved' OR a.fingerprint = ANY(:fps))`, { projectId, fps: notifiedFingerprints })
      .orderBy('a.fingerprint')
      .addOrderBy('a.started_at', 'DESC')
      .getMany();
  }
}
