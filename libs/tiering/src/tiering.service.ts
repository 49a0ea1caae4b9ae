import { Inject, Injectable } from '@nestjs/common';
import { badInput, notFound } from '@assay/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { ModelRepository, PriceCatalogRepository, ProjectRepository, TieringRepository, type TieringProjectSettings } from '@assay/db';
import { DEFAULT_DISTINCT_PRECISION, DistinctSketch, mergeDistinctBytes } from '@assay/stats';
import { buildTieringReport, type JourneyInputs } from './tiering-report-builder.js';
import type { TieringQuery, TieringReport } from './tiering-report.js';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 30;
export const DEFAULT_TIERING_MARGIN = 0.02;
export const DEFAULT_TIERING_ALPHA = 0.05;
/** A margin is a difference of means or of shares: past 1 every candidate is non-inferior. */
export const MAX_TIERING_MARGIN = 1;
/** The interval is two-sided 1 − 2α: α must stay below one half for it to be an interval. */
export const MAX_TIERING_ALPHA = 0.5;

export interface TieringRequest {
  from?: Date;
  to?: Date;
  margin?: number;
  alpha?: number;
}

@Injectable()
export class TieringService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projects: ProjectRepository,
    private readonly models: ModelRepository,
    private readonly prices: PriceCatalogRepository,
    private readonly tiering: TieringRepository,
  ) {}

  /** The request completed from the project's tiering settings, or a 400 naming every bad parameter. */
  async resolve(projectId: string, request: TieringRequest, now = new Date()): Promise<TieringQuery> {
    const project = await this.projects.findById(projectId);
    if (!project) throw notFound(`project ${projectId}`);
    const settings: TieringProjectSettings = project.settings.tiering ?? {};
    const retentionDays = this.config.retention.sampleDays;
    const to = request.to ?? now;
    const from = request.from ?? new Date(to.getTime() - Math.min(DEFAULT_WINDOW_DAYS, retentionDays) * DAY_MS);
    const margin = request.margin ?? settings.margin ?? DEFAULT_TIERING_MARGIN;
    const alpha = request.alpha ?? settings.alpha ?? DEFAULT_TIERING_ALPHA;
    const problems: string[] = [];
    if (!(from < to)) problems.push('"from" must be before "to"');
    else if (to.getTime() - from.getTime() > retentionDays * DAY_MS) problems.push(`the window may be at most the ${retentionDays} days samples are kept`);
    if (!(margin > 0 && margin < MAX_TIERING_MARGIN)) problems.push(`"margin" must be above 0 and below ${MAX_TIERING_MARGIN}`);
    if (!(alpha > 0 && alpha < MAX_TIERING_ALPHA)) problems.push(`"alpha" must be above 0 and below ${MAX_TIERING_ALPHA}`);
    if (problems.length > 0) throw badInput(problems.join('; '), { problems });
    return { from, to, margin, alpha };
  }

  /** Each journey's hourly input sketches in the window, merged as they are read. */
  private async journeyInputs(projectId: string, query: TieringQuery): Promise<Map<string, JourneyInputs>> {
    const merged = new Map<string, { callsWithInput: number; precision: number; registers: Uint8Array }>();
    await this.tiering.visitInputSketches(projectId, query.from, query.to, (journey, callsWithInput, bytes) => {
      let into = merged.get(journey);
      if (into === undefined) {
        // Constructing a sketch first refuses a precision byte no sketch can have before it sizes an allocation.
        const precision = new DistinctSketch(bytes[1] ?? DEFAULT_DISTINCT_PRECISION).precision;
        into = { callsWithInput: 0, precision, registers: new Uint8Array(1 << precision) };
        merged.set(journey, into);
      }
      into.callsWithInput += callsWithInput;
      mergeDistinctBytes(bytes, into.precision, into.registers);
    });
    return new Map([...merged].map(([journey, m]) => [journey, { callsWithInput: m.callsWithInput, sketch: new DistinctSketch(m.precision, m.registers) }]));
  }

  async report(projectId: string, request: TieringRequest): Promise<TieringReport> {
    const query = await this.resolve(projectId, request);
    const project = (await this.projects.findById(projectId))!;
    const models = await this.models.listByProject(projectId);
    const modelIds = models.map((m) => m.id);
    const names = await this.tiering.qualitySignalNames(modelIds, query.from, query.to);
    const scores = names.filter((n) => n.endsWith('.score'));
    const labels = names.filter((n) => n.endsWith('.label'));
    const read = await this.tiering.readWindow(projectId, query.from, query.to, scores, labels);
    const inputs = await this.journeyInputs(projectId, query);
    const signalSettings = project.settings.tiering?.signals ?? {};
    return buildTieringReport({
      projectId,
      query,
      modelNames: new Map(models.map((m) => [m.id, m.name])),
      groups: read.groups,
      counts: read.counts,
      inputs,
      prices: await this.prices.list(projectId),
      lowerIsBetter: new Set(Object.entries(signalSettings).filter(([, s]) => s.higherIsBetter === false).map(([name]) => name)),
    });
  }
}
