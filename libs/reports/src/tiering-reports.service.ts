import { Inject, Injectable } from '@nestjs/common';
import { badInput, notFound } from '@assay/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { ProjectRepository, ReportRepository, type ReportEntity } from '@assay/db';
import { JobName, QueueService } from '@assay/queue';

const DAY_MS = 86_400_000;
export const DEFAULT_TIERING_MARGIN = 0.02;
export const DEFAULT_TIERING_ALPHA = 0.05;

export interface TieringReportRequest {
  from: Date;
  to: Date;
  margin?: number;
  alpha?: number;
}

export interface TieringParameters {
  margin: number;
  alpha: number;
}

@Injectable()
export class TieringReportsService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly projects: ProjectRepository,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Queues a signed tiering report; margin and alpha default to the project's tiering settings. */
  async request(projectId: string, request: TieringReportRequest): Promise<ReportEntity> {
    const { from, to } = request;
    if (!(from < to)) throw badInput('"from" must be before "to"');
    const retentionDays = this.config.retention.sampleDays;
    if (to.getTime() - from.getTime() > retentionDays * DAY_MS) throw badInput(`a tiering report covers at most the ${retentionDays} days of sample retention`);
    const parameters = await this.parameters(projectId, request);
    const report = await this.reports.createQueuedTiering({ projectId, periodFrom: from, periodTo: to, parameters: { ...parameters } });
    try {
      await this.queues.enqueue({ name: JobName.TieringReportBuild, data: { reportId: report.id } }, { jobId: `tiering-report-${report.id}`, attempts: 3 });
    } catch (error) {
      await this.reports.markFailed(report.id, `could not be queued: ${(error as Error).message}`);
      throw error;
    }
    return report;
  }

  list(projectId: string): Promise<ReportEntity[]> {
    return this.reports.listTieringByProject(projectId, 100);
  }

  private async parameters(projectId: string, request: TieringReportRequest): Promise<TieringParameters> {
    const project = await this.projects.findById(projectId);
    if (!project) throw notFound(`project ${projectId}`);
    // The tiering settings are validated where they are set (PATCH /v1/projects/:id/settings).
    const settings = (project.settings as { tiering?: { margin?: unknown; alpha?: unknown } }).tiering ?? {};
    const margin = request.margin ?? (typeof settings.margin === 'number' ? settings.margin : DEFAULT_TIERING_MARGIN);
    const alpha = request.alpha ?? (typeof settings.alpha === 'number' ? settings.alpha : DEFAULT_TIERING_ALPHA);
    return { margin, alpha };
  }
}
