import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { RetentionRepository } from '@assay/db';
import { JobName, OnJob, QueueService, ScheduleKeeper } from '@assay/queue';

export interface RetentionOutcome {
  droppedPartitions: string[];
  deletedProfiles: number;
  deletedCounts: number;
  deletedPending: number;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

@Injectable()
export class RetentionProcessor implements OnModuleInit {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionRepository,
    private readonly queues: QueueService,
    private readonly keeper: ScheduleKeeper,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('retention', () =>
      this.queues.ensureScheduler('retention', { pattern: '40 * * * *', tz: 'UTC' }, { name: JobName.RetentionSweep, data: {} }),
    );
  }

  @OnJob(JobName.RetentionSweep)
  async sweep(): Promise<RetentionOutcome> {
    return this.sweepAt(Date.now());
  }

  // A partition holds one UTC day; it goes once the whole day is older than the retention period.
  async sweepAt(nowMs: number): Promise<RetentionOutcome> {
    const days = this.config.retention.sampleDays;
    const cutoffMs = Math.floor((nowMs - days * DAY_MS) / DAY_MS) * DAY_MS;
    const cutoffDay = isoDay(cutoffMs);
    const dropped: string[] = [];
    for (const partition of await this.retention.samplePartitions()) {
      if (partition.day < cutoffDay) {
        await this.retention.dropSamplePartition(partition.name);
        dropped.push(partition.name);
      }
    }
    await this.retention.ensureSamplePartitions([isoDay(nowMs), isoDay(nowMs + DAY_MS), isoDay(nowMs + 2 * DAY_MS)]);
    const deleted = await this.retention.deleteSummariesBefore(new Date(cutoffMs));
    if (dropped.length > 0) this.logger.log(`dropped sample partitions ${dropped.join(', ')} (retention ${days} days)`);
    return { droppedPartitions: dropped, deletedProfiles: deleted.profiles, deletedCounts: deleted.counts, deletedPending: deleted.pending };
  }
}
