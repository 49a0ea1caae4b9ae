import { Injectable } from '@nestjs/common';
import type { CustomSignalSpec } from '@assay/otlp';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import {
  LIFECYCLES,
  ModelEntity,
  ModelVersionEntity,
  type EnergyConfig,
  type Lifecycle,
  type ModelMatch,
  type RiskTier,
  type SamplingConfig,
} from '../entities/model.entities.js';
import { DuplicateNameError, isUniqueViolation } from './project.repository.js';

export interface NewModel {
  projectId: string;
  name: string;
  owner?: string | null;
  riskTier?: RiskTier;
  description?: string | null;
  match?: ModelMatch;
  versionAttribute?: string;
  sampling?: SamplingConfig;
  customSignals?: CustomSignalSpec[];
  energy?: EnergyConfig | null;
  autoRegistered?: boolean;
}

export type ModelPatch = Partial<Omit<NewModel, 'projectId' | 'name' | 'autoRegistered'>>;

export interface NewModelVersion {
  version: string;
  artifactDigest?: string | null;
  lifecycle?: Lifecycle;
}

export class LifecycleTransitionError extends Error {}

export interface LifecycleChange {
  version: ModelVersionEntity;
  /** The version that was in production and was retired by this promotion. */
  retired: string | null;
}

@Injectable()
export class ModelRepository {
  private readonly models: Repository<ModelEntity>;
  private readonly versions: Repository<ModelVersionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.models = dataSource.getRepository(ModelEntity);
    this.versions = dataSource.getRepository(ModelVersionEntity);
  }

  // The writes below run inside the caller's transaction (the models service commits each change with
  // its ledger entry); `create` and `update` also on their own when no manager is given.

  async create(model: NewModel, manager?: EntityManager): Promise<ModelEntity> {
    const models = manager?.getRepository(ModelEntity) ?? this.models;
    try {
      const saved = await models.save(models.create({ ...model, updatedAt: new Date() }));
      // save() does not read back column defaults (match, sampling, ...): the stored row does.
      return (await models.findOneBy({ id: saved.id }))!;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateNameError(`a model named "${model.name}" already exists`);
      throw error;
    }
  }

  /** Registers models first seen by the ingest and returns those it created; names already taken are left as they are. */
  async createMissing(projectId: string, names: string[], manager: EntityManager): Promise<ModelEntity[]> {
    if (names.length === 0) return [];
    const created = (await manager.query(
      `INSERT INTO models (project_id, name, auto_registered) SELECT $1, n, true FROM unnest($2::text[]) AS n
       ON CONFLICT (project_id, name) DO NOTHING
       RETURNING id`,
      [projectId, names],
    )) as Array<{ id: string }>;
    if (created.length === 0) return [];
    return manager.find(ModelEntity, { where: { id: In(created.map((row) => row.id)) }, order: { name: 'ASC' } });
  }

  findById(id: string): Promise<ModelEntity | null> {
    return this.models.findOneBy({ id });
  }

  findByName(projectId: string, name: string): Promise<ModelEntity | null> {
    return this.models.findOneBy({ projectId, name });
  }

  listByProject(projectId: string): Promise<ModelEntity[]> {
    return this.models.find({ where: { projectId }, order: { name: 'ASC' } });
  }

  /** When the project's models last changed, so that caches of them can tell they are stale. */
  async lastChange(projectId: string): Promise<{ count: number; updatedAt: Date | null }> {
    const [row] = await this.dataSource.query<Array<{ n: string; at: Date | null }>>(
      `SELECT count(*) AS n, max(updated_at) AS at FROM models WHERE project_id = $1`,
      [projectId],
    );
    return { count: Number(row?.n ?? 0), updatedAt: row?.at ?? null };
  }

  async update(id: string, patch: ModelPatch, manager?: EntityManager): Promise<ModelEntity> {
    const models = manager?.getRepository(ModelEntity) ?? this.models;
    await models.update({ id }, { ...patch, updatedAt: new Date() });
    return (await models.findOneBy({ id }))!;
  }

  async createVersion(modelId: string, input: NewModelVersion, manager: EntityManager): Promise<ModelVersionEntity> {
    try {
      await manager.query(`SELECT id FROM models WHERE id = $1 FOR UPDATE`, [modelId]);
      if (input.lifecycle === 'production') {
        await manager.query(
          `UPDATE model_versions SET lifecycle = 'retired', updated_at = now() WHERE model_id = $1 AND lifecycle = 'production'`,
          [modelId],
        );
      }
      return await manager.save(
        manager.create(ModelVersionEntity, {
          modelId,
          version: input.version,
          artifactDigest: input.artifactDigest ?? null,
          lifecycle: input.lifecycle ?? 'candidate',
          updatedAt: new Date(),
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateNameError(`version "${input.version}" already exists`);
      throw error;
    }
  }

  listVersions(modelId: string): Promise<ModelVersionEntity[]> {
    return this.versions.find({ where: { modelId }, order: { createdAt: 'ASC' } });
  }

  findVersion(modelId: string, version: string): Promise<ModelVersionEntity | null> {
    return this.versions.findOneBy({ modelId, version });
  }

  /**
   * Moves a version forward (candidate → approved → production → retired). Promoting to production
   * retires the current production version in the same transaction; the model row is locked so two
   * promotions of one model run one after the other.
   */
  async changeLifecycle(modelId: string, version: string, lifecycle: Lifecycle, manager: EntityManager): Promise<LifecycleChange | null> {
    await manager.query(`SELECT id FROM models WHERE id = $1 FOR UPDATE`, [modelId]);
    const current = await manager.findOneBy(ModelVersionEntity, { modelId, version });
    if (!current) return null;
    if (LIFECYCLES.indexOf(lifecycle) <= LIFECYCLES.indexOf(current.lifecycle)) {
      throw new LifecycleTransitionError(
        `version "${version}" is ${current.lifecycle}; it can only move forward (${LIFECYCLES.join(' → ')}), not to ${lifecycle}`,
      );
    }
    let retired: string | null = null;
    if (lifecycle === 'production') {
      const rows = await manager.query<[Array<{ version: string }>, number]>(
        `UPDATE model_versions SET lifecycle = 'retired', updated_at = now()
          WHERE model_id = $1 AND lifecycle = 'production' RETURNING version`,
        [modelId],
      );
      retired = rows[0][0]?.version ?? null;
    }
    await manager.update(ModelVersionEntity, { id: current.id }, { lifecycle, updatedAt: new Date() });
    return { version: (await manager.findOneBy(ModelVersionEntity, { id: current.id }))!, retired };
  }
}
