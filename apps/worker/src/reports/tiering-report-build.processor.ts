import { Injectable } from '@nestjs/common';
import { ReportRepository } from '@assay/db';
import { JobName, OnJob, type JobContext, type JobPayloads } from '@assay/queue';
import { TieringReportBuilder } from '@assay/reports';

@Injectable()
export class TieringReportBuildProcessor {
  constructor(
    private readonly builder: TieringReportBuilder,
    private readonly rows: ReportRepository,
  ) {}

  @OnJob(JobName.TieringReportBuild)
  async build(data: JobPayloads[JobName.TieringReportBuild], context: JobContext): Promise<{ outcome: string }> {
    try {
      return { outcome: await this.builder.build(data.reportId) };
    } catch (error) {
      // A retry that succeeds later turns the status to ready again.
      await this.rows.markFailed(data.reportId, `attempt ${context.attempt}: ${(error as Error).message}`);
      throw error;
    }
  }
}
