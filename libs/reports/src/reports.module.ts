import { Module } from '@nestjs/common';
import { ReportBuilder } from './report-builder.service.js';
import { ReportsService } from './reports.service.js';
import { TieringReportBuilder } from './tiering-report-builder.service.js';
import { TieringReportsService } from './tiering-reports.service.js';
import { TIERING_SOURCE, UnwiredTieringSource } from './tiering-source.js';

@Module({
  providers: [ReportBuilder, ReportsService, TieringReportBuilder, TieringReportsService, { provide: TIERING_SOURCE, useClass: UnwiredTieringSource }],
  exports: [ReportBuilder, ReportsService, TieringReportBuilder, TieringReportsService],
})
export class ReportsModule {}
