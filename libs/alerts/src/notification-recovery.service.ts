import { Injectable, Logger } from '@nestjs/common';
import { appMetrics } from '@assay/common';
import { DeliveryRepository, NotificationGroupRepository } from '@assay/db';
import { SCHEDULE_REFRESH_MS } from '@assay/queue';
import { NotificationScheduler } from './notification-scheduler.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

const workerMetrics = appMetrics('worker');

const restored = workerMetrics.counter(
  'assay_notification_jobs_restored_total',
  'Group flushes and webhook attempts queued again from PostgreSQL because Redis no longer had their job',
  ['job', 'how'] as const,
);

// Two refreshes ahead: a wait due just after the next refresh is back in Redis before it ends, even
// when one refresh fails (Redis still starting).
const LOOKAHEAD_MS = 2 * SCHEDULE_REFRESH_MS;

export interface RecoveryOutcome {
  flushes: { queued: number; retried: number; present: number };
  attempts: { queued: number; retried: number; present: number };
}

/**
 * PostgreSQL remembers each notification group's next flush (group_wait, group_interval, repeat,
 * silence end) and each pending delivery's next attempt; Redis holds them only as delayed jobs, and a
 * Redis that restarts without its data forgets them. At every schedule refresh each worker puts back
 * those due soon, under their deterministic job ids: a job still in Redis stays the one that runs, and
 * two workers restoring at once add it once. What runs is idempotent by PostgreSQL state — a flush
 * whose notification is recorded (its flush key) only makes sure its delivery goes out, a flush with
 * nothing new sends nothing, and an attempt already logged is not made again — so a restored job that
 * races the original, or a group notified between the read and the restore, cannot notify twice.
 */
@Injectable()
export class NotificationRecovery {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly groups: NotificationGroupRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly scheduler: NotificationScheduler,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  async restoreDue(now = Date.now()): Promise<RecoveryOutcome> {
    const horizon = new Date(now + LOOKAHEAD_MS);
    const outcome: RecoveryOutcome = { flushes: { queued: 0, retried: 0, present: 0 }, attempts: { queued: 0, retried: 0, present: 0 } };
    for (const group of await this.groups.pendingFlushesBefore(horizon)) {
      outcome.flushes[await this.scheduler.restoreFlush(group.subscriptionId, group.groupKey, group.at.getTime())]++;
    }
    for (const pending of await this.deliveries.listPendingBefore(horizon)) {
      const how = await this.delivery.restoreNext(pending);
      if (how !== 'settled') outcome.attempts[how]++;
    }
    for (const job of ['flushes', 'attempts'] as const) {
      for (const how of ['queued', 'retried'] as const) if (outcome[job][how] > 0) restored.inc({ job, how }, outcome[job][how]);
    }
    const { flushes, attempts } = outcome;
    if (flushes.queued + flushes.retried + attempts.queued + attempts.retried > 0) {
      this.logger.warn(
        `restored from PostgreSQL jobs Redis no longer had: ${flushes.queued} group flushes queued, ${flushes.retried} retried; ` +
          `${attempts.queued} webhook attempts queued, ${attempts.retried} retried`,
      );
    }
    return outcome;
  }
}
