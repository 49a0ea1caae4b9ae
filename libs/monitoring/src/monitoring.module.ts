import { Global, Module } from '@nestjs/common';
import { BaselinesService } from './baselines.service.js';
import { CheckRunner } from './check-runner.service.js';
import { CheckRunsService } from './check-runs.service.js';
import { ModelResolver } from './model-resolver.js';
import { MonitorSchedules } from './monitor-schedules.service.js';
import { MonitorsService } from './monitors.service.js';
import { WindowReader } from './window-reader.service.js';

const SERVICES = [BaselinesService, CheckRunner, CheckRunsService, ModelResolver, MonitorSchedules, MonitorsService, WindowReader];

@Global()
@Module({ providers: SERVICES, exports: SERVICES })
export class MonitoringModule {}
