import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CheckRunner, MonitorSchedules, alignedTick, tickFromSchedulerJobId } from '@assay/monitoring';
import { JobName, OnJob, ScheduleKeeper, type JobContext, type JobPayloads } from '@assay/queue';

@Injectable()
export class MonitoringProcessor implements OnModuleInit {
  constructor(
    private readonly runner: CheckRunner,
    private readonly schedules: MonitorSchedules,
    private readonly keeper: ScheduleKeeper,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('monitors', () => this.schedules.syncAll());
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
