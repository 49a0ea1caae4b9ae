import { Injectable } from '@nestjs/common';
import {
  BaselineRepository, GateRepository, ModelRepository, ProjectOverviewRepository, ReportRepository,
  type BaselineEntity, type GateDecisionEntity, type ModelEntity, type ModelVersionEntity, type ReportSeriesRow,
} from '@assay/db';
import { ModelsService } from '@assay/models';
import { CheckRunsService, WindowReader, type ModelStatus } from '@assay/monitoring';
import { ReportBuilder, type ReportEconomics } from '@assay/reports';
import { SignalProfile, type SignalProfileJSON } from '@assay/stats';
import { badInput, type Principal } from '@assay/common';

const SERIES_BUCKETS = 120;
const HOUR_MS = 3_600_000;
export const PERIODS = { '1h': HOUR_MS, '1d': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS } as const;
export const PERIOD_LABELS: Record<PeriodName, string> = { '1h': 'last hour', '1d': 'last day', '7d': 'last 7 days', '30d': 'last 30 days' };
export type PeriodName = keyof typeof PERIODS;

export interface SignalDistribution {
  signal: string;
  baseline: SignalProfile | null;
  current: SignalProfile | null;
}

export interface ModelPage {
  model: ModelEntity;
  period: { name: PeriodName; from: Date; to: Date };
  versions: ModelVersionEntity[];
  status: ModelStatus;
  /** The charts' time axis: from the period's first run (or its start) to its end. */
  chart: { from: Date; to: Date };
  series: Map<string, ReportSeriesRow[]>;
  baseline: BaselineEntity | null;
  distributions: SignalDistribution[];
  gateDecisions: GateDecisionEntity[];
  economics: ReportEconomics;
}

export function periodOf(name: string | undefined, to = new Date()): ModelPage['period'] {
  const chosen = (name ?? '7d') as PeriodName;
  if (!Object.hasOwn(PERIODS, chosen)) throw badInput(`period must be one of ${Object.keys(PERIODS).join(', ')}; got "${name}"`);
  return { name: chosen, from: new Date(to.getTime() - PERIODS[chosen]), to };
}

@Injectable()
export class ConsoleModelService {
  constructor(
    private readonly models: ModelsService,
    private readonly modelRows: ModelRepository,
    private readonly runs: CheckRunsService,
    private readonly reports: ReportRepository,
    private readonly baselines: BaselineRepository,
    private readonly gates: GateRepository,
    private readonly builder: ReportBuilder,
    private readonly windows: WindowReader,
    private readonly overview: ProjectOverviewRepository,
  ) {}

  async read(principal: Principal, name: string, period: ModelPage['period']): Promise<ModelPage> {
    const model = await this.models.get(principal, name);
    const firstRun = await this.overview.firstRunSince(model.id, period.from);
    const chart = { from: firstRun && firstRun > period.from ? new Date(firstRun.getTime() - 1000) : period.from, to: period.to };
    const [versions, status, seriesRows, baselines, gateDecisions, economics] = await Promise.all([
      this.modelRows.listVersions(model.id),
      this.runs.status(principal.projectId!, model.name),
      this.reports.checkRunSeries(model.id, chart.from, chart.to, SERIES_BUCKETS),
      this.baselines.listByModel(model.id),
      this.gates.listInPeriod(model.id, period.from, period.to),
      this.builder.economics(model, period.from, period.to),
    ]);
    const series = new Map<string, ReportSeriesRow[]>();
    for (const row of seriesRows) {
      const list = series.get(row.monitorId);
      if (list) list.push(row);
      else series.set(row.monitorId, [row]);
    }
    const production = versions.find((v) => v.lifecycle === 'production')?.version ?? null;
    const baseline = latestBaseline(baselines, production);
    const signals = [...new Set(status.monitors.flatMap((m) => (m.monitor.kind === 'drift' && m.monitor.signal ? [m.monitor.signal] : [])))];
    const distributions = await this.distributions(model, baseline, production, signals, period);
    return { model, period, versions, status, chart, series, baseline, distributions, gateDecisions, economics };
  }

  // The baseline's profile beside the period's traffic of the production version (all traffic while none is).
  private async distributions(model: ModelEntity, baseline: BaselineEntity | null, production: string | null, signals: string[], period: ModelPage['period']): Promise<SignalDistribution[]> {
    if (signals.length === 0) return [];
    const [reference, window] = await Promise.all([
      baseline ? this.baselines.signals(baseline.id, signals) : Promise.resolve([]),
      this.windows.read(model.id, production ? [production] : null, { type: 'time', seconds: Math.round((period.to.getTime() - period.from.getTime()) / 1000) }, period.to),
    ]);
    const byName = new Map(reference.map((s) => [s.signal, SignalProfile.fromJSON(s.profile as unknown as SignalProfileJSON)]));
    return Promise.all(signals.map(async (signal) => ({ signal, baseline: byName.get(signal) ?? null, current: await window.profile(signal) })));
  }
}

function latestBaseline(baselines: BaselineEntity[], production: string | null): BaselineEntity | null {
  const newest = (list: BaselineEntity[]): BaselineEntity | null => list.reduce<BaselineEntity | null>((a, b) => (!a || b.createdAt > a.createdAt ? b : a), null);
  return newest(baselines.filter((b) => b.version === production)) ?? newest(baselines);
}
