import { Injectable } from '@nestjs/common';
import { notFound } from '@assay/common';
import { CheckRunRepository, MonitorRepository, type CheckRunEntity, type MonitorEntity, type MonitorKind, type Verdict } from '@assay/db';
import { JobName, QueueService } from '@assay/queue';
import { ModelResolver } from './model-resolver.js';

export interface CheckRunQuery {
  model?: string;
  monitorId?: string;
  kind?: MonitorKind;
  verdict?: Verdict;
  from?: Date;
  to?: Date;
  limit?: number;
}

export interface ModelStatus {
  model: string;
  state: 'ok' | 'drift' | 'breach' | 'insufficient_data' | 'unchecked';
  monitors: Array<{ monitor: MonitorEntity; latest: CheckRunEntity | null }>;
}

const SEVERITY_ORDER: Record<string, number> = { breach: 3, drift: 2, insufficient_data: 1, ok: 0 };

/** A model's state: the worst of its monitors' and policies' latest verdicts. */
export function modelStateOf(verdicts: readonly Verdict[]): ModelStatus['state'] {
  return verdicts.length === 0 ? 'unchecked' : verdicts.reduce((a, b) => (SEVERITY_ORDER[b] > SEVERITY_ORDER[a] ? b : a));
}

@Injectable()
export class CheckRunsService {
  constructor(
    private readonly runs: CheckRunRepository,
    private readonly monitors: MonitorRepository,
    private readonly models: ModelResolver,
    private readonly queues: QueueService,
  ) {}

  async list(projectId: string, query: CheckRunQuery): Promise<CheckRunEntity[]> {
    const modelId = query.model ? (await this.models.resolve(projectId, query.model)).id : undefined;
    if (query.monitorId && !(await this.monitors.findForProject(projectId, query.monitorId))) throw notFound(`monitor ${query.monitorId}`);
    return this.runs.list({
      projectId,
      modelId,
      monitorId: query.monitorId,
      kind: query.kind,
      verdict: query.verdict,
      from: query.from,
      to: query.to,
      limit: Math.min(query.limit ?? 100, 1000),
    });
  }

  async get(projectId: string, id: string): Promise<CheckRunEntity> {
    const run = await this.runs.findForProject(projectId, id);
    if (!run) throw notFound(`check run ${id}`);
    return run;
  }

  async status(projectId: string, modelName: string): Promise<ModelStatus> {
    const model = await this.models.resolve(projectId, modelName);
    const [monitors, latest] = await Promise.all([this.monitors.listByModel(model.id), this.runs.latestPerMonitor(model.id)]);
    const byMonitor = new Map(latest.map((run) => [run.monitorId, run]));
    const entries = monitors.map((monitor) => ({ monitor, latest: byMonitor.get(monitor.id) ?? null }));
    const verdicts = entries.flatMap((e) => (e.latest ? [e.latest.verdict] : []));
    return { model: model.name, state: modelStateOf(verdicts), monitors: entries };
  }

  async series(projectId: string, monitorId: string, from: Date, to: Date, limit: number): Promise<{ monitor: MonitorEntity; runs: CheckRunEntity[] }> {
    const monitor = await this.monitors.findForProject(projectId, monitorId);
    if (!monitor) throw notFound(`monitor ${monitorId}`);
    return { monitor, runs: await this.runs.series(monitorId, from, to, Math.min(limit, 10_000)) };
  }

  async runNow(projectId: string, monitorId: string, kind: MonitorKind): Promise<{ jobId: string; monitor: MonitorEntity; at: Date }> {
    const monitor = await this.monitors.findForProject(projectId, monitorId, kind);
    if (!monitor) throw notFound(`${kind === 'policy' ? 'policy' : 'monitor'} ${monitorId}`);
    const at = new Date();
    const jobId = await this.queues.enqueue({ name: JobName.MonitorRun, data: { monitorId, at: at.toISOString() } });
    return { jobId, monitor, at };
  }
}
