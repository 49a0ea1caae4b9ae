import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ScheduleKeeper } from './schedule-keeper.service.js';
import { QueueService } from './queue.service.js';
import { QUEUE_OPTIONS, type QueueModuleOptions } from './queue.tokens.js';
import { WorkerService } from './worker.service.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    const consumes = options.consume !== 'none';
    return {
      module: QueueModule,
      imports: consumes ? [DiscoveryModule, ScheduleModule.forRoot()] : [],
      providers: [{ provide: QUEUE_OPTIONS, useValue: options }, QueueService, ...(consumes ? [WorkerService, ScheduleKeeper] : [])],
      exports: [QUEUE_OPTIONS, QueueService, ...(consumes ? [ScheduleKeeper] : [])],
    };
  }
}
