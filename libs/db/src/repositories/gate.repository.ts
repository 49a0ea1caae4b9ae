import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GateDecisionEntity, GatePolicyEntity } from '../entities/gate.entities.js';
import { ModelVersionEntity } from '../entities/model.entities.js';
import { isUniqueViolation } from './project.repository.js';

export type NewGateDecision = Omit<GateDecisionEntity, 'createdAt' | 'ledgerIndex' | 'promoted'>;

export interface Promotion {
  modelId: string;
  version: string;
}

export interface RecordedDecision {
  decision: GateDecisionEntity;
  /** The production version this decision's promotion retired. */
  retired: string | null;
}

export class PromotionRefusedError extends Error {}
export class IdempotencyKeyTakenError extends Error {}

export type DecisionRecorder = (manager: EntityManager, outcome: { promoted: boolean; retired: string | null }) => Promise<number | null>;

@Injectable()
export class GateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsertPolicy(projectId: string, modelId: string, policy: Record<string, unknown>): Promise<GatePolicyEntity> {
    await this.dataSource.query(
      `INSERT INTO gate_policies (model_id, project_id, policy, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (model_id) DO UPDATE SET policy = excluded.policy, updated_at = now()`,
      [modelId, projectId, JSON.stringify(policy)],
    );
    return (await this.findPolicy(modelId))!;
  }

  findPolicy(modelId: string): Promise<GatePolicyEntity | null> {
    return this.dataSource.getRepository(GatePolicyEntity).findOneBy({ modelId });
  }

  findByIdempotencyKey(projectId: string, idempotencyKey: string): Promise<GateDecisionEntity | null> {
    return this.dataSource.getRepository(GateDecisionEntity).findOneBy({ projectId, idempotencyKey });
  }

  findForProject(projectId: string, id: string): Promise<GateDecisionEntity | null> {
    return this.dataSource.getRepository(GateDecisionEntity).findOneBy({ projectId, id });
  }

  listInPeriod(modelId: string, from: Date, to: Date): Promise<GateDecisionEntity[]> {
    return this.dataSource
      .getRepository(GateDecisionEntity)
      .createQueryBuilder('d')
      .where('d.model_id = :modelId AND d.created_at >= :from AND d.created_at < :to', { modelId, from, to })
      .orderBy('d.created_at', 'ASC')
      .getMany();
  }

  /**
   * Stores a decision, its ledger entries and (on `promotion`) the version's move to production with
   * the retirement of the previous production version: all in one transaction. The model row is
   * locked so that two promotions of one model run one after the other. A taken idempotency key
   * rolls everything back and throws IdempotencyKeyTakenError.
   */
  recordDecision(decision: NewGateDecision, promotion: Promotion | null, record: DecisionRecorder): Promise<RecordedDecision> {
    return this.dataSource
      .transaction(async (manager) => {
        let retired: string | null = null;
        if (promotion) {
          await manager.query(`SELECT id FROM models WHERE id = $1 FOR UPDATE`, [promotion.modelId]);
          const current = await manager.findOneBy(ModelVersionEntity, { modelId: promotion.modelId, version: promotion.version });
          if (!current) throw new PromotionRefusedError(`version "${promotion.version}" no longer exists`);
          if (current.lifecycle !== 'candidate' && current.lifecycle !== 'approved') {
            throw new PromotionRefusedError(`version "${promotion.version}" is ${current.lifecycle}; only a candidate or approved version can be promoted`);
          }
          const rows = await manager.query<[Array<{ version: string }>, number]>(
            `UPDATE model_versions SET lifecycle = 'retired', updated_at = now()
              WHERE model_id = $1 AND lifecycle = 'production' RETURNING version`,
            [promotion.modelId],
          );
          retired = rows[0][0]?.version ?? null;
          await manager.update(ModelVersionEntity, { id: current.id }, { lifecycle: 'production', updatedAt: new Date() });
        }
        await manager.save(manager.create(GateDecisionEntity, { ...decision, promoted: promotion !== null, ledgerIndex: null }));
        const ledgerIndex = await record(manager, { promoted: promotion !== null, retired });
        await manager.update(GateDecisionEntity, { id: decision.id }, { ledgerIndex });
        const saved = (await manager.findOneBy(GateDecisionEntity, { id: decision.id }))!;
        return { decision: saved, retired };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new IdempotencyKeyTakenError('the idempotency key was used by a concurrent request');
        throw error;
      });
  }
}
