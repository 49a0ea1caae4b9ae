import { Injectable } from '@nestjs/common';
import { MonitorRepository } from '@assay/db';
import { JobName, QueueName, QueueService } from '@assay/queue';

export function schedulerId(modelId: string, scheduleSeconds: number): string {
  return `monitors:${modelId}:${scheduleSeconds}`;
}

/**
 * The monitors of one model that share a schedule run as one BullMQ job scheduler, so that each tick
 * runs once however many workers there are, and the model's monitors in that tick are corrected for
 * multiple testing together.
 */
@Injectable()
export class MonitorSchedules {
  constructor(
    private readonly monitors: MonitorRepository,
    private readonly queues: QueueService,
  ) {}

  async sync(modelId: string, scheduleSeconds: number): Promise<void> {
    const active = await this.monitors.listScheduled(modelId, scheduleSeconds);
    const id = schedulerId(modelId, scheduleSeconds);
    if (active.length === 0) {
      await this.queues.removeScheduler(QueueName.DriftCheck, id);
      return;
    }
    await this.queues.ensureScheduler(
      id,
      { every: scheduleSeconds * 1000 },
      { name: JobName.MonitorTick, data: { modelId, scheduleSeconds } },
      { attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    );
  }

  // Recreates any scheduler lost with Redis's data, from the monitors in PostgreSQL.
  async syncAll(): Promise<number> {
    const groups = await this.monitors.scheduleGroups();
    for (const group of groups) await this.sync(group.modelId, group.scheduleSeconds);
    return groups.length;
  }
}
