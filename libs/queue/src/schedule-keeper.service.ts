import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';

export type EnsureSchedule = () => Promise<unknown>;

/** How often every worker runs the keeper's upserts again. */
export const SCHEDULE_REFRESH_MS = 30_000;

/**
 * Job schedulers live in Redis; a Redis that restarts without persistence forgets them. Every worker
 * re-upserts them at start and then every half minute — upserts are idempotent, so replicas doing
 * the same is harmless, and periodic work resumes on its own after such a restart. Delayed jobs that
 * PostgreSQL remembers (alert group waits, webhook retries) are restored the same way.
 */
@Injectable()
export class ScheduleKeeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Schedules');
  private readonly schedules = new Map<string, EnsureSchedule>();
  private stopped = false;

  ensure(name: string, upsert: EnsureSchedule): void {
    this.schedules.set(name, upsert);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
  }

  onModuleDestroy(): void {
    this.stopped = true;
  }

  @Interval(SCHEDULE_REFRESH_MS)
  async refresh(): Promise<void> {
    for (const [name, upsert] of this.schedules) {
      if (this.stopped) return;
      try {
        await upsert();
      } catch (error) {
        this.logger.warn(`could not ensure the ${name} schedule: ${(error as Error).message}`);
      }
    }
  }
}
