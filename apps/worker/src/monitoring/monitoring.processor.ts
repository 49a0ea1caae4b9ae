import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { CheckRunner, MonitorSchedules, MonitorsService, alignedTick, tickFromSchedulerJobId } from '@assay/monitoring';
import { JobName, OnJob, ScheduleKeeper, type JobContext, type JobPayloads } from '@assay/queue';

@Injectable()
export class MonitoringProcessor implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Monitors');

  constructor(
    private readonly runner: CheckRunner,
    private readonly schedules: MonitorSchedules,
    private readonly keeper: ScheduleKeeper,
    private readonly monitors: MonitorsService,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('monitors', () => this.schedules.syncAll());
  }

  // Replicas starting together resolve the same values; one whose monitor was updated meanwhile stores nothing.
  async onApplicationBootstrap(): Promise<void> {
    try {
      const resolved = await this.monitors.resolveUnresolved();
      if (resolved > 0) this.logger.log(`resolved the effective method, threshold and alpha of ${resolved} monitors`);
    } catch (error) {
      this.logger.warn(`could not resolve monitors' effective settings: ${(error as Error).message}; the next start tries again`);
    }
  }

  // The tick comes from the scheduler's job id, so a retried job checks the same window again and the
  // unique (monitor, window end) index keeps its run single.
  @OnJob(JobName.MonitorTick)
  async tick(data: JobPayloads[JobName.MonitorTick], context: JobContext): Promise<{ stored: number }> {
    const tick = tickFromSchedulerJobId(context.jobId) ?? alignedTick(Date.now(), data.scheduleSeconds);
    const stored = await this.runner.tick(data.modelId, data.scheduleSeconds, tick);
    // The schedule of monitors removed or disabled while the queue was unreachable ends here.
    if (stored.length === 0) await this.schedules.sync(data.modelId, data.scheduleSeconds);
    return { stored: stored.length };
  }

  @OnJob(JobName.MonitorRun)
  async run(data: JobPayloads[JobName.MonitorRun]): Promise<{ stored: number }> {
    const stored = await this.runner.runNow(data.monitorId, new Date(data.at));
    return { stored: stored.length };
  }
}
