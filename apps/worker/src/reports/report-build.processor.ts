import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ReportRepository } from '@assay/db';
import { JobName, OnJob, ScheduleKeeper, type JobContext, type JobPayloads } from '@assay/queue';
import { ReportBuilder, ReportsService } from '@assay/reports';

@Injectable()
export class ReportBuildProcessor implements OnModuleInit {
  constructor(
    private readonly builder: ReportBuilder,
    private readonly reports: ReportsService,
    private readonly rows: ReportRepository,
    private readonly keeper: ScheduleKeeper,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('reports', () => this.reports.syncAll());
  }

  @OnJob(JobName.ReportBuild)
  async build(data: JobPayloads[JobName.ReportBuild], context: JobContext): Promise<{ outcome: string }> {
    try {
      return { outcome: await this.builder.build(data.reportId) };
    } catch (error) {
      // A retry that succeeds later turns the status to ready again.
      await this.rows.markFailed(data.reportId, `attempt ${context.attempt}: ${(error as Error).message}`);
      throw error;
    }
  }

  @OnJob(JobName.ReportScheduled)
  async scheduled(data: JobPayloads[JobName.ReportScheduled]): Promise<{ reportId: string | null }> {
    const report = await this.reports.scheduled(data.modelId);
    if (!report) await this.reports.unschedule(data.modelId);
    return { reportId: report?.id ?? null };
  }
}
