import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CheckRunEntity, type MonitorKind, type Verdict } from '../entities/monitoring.entities.js';

export type NewCheckRun = Omit<CheckRunEntity, 'id' | 'createdAt' | 'ledgerIndex' | 'alpha' | 'noiseFloor'> &
  Partial<Pick<CheckRunEntity, 'alpha' | 'noiseFloor'>>;

export interface CheckRunFilter {
  projectId: string;
  modelId?: string;
  monitorId?: string;
  kind?: MonitorKind;
  verdict?: Verdict;
  from?: Date;
  to?: Date;
  limit: number;
  before?: Date;
}

@Injectable()
export class CheckRunRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Scheduled runs of the same monitor and tick are stored once: a run that lost the race is dropped,
  // and only stored runs get a ledger entry. Everything commits together.
  insertRuns(
    runs: NewCheckRun[],
    record: (manager: EntityManager, run: CheckRunEntity) => Promise<number | null>,
  ): Promise<CheckRunEntity[]> {
    return this.dataSource.transaction(async (manager) => {
      const stored: CheckRunEntity[] = [];
      for (const run of runs) {
        const result = await manager
          .createQueryBuilder()
          .insert()
          .into(CheckRunEntity)
          .values(run as QueryDeepPartialEntity<CheckRunEntity>)
          .orIgnore()
          .returning('*')
          .execute();
        const row = (result.raw as Array<Record<string, unknown>>)[0];
        if (!row) continue;
        const entity = manager.create(CheckRunEntity, { ...run, id: row.id as string, createdAt: row.created_at as Date });
        entity.ledgerIndex = await record(manager, entity);
        if (entity.ledgerIndex !== null) {
          await manager.update(CheckRunEntity, { id: entity.id }, { ledgerIndex: entity.ledgerIndex });
        }
        stored.push(entity);
      }
      return stored;
    });
  }

  findForProject(projectId: string, id: string): Promise<CheckRunEntity | null> {
    return this.dataSource.getRepository(CheckRunEntity).findOneBy({ projectId, id });
  }

  list(filter: CheckRunFilter): Promise<CheckRunEntity[]> {
    const query = this.dataSource
      .getRepository(CheckRunEntity)
      .createQueryBuilder('r')
      .where('r.project_id = :projectId', { projectId: filter.projectId });
    if (filter.modelId) query.andWhere('r.model_id = :modelId', { modelId: filter.modelId });
    if (filter.monitorId) query.andWhere('r.monitor_id = :monitorId', { monitorId: filter.monitorId });
    if (filter.kind) query.andWhere('r.kind = :kind', { kind: filter.kind });
    if (filter.verdict) query.andWhere('r.verdict = :verdict', { verdict: filter.verdict });
    if (filter.from) query.andWhere('r.window_to >= :from', { from: filter.from });
    if (filter.to) query.andWhere('r.window_to < :to', { to: filter.to });
    if (filter.before) query.andWhere('r.window_to < :before', { before: filter.before });
    return query.orderBy('r.window_to', 'DESC').addOrderBy('r.id', 'DESC').limit(filter.limit).getMany();
  }

  async latestPerMonitor(modelId: string): Promise<CheckRunEntity[]> {
    return this.dataSource
      .getRepository(CheckRunEntity)
      .createQueryBuilder('r')
      .distinctOn(['r.monitor_id'])
      .where('r.model_id = :modelId', { modelId })
      .orderBy('r.monitor_id')
      .addOrderBy('r.window_to', 'DESC')
      .addOrderBy('r.created_at', 'DESC')
      .getMany();
  }

  /**
   * How many of the monitor's latest runs of this signal, up to `upTo`, failed in a row (drift or breach),
   * counting at most `limit`; runs with insufficient data neither break nor extend the streak.
   */
  async failingStreak(monitorId: string, signal: string | null, upTo: Date, limit: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT verdict FROM check_runs
        WHERE monitor_id = $1 AND signal IS NOT DISTINCT FROM $2 AND window_to <= $3 AND verdict <> 'insufficient_data'
        ORDER BY window_to DESC, created_at DESC
        LIMIT $4`,
      [monitorId, signal, upTo, limit],
    )) as Array<{ verdict: string }>;
    const broken = rows.findIndex((r) => r.verdict !== 'drift' && r.verdict !== 'breach');
    return broken === -1 ? rows.length : broken;
  }

  series(monitorId: string, from: Date, to: Date, limit: number): Promise<CheckRunEntity[]> {
    return this.dataSource
      .getRepository(CheckRunEntity)
      .createQueryBuilder('r')
      .where('r.monitor_id = :monitorId AND r.window_to >= :from AND r.window_to < :to', { monitorId, from, to })
      .orderBy('r.window_to', 'ASC')
      .limit(limit)
      .getMany();
  }
}
