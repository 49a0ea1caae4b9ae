import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, ErrorCode, badInput, notFound, type Principal } from '@assay/common';
import {
  DuplicateNameError,
  LifecycleTransitionError,
  ModelRepository,
  SampleCountRepository,
  SampleRepository,
  type Lifecycle,
  type ModelEntity,
  type ModelPatch,
  type ModelVersionEntity,
  type NewModel,
  type NewModelVersion,
  type SampleTotals,
  type StoredSample,
} from '@assay/db';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { parseArtifactDigest } from '@assay/provenance';
import { announceModelChange } from './model-catalog.service.js';
import { modelConfigProblem } from './model-rules.js';

export type ModelInput = Omit<NewModel, 'projectId' | 'autoRegistered'>;

export interface SamplePage extends SampleTotals {
  items: StoredSample[];
}

@Injectable()
export class ModelsService {
  constructor(
    private readonly models: ModelRepository,
    private readonly samples: SampleRepository,
    private readonly counts: SampleCountRepository,
    private readonly ledger: LedgerService,
    private readonly dataSource: DataSource,
  ) {}

  async create(principal: Principal, input: ModelInput): Promise<ModelEntity> {
    const projectId = projectOf(principal);
    checkConfig(input);
    const model = await this.withLedger(async (manager) => {
      const created = await this.models.create({ ...input, projectId }, manager);
      await this.record(created, 'created', manager);
      return created;
    });
    announceModelChange(projectId);
    return model;
  }

  /** Registers the models the ingest saw and the project does not have yet (its autoRegisterModels setting), each with its ledger entry. */
  async registerSeen(projectId: string, names: string[]): Promise<ModelEntity[]> {
    const created = await this.dataSource.transaction(async (manager) => {
      const models = await this.models.createMissing(projectId, names, manager);
      for (const model of models) await this.record(model, 'registered', manager);
      return models;
    });
    if (created.length > 0) announceModelChange(projectId);
    return created;
  }

  list(principal: Principal): Promise<ModelEntity[]> {
    return this.models.listByProject(projectOf(principal));
  }

  async get(principal: Principal, name: string): Promise<ModelEntity> {
    const model = await this.models.findByName(projectOf(principal), name);
    if (!model) throw notFound(`model ${name}`);
    return model;
  }

  async update(principal: Principal, name: string, patch: ModelPatch): Promise<ModelEntity> {
    const model = await this.get(principal, name);
    checkConfig(patch);
    const updated = await this.withLedger(async (manager) => {
      const changed = await this.models.update(model.id, patch, manager);
      await this.record(changed, 'updated', manager);
      return changed;
    });
    announceModelChange(model.projectId);
    return updated;
  }

  async createVersion(principal: Principal, name: string, input: NewModelVersion): Promise<ModelVersionEntity> {
    if (input.artifactDigest != null) {
      const parsed = parseArtifactDigest(input.artifactDigest);
      if ('problem' in parsed) throw badInput(`artifactDigest: ${parsed.problem}`);
    }
    const model = await this.get(principal, name);
    return this.withLedger(async (manager) => {
      const version = await this.models.createVersion(model.id, input, manager);
      await this.ledger.append(
        {
          kind: LedgerKind.ModelVersion,
          projectId: model.projectId,
          subject: `model/${model.id}/version/${version.version}`,
          body: { event: 'created', model: model.name, version: version.version, artifactDigest: version.artifactDigest, lifecycle: version.lifecycle },
        },
        manager,
      );
      return version;
    });
  }

  async listVersions(principal: Principal, name: string): Promise<ModelVersionEntity[]> {
    return this.models.listVersions((await this.get(principal, name)).id);
  }

  async changeLifecycle(principal: Principal, name: string, versionName: string, lifecycle: Lifecycle): Promise<ModelVersionEntity> {
    const model = await this.get(principal, name);
    const change = await this.withLedger(async (manager) => {
      const changed = await this.models.changeLifecycle(model.id, versionName, lifecycle, manager);
      if (!changed) return null;
      await this.ledger.append(
        {
          kind: LedgerKind.ModelVersion,
          projectId: model.projectId,
          subject: `model/${model.id}/version/${versionName}`,
          body: { event: 'lifecycle', model: model.name, version: versionName, lifecycle, retired: changed.retired },
        },
        manager,
      );
      return changed;
    });
    if (!change) throw notFound(`version ${versionName} of model ${name}`);
    return change.version;
  }

  async samplePage(principal: Principal, name: string, options: { limit: number; version: string | null }): Promise<SamplePage> {
    const model = await this.get(principal, name);
    const [items, totals] = await Promise.all([
      this.samples.listRecent(model.id, { version: options.version, limit: options.limit }),
      this.counts.totals(model.id, options.version),
    ]);
    return { items, ...totals };
  }

  /** Spans of the caller's project that matched no model, per service, over [from, to). */
  unmatchedSpans(principal: Principal, from: Date, to: Date): Promise<Array<{ serviceName: string; count: number }>> {
    return this.counts.unmatchedByService(projectOf(principal), from, to);
  }

  private async record(model: ModelEntity, event: 'created' | 'updated' | 'registered', manager: EntityManager): Promise<void> {
    await this.ledger.append(
      {
        kind: LedgerKind.Model,
        projectId: model.projectId,
        subject: `model/${model.id}`,
        body: {
          event,
          name: model.name,
          owner: model.owner,
          riskTier: model.riskTier,
          match: { ...model.match },
          versionAttribute: model.versionAttribute,
          sampling: { ...model.sampling },
          customSignals: model.customSignals.map((s) => ({ ...s, source: { ...s.source } })),
          energy: model.energy ? { ...model.energy } : null,
        },
      },
      manager,
    );
  }

  // A change and its ledger entry commit together: nothing the ledger does not know of.
  private async withLedger<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (error instanceof DuplicateNameError) throw new DomainError(ErrorCode.Conflict, error.message);
      if (error instanceof LifecycleTransitionError) throw new DomainError(ErrorCode.Conflict, error.message);
      throw error;
    }
  }
}

export function projectOf(principal: Principal): string {
  if (!principal.projectId) throw badInput('this route works on a project: use a key of the project (admin keys have none)');
  return principal.projectId;
}

function checkConfig(config: Parameters<typeof modelConfigProblem>[0]): void {
  const problem = modelConfigProblem(config);
  if (problem) throw badInput(problem);
}
