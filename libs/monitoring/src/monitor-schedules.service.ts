import { Injectable, Logger } from '@nestjs/common';
import { MonitorRepository } from '@assay/db';
import { JobName, QueueName, QueueService, QueueUnavailableError } from '@assay/queue';

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
  private readonly logger = new Logger('Schedules');

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

  /**
   * After a change through the API. PostgreSQL holds the monitors and workers set their schedules
   * again every 30 s, so a queue that cannot be reached delays the schedule rather than failing the
   * change; a schedule left without monitors is removed by its own next tick.
   */
  async syncOrDefer(modelId: string, scheduleSeconds: number): Promise<void> {
    try {
      await this.sync(modelId, scheduleSeconds);
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.warn(`${error.message}; the workers will set it once Redis answers again`);
    }
  }

  // Recreates any scheduler lost with Redis's data, from the monitors in PostgreSQL.
  async syncAll(): Promise<number> {
    const groups = await this.monitors.scheduleGroups();
    for (const group of groups) await this.sync(group.modelId, group.scheduleSeconds);
    return groups.length;
  }
}
