import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { AttributeKeySet, DEFAULT_JOURNEY_ATTRIBUTES, DEFAULT_JOURNEY_LIMIT, UNSAMPLED_SPAN_KEYS, compileContentSignals, compileCustomSignals, normaliseProvider, type ContentSignals, type TokenPrice } from '@assay/otlp';
import { ModelRepository, PriceCatalogRepository, ProjectRepository, type ModelEntity } from '@assay/db';
import type { CompiledSignals } from './inference-signals.js';
import { SpanMatcher, type MatchableModel } from './span-matcher.js';

export interface CompiledModel extends MatchableModel {
  sampling: ModelEntity['sampling'];
  energy: ModelEntity['energy'];
  customSignals: CompiledSignals | null;
  /** The custom signals computed from text alone, for content that GenAI log records carry apart from the span. */
  contentSignals: ContentSignals | null;
}

/** A project's catalog as plain data: what `compileCatalog` builds from, and what crosses to a thread. */
export interface CatalogSource {
  models: Array<Pick<ModelEntity, 'id' | 'name' | 'match' | 'versionAttribute' | 'sampling' | 'energy' | 'customSignals'>>;
  prices: Array<{ provider: string; model: string } & TokenPrice>;
  autoRegisterModels: boolean;
  /** Absent: the defaults. */
  journeyAttributes?: readonly string[];
  journeyLimit?: number;
}

export interface ProjectCatalog {
  /** Different for every load, so that a copy elsewhere knows when it is stale. */
  revision: number;
  source: CatalogSource;
  models: CompiledModel[];
  matcher: SpanMatcher<CompiledModel>;
  /** Keyed `${provider}\u0000${model}`. */
  prices: Map<string, TokenPrice>;
  autoRegisterModels: boolean;
  /** The span attributes matching and counting read: what a span the coin drops is decoded for. */
  countingKeys: AttributeKeySet;
  journeyAttributes: readonly string[];
  journeyLimit: number;
}

export const CATALOG_TTL_MS = 5_000;

// Process-wide, so that an API and an ingest running in one process share invalidations even
// though each Nest application has its own instances.
const changes = new EventEmitter();
changes.setMaxListeners(0);

export function announceModelChange(projectId: string): void {
  changes.emit('change', projectId);
}

export const priceKey = (provider: string, model: string): string => `${provider}\u0000${model}`;

let revisions = 0;

export function compileCatalog(source: CatalogSource, revision = ++revisions): ProjectCatalog {
  const compiled = source.models.map<CompiledModel>((m) => ({
    id: m.id,
    name: m.name,
    match: m.match ?? {},
    versionAttribute: m.versionAttribute,
    sampling: m.sampling,
    energy: m.energy,
    customSignals: m.customSignals.length > 0 ? compileCustomSignals(m.customSignals) : null,
    contentSignals: compileContentSignals(m.customSignals),
  }));
  const journeyAttributes = source.journeyAttributes ?? DEFAULT_JOURNEY_ATTRIBUTES;
  return {
    revision,
    source,
    models: compiled,
    journeyAttributes,
    journeyLimit: source.journeyLimit ?? DEFAULT_JOURNEY_LIMIT,
    matcher: new SpanMatcher(compiled),
    countingKeys: new AttributeKeySet([
      ...UNSAMPLED_SPAN_KEYS,
      // Read on every span, inference or not: a journey may be named on an ancestor.
      ...journeyAttributes,
      ...compiled.flatMap((model) => [model.versionAttribute, ...Object.keys(model.match.attributes ?? {})]),
    ]),
    prices: new Map(
      source.prices.map((p) => [
        // Spans' providers arrive normalised (`openai.chat` → `openai`); a price written either way meets them.
        priceKey(normaliseProvider(p.provider), p.model),
        { inputPerMillion: p.inputPerMillion, outputPerMillion: p.outputPerMillion, ...(p.cachedInputPerMillion === undefined ? {} : { cachedInputPerMillion: p.cachedInputPerMillion }) },
      ]),
    ),
    autoRegisterModels: source.autoRegisterModels,
  };
}

/**
 * The ingest's view of a project's models and prices, cached for a few seconds: a change made
 * through another process shows within CATALOG_TTL_MS, one made in this process at once.
 */
@Injectable()
export class ModelCatalog {
  private readonly cache = new Map<string, { at: number; catalog: Promise<ProjectCatalog> }>();
  private readonly onChange = (projectId: string): void => {
    this.cache.delete(projectId);
  };

  constructor(
    private readonly models: ModelRepository,
    private readonly prices: PriceCatalogRepository,
    private readonly projects: ProjectRepository,
  ) {
    changes.on('change', this.onChange);
  }

  onModuleDestroy(): void {
    changes.off('change', this.onChange);
  }

  forProject(projectId: string, now = Date.now()): Promise<ProjectCatalog> {
    const cached = this.cache.get(projectId);
    if (cached && now - cached.at < CATALOG_TTL_MS) return cached.catalog;
    const catalog = this.load(projectId);
    this.cache.set(projectId, { at: now, catalog });
    catalog.catch(() => this.cache.delete(projectId));
    return catalog;
  }

  invalidate(projectId: string): void {
    this.cache.delete(projectId);
  }

  private async load(projectId: string): Promise<ProjectCatalog> {
    const [models, prices, project] = await Promise.all([
      this.models.listByProject(projectId),
      this.prices.list(projectId),
      this.projects.findById(projectId),
    ]);
    return compileCatalog({
      models: models.map((m) => ({
        id: m.id,
        name: m.name,
        match: m.match,
        versionAttribute: m.versionAttribute,
        sampling: m.sampling,
        energy: m.energy,
        customSignals: m.customSignals,
      })),
      prices: prices.map((p) => ({
        provider: p.provider,
        model: p.model,
        inputPerMillion: p.inputPerMillion,
        outputPerMillion: p.outputPerMillion,
        ...(p.cachedInputPerMillion === null ? {} : { cachedInputPerMillion: p.cachedInputPerMillion }),
      })),
      autoRegisterModels: project?.settings.autoRegisterModels === true,
      ...(project?.settings.journeyAttributes === undefined ? {} : { journeyAttributes: project.settings.journeyAttributes }),
      ...(project?.settings.journeyLimit === undefined ? {} : { journeyLimit: project.settings.journeyLimit }),
    });
  }
}
