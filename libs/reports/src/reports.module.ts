import { Module } from '@nestjs/common';
import { ReportBuilder } from './report-builder.service.js';
import { ReportsService } from './reports.service.js';

@Module({ providers: [ReportBuilder, ReportsService], exports: [ReportBuilder, ReportsService] })
export class ReportsModule {}
