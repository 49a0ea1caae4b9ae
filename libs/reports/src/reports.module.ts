import { Module } from '@nestjs/common';
import { TieringModule, TieringService } from '@assay/tiering';
import { ReportBuilder } from './report-builder.service.js';
import { ReportsService } from './reports.service.js';
import { TieringReportBuilder } from './tiering-report-builder.service.js';
import { TieringReportsService } from './tiering-reports.service.js';
import { TIERING_SOURCE } from './tiering-source.js';

@Module({
  imports: [TieringModule],
  providers: [ReportBuilder, ReportsService, TieringReportBuilder, TieringReportsService, { provide: TIERING_SOURCE, useExisting: TieringService }],
  exports: [ReportBuilder, ReportsService, TieringReportBuilder, TieringReportsService],
})
export class ReportsModule {}
