import { Injectable } from '@nestjs/common';
import { ProjectOverviewRepository, Role, type ModelEntity } from '@assay/db';
import { ModelsService } from '@assay/models';
import { modelStateOf, type ModelStatus } from '@assay/monitoring';
import { economicsOf } from '@assay/reports';
import type { Principal } from '@assay/common';

const DAY_MS = 86_400_000;

export interface OverviewRow {
  model: ModelEntity;
  productionVersion: string | null;
  state: ModelStatus['state'];
  monitors: number;
  openAlerts: number;
  lastCheck: Date | null;
  requests: number;
  costUsd: number | null;
  latencyP95: number | null;
}

export interface Overview {
  from: Date;
  to: Date;
  rows: OverviewRow[];
  unmatched: Array<{ serviceName: string; count: number }> | null;
}

@Injectable()
export class ConsoleOverviewService {
  constructor(
    private readonly models: ModelsService,
    private readonly overview: ProjectOverviewRepository,
  ) {}

  async read(principal: Principal, to = new Date()): Promise<Overview> {
    const projectId = principal.projectId!;
    const from = new Date(to.getTime() - DAY_MS);
    // The API lets owners and auditors read unmatched spans, not CI keys.
    const readsUnmatched = principal.role === Role.Owner || principal.role === Role.Auditor;
    const [models, production, runs, alerts, totals, unmatched] = await Promise.all([
      this.models.list(principal),
      this.overview.productionVersions(projectId),
      this.overview.latestRuns(projectId),
      this.overview.openAlertCounts(projectId),
      this.overview.totals(projectId, from, to),
      readsUnmatched ? this.models.unmatchedSpans(principal, from, to) : Promise.resolve(null),
    ]);
    const runsByModel = new Map<string, typeof runs>();
    for (const run of runs) {
      const list = runsByModel.get(run.modelId);
      if (list) list.push(run);
      else runsByModel.set(run.modelId, [run]);
    }
    const rows = models.map((model): OverviewRow => {
      const monitorRuns = runsByModel.get(model.id) ?? [];
      const verdicts = monitorRuns.flatMap((r) => (r.verdict ? [r.verdict as Parameters<typeof modelStateOf>[0][number]] : []));
      const lastCheck = monitorRuns.reduce<Date | null>((latest, r) => (r.windowTo && (!latest || r.windowTo > latest) ? r.windowTo : latest), null);
      const dayTotals = totals.get(model.id);
      const economics = dayTotals ? economicsOf({ ...dayTotals, providers: [] }) : null;
      return {
        model,
        productionVersion: production.get(model.id) ?? null,
        state: modelStateOf(verdicts),
        monitors: monitorRuns.length,
        openAlerts: alerts.get(model.id) ?? 0,
        lastCheck,
        requests: economics?.requests ?? 0,
        costUsd: economics?.costUsd ?? null,
        latencyP95: economics?.latencyMs.p95 ?? null,
      };
    });
    return { from, to, rows, unmatched };
  }
}
