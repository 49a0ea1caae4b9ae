import { Injectable, Logger } from '@nestjs/common';
import { VERSION, badInput, notFound } from '@assay/common';
import { ModelRepository, ReportRepository, type ModelEntity, type ReportEntity, type ReportScheduleEntity } from '@assay/db';
import { JobName, QueueName, QueueService, QueueUnavailableError } from '@assay/queue';
import type { ReportPredicate } from './report-content.js';
import { modelCardBom } from './report-cyclonedx.js';

const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

export function reportSchedulerId(modelId: string): string {
  return `reports:${modelId}`;
}

export interface ScheduleRequest {
  cron?: string;
  everySeconds?: number;
  periodDays: number;
}

@Injectable()
export class ReportsService {
  private readonly logger = new Logger('Reports');

  constructor(
    private readonly reports: ReportRepository,
    private readonly models: ModelRepository,
    private readonly queues: QueueService,
  ) {}

  async request(projectId: string, modelName: string, from: Date, to: Date): Promise<ReportEntity> {
    if (!(from < to)) throw badInput('"from" must be before "to"');
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw badInput(`a report covers at most ${MAX_PERIOD_DAYS} days`);
    const model = await this.model(projectId, modelName);
    return this.enqueue(model, from, to, 'request');
  }

  /** Called by the schedule: a report of the `periodDays` before now. */
  async scheduled(modelId: string, now = new Date()): Promise<ReportEntity | null> {
    const schedule = await this.reports.findSchedule(modelId);
    const model = await this.models.findById(modelId);
    if (!schedule || !model) return null;
    return this.enqueue(model, new Date(now.getTime() - schedule.periodDays * DAY_MS), now, 'schedule');
  }

  async get(projectId: string, id: string): Promise<ReportEntity> {
    const report = /^[0-9a-f-]{36}$/i.test(id) ? await this.reports.findForProject(projectId, id) : null;
    if (!report) throw notFound(`report ${id}`);
    return report;
  }

  /** A ready report as stored (the DSSE envelope, the page), or its CycloneDX model card derived from the signed content. */
  async document(id: string, which: 'envelope' | 'html' | 'cyclonedx'): Promise<string | null> {
    if (which !== 'cyclonedx') return this.reports.documentOf(id, which);
    const envelope = await this.reports.documentOf(id, 'envelope');
    if (envelope === null) return null;
    const statement = JSON.parse(Buffer.from((JSON.parse(envelope) as { payload: string }).payload, 'base64').toString('utf8')) as { predicate: ReportPredicate };
    return JSON.stringify(modelCardBom(statement.predicate.content, VERSION));
  }

  async list(projectId: string, modelName: string): Promise<ReportEntity[]> {
    return this.reports.listByModel((await this.model(projectId, modelName)).id, 100);
  }

  async putSchedule(projectId: string, modelName: string, request: ScheduleRequest): Promise<ReportScheduleEntity> {
    const model = await this.model(projectId, modelName);
    if ((request.cron === undefined) === (request.everySeconds === undefined)) throw badInput('give either "cron" or "everySeconds"');
    const schedule = await this.reports.upsertSchedule({
      projectId,
      modelId: model.id,
      cron: request.cron ?? null,
      everySeconds: request.everySeconds ?? null,
      periodDays: request.periodDays,
    });
    await this.deferring(() => this.sync(schedule));
    return schedule;
  }

  async getSchedule(projectId: string, modelName: string): Promise<ReportScheduleEntity> {
    const model = await this.model(projectId, modelName);
    const schedule = await this.reports.findSchedule(model.id);
    if (!schedule) throw notFound(`report schedule of model ${modelName}`);
    return schedule;
  }

  async removeSchedule(projectId: string, modelName: string): Promise<void> {
    const model = await this.model(projectId, modelName);
    if (!(await this.reports.removeSchedule(model.id))) throw notFound(`report schedule of model ${modelName}`);
    await this.deferring(() => this.queues.removeScheduler(QueueName.ReportBuild, reportSchedulerId(model.id)));
  }

  /** For a scheduled build that finds its schedule gone: one removed while the queue was unreachable. */
  async unschedule(modelId: string): Promise<void> {
    if (!(await this.reports.findSchedule(modelId))) await this.queues.removeScheduler(QueueName.ReportBuild, reportSchedulerId(modelId));
  }

  // PostgreSQL holds the schedules and workers set them again every 30 s, so a queue that cannot be
  // reached delays a schedule change rather than failing it; a removed one ends at its next run.
  private async deferring(change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.warn(`${error.message}; the workers will set it once Redis answers again`);
    }
  }

  // Recreates any report scheduler lost with Redis's data, from the schedules in PostgreSQL.
  async syncAll(): Promise<number> {
    const schedules = await this.reports.listSchedules();
    for (const schedule of schedules) await this.sync(schedule);
    return schedules.length;
  }

  private async sync(schedule: ReportScheduleEntity): Promise<void> {
    await this.queues.ensureScheduler(
      reportSchedulerId(schedule.modelId),
      schedule.cron !== null ? { pattern: schedule.cron, tz: 'UTC' } : { every: schedule.everySeconds! * 1000 },
      { name: JobName.ReportScheduled, data: { modelId: schedule.modelId } },
      { attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
    );
  }

  private async enqueue(model: ModelEntity, from: Date, to: Date, trigger: 'request' | 'schedule'): Promise<ReportEntity> {
    const report = await this.reports.createQueued({ projectId: model.projectId, modelId: model.id, periodFrom: from, periodTo: to, trigger });
    try {
      await this.queues.enqueue({ name: JobName.ReportBuild, data: { reportId: report.id } }, { jobId: `report-${report.id}`, attempts: 3 });
    } catch (error) {
      await this.reports.markFailed(report.id, `could not be queued: ${(error as Error).message}`);
      throw error;
    }
    return report;
  }

  private async model(projectId: string, name: string): Promise<ModelEntity> {
    const model = await this.models.findByName(projectId, name);
    if (!model) throw notFound(`model ${name}`);
    return model;
  }
}
