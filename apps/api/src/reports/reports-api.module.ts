import { Module } from '@nestjs/common';
import { ReportsModule } from '@assay/reports';
import { ReportsController } from './reports.controller.js';

@Module({ imports: [ReportsModule], controllers: [ReportsController] })
export class ReportsApiModule {}
