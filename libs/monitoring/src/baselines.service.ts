import { Injectable, Logger } from '@nestjs/common';
import { badInput, notFound } from '@assay/common';
import { BaselineRepository, WindowRepository, type BaselineEntity, type BaselineSignalEntity, type NewBaselineSignal } from '@assay/db';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { digestOf } from '@assay/provenance';
import { precomputeNulls, type SignalProfile } from '@assay/stats';
import { parseBaselineUpload, type UploadFormat } from './baseline-upload.js';
import { ModelResolver, type ResolvedModel } from './model-resolver.js';
import { MonitorsService } from './monitors.service.js';
import { mergeProfileRows, profileOfValues, profilesOfSamples } from './window-reader.service.js';

export interface CaptureRequest {
  version: string;
  from: Date;
  to: Date;
  description?: string;
}

export interface BaselineWithSignals {
  baseline: BaselineEntity;
  signals: BaselineSignalEntity[];
}

// Past this many samples a captured baseline is built from the ingest's per-minute profiles instead
// of from the samples themselves.
const CAPTURE_EXACT_MAX = 200_000;

@Injectable()
export class BaselinesService {
  private readonly logger = new Logger('Baselines');

  constructor(
    private readonly baselines: BaselineRepository,
    private readonly windows: WindowRepository,
    private readonly models: ModelResolver,
    private readonly ledger: LedgerService,
    private readonly monitors: MonitorsService,
  ) {}

  async capture(projectId: string, modelName: string, request: CaptureRequest): Promise<BaselineWithSignals> {
    if (!(request.from < request.to)) throw badInput('"from" must be before "to"');
    const model = await this.models.resolve(projectId, modelName);
    await this.models.requireVersion(model, request.version);
    const profiles = await this.windowProfiles(model.id, request.version, request.from, request.to);
    const count = Math.max(0, ...[...profiles.values()].map((p) => p.count));
    if (count === 0) {
      throw badInput(`no samples of ${modelName} version ${request.version} between ${request.from.toISOString()} and ${request.to.toISOString()}`);
    }
    return this.store(model, request.version, 'window', profiles, count, request);
  }

  async upload(projectId: string, modelName: string, version: string, format: UploadFormat, body: unknown, description?: string): Promise<BaselineWithSignals> {
    const model = await this.models.resolve(projectId, modelName);
    await this.models.requireVersion(model, version);
    const columns = parseBaselineUpload(format, body);
    const profiles = new Map<string, SignalProfile>();
    for (const [signal, values] of columns) {
      const kinds = new Set(values.map((v) => (typeof v === 'number' ? 'numeric' : 'categorical')));
      if (kinds.size > 1) throw badInput(`signal ${signal} mixes numbers with text; a signal is either numeric or categorical`);
      const profile = profileOfValues(values);
      if (profile) profiles.set(signal, profile);
    }
    if (profiles.size === 0) throw badInput('the upload holds no signal values');
    const count = Math.max(...[...profiles.values()].map((p) => p.count));
    return this.store(model, version, 'upload', profiles, count, { description });
  }

  async get(projectId: string, id: string): Promise<BaselineWithSignals> {
    const baseline = await this.baselines.findForProject(projectId, id);
    if (!baseline) throw notFound(`baseline ${id}`);
    return { baseline, signals: await this.baselines.signals(id) };
  }

  async list(projectId: string, modelName: string): Promise<BaselineEntity[]> {
    const model = await this.models.resolve(projectId, modelName);
    return this.baselines.listByModel(model.id);
  }

  private async windowProfiles(modelId: string, version: string, from: Date, to: Date): Promise<Map<string, SignalProfile>> {
    const samples = await this.windows.samplesInWindow(modelId, [version], from, to, CAPTURE_EXACT_MAX + 1);
    if (samples.length <= CAPTURE_EXACT_MAX) return profilesOfSamples(samples);
    return mergeProfileRows(await this.windows.allProfileRows(modelId, [version], from, to));
  }

  private async store(
    model: ResolvedModel,
    version: string,
    source: 'window' | 'upload',
    profiles: Map<string, SignalProfile>,
    count: number,
    meta: { from?: Date; to?: Date; description?: string },
  ): Promise<BaselineWithSignals> {
    const signals: NewBaselineSignal[] = [...profiles]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([signal, profile]) => {
        const json = profile.toJSON() as unknown as Record<string, unknown>;
        const nulls = precomputeNulls(profile) as unknown as Record<string, unknown> | null;
        return { signal, kind: profile.kind, count: profile.count, profile: json, digest: digestOf(json), nulls };
      });
    const digest = digestOf({ signals: Object.fromEntries(signals.map((s) => [s.signal, s.digest])) });
    const baseline = await this.baselines.createFrozen(
      {
        projectId: model.projectId,
        modelId: model.id,
        version,
        source,
        windowFrom: meta.from ?? null,
        windowTo: meta.to ?? null,
        sampleCount: count,
        description: meta.description ?? null,
        digest,
      },
      signals,
      async (manager, { id }) => {
        const appended = await this.ledger.append(
          {
            kind: LedgerKind.Baseline,
            projectId: model.projectId,
            subject: `baseline:${id}`,
            body: {
              baselineId: id,
              model: model.name,
              modelId: model.id,
              version,
              source,
              windowFrom: meta.from?.toISOString() ?? null,
              windowTo: meta.to?.toISOString() ?? null,
              sampleCount: count,
              digest,
              signals: Object.fromEntries(signals.map((s) => [s.signal, { kind: s.kind, count: s.count, digest: s.digest }])),
            },
          },
          manager,
        );
        return appended.index;
      },
    );
    // The baseline is stored whatever happens here: the monitors' shown settings catch up at the next start.
    await this.monitors.resolveForModel(model.id).catch((error: Error) => this.logger.warn(`monitors of ${model.name} keep their settings: ${error.message}`));
    return { baseline, signals: await this.baselines.signals(baseline.id) };
  }
}
