import { Module } from '@nestjs/common';
import { MonitoringModule } from '@assay/monitoring';
import { ModelMonitoringController } from './model-monitoring.controller.js';
import { CheckRunsController, MonitorsController, PoliciesController } from './monitors.controller.js';

@Module({
  imports: [MonitoringModule],
  controllers: [ModelMonitoringController, MonitorsController, PoliciesController, CheckRunsController],
})
export class MonitoringApiModule {}
