import { Module } from '@nestjs/common';
import { ReportsModule } from '@assay/reports';
import { ReportsController } from './reports.controller.js';
import { TieringReportsController } from './tiering-reports.controller.js';

@Module({ imports: [ReportsModule], controllers: [ReportsController, TieringReportsController] })
export class ReportsApiModule {}
