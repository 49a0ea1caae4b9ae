import { Injectable } from '@nestjs/common';
import { ReportRepository, type ReportEntity } from '@assay/db';
import { JobName, QueueService } from '@assay/queue';
import { TieringService } from '@assay/tiering';

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
    private readonly tiering: TieringService,
    private readonly queues: QueueService,
  ) {}

  /** Queues a signed tiering report, its window and parameters checked and completed as GET /v1/tiering does. */
  async request(projectId: string, request: TieringReportRequest): Promise<ReportEntity> {
    const query = await this.tiering.resolve(projectId, request);
    const parameters: TieringParameters = { margin: query.margin, alpha: query.alpha };
    const report = await this.reports.createQueuedTiering({ projectId, periodFrom: query.from, periodTo: query.to, parameters: { ...parameters } });
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
}
