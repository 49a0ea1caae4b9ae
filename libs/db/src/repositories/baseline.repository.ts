import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BaselineEntity, BaselineSignalEntity } from '../entities/monitoring.entities.js';

export type NewBaseline = Omit<BaselineEntity, 'id' | 'createdAt' | 'ledgerIndex'>;
export type NewBaselineSignal = Omit<BaselineSignalEntity, 'baselineId'>;
export type LedgerRecorder<T> = (manager: EntityManager, subject: T) => Promise<number | null>;

@Injectable()
export class BaselineRepository {
  constructor(private readonly dataSource: DataSource) {}

  // The baseline, its signals and its ledger entry commit together or not at all.
  createFrozen(
    baseline: NewBaseline,
    signals: NewBaselineSignal[],
    record: LedgerRecorder<{ id: string }>,
  ): Promise<BaselineEntity> {
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      const ledgerIndex = await record(manager, { id });
      const saved = await manager.save(manager.create(BaselineEntity, { ...baseline, id, ledgerIndex }));
      if (signals.length > 0) {
        await manager.save(signals.map((s) => manager.create(BaselineSignalEntity, { ...s, baselineId: id })));
      }
      return saved;
    });
  }

  findForProject(projectId: string, id: string): Promise<BaselineEntity | null> {
    return this.dataSource.getRepository(BaselineEntity).findOneBy({ projectId, id });
  }

  latestFor(modelId: string, version: string | null): Promise<BaselineEntity | null> {
    return this.dataSource.getRepository(BaselineEntity).findOne({
      where: version === null ? { modelId } : { modelId, version },
      order: { createdAt: 'DESC' },
    });
  }

  listByModel(modelId: string): Promise<BaselineEntity[]> {
    return this.dataSource.getRepository(BaselineEntity).find({ where: { modelId }, order: { createdAt: 'DESC' } });
  }

  signals(baselineId: string, names?: string[]): Promise<BaselineSignalEntity[]> {
    const query = this.dataSource
      .getRepository(BaselineSignalEntity)
      .createQueryBuilder('s')
      .where('s.baseline_id = :baselineId', { baselineId });
    if (names) query.andWhere('s.signal = ANY(:names)', { names });
    return query.orderBy('s.signal').getMany();
  }

  /** As signals(), with the nulls stored beside each profile (left out of every other read: they are large). */
  signalsWithNulls(baselineId: string, names: string[]): Promise<BaselineSignalEntity[]> {
    return this.dataSource
      .getRepository(BaselineSignalEntity)
      .createQueryBuilder('s')
      .addSelect('s.nulls')
      .where('s.baseline_id = :baselineId', { baselineId })
      .andWhere('s.signal = ANY(:names)', { names })
      .orderBy('s.signal')
      .getMany();
  }
}
