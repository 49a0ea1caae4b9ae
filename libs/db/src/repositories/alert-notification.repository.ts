import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationGroupEntity, type NotifiedState } from '../entities/alert-notification-group.entity.js';
import { DeliveryEntity } from '../entities/delivery.entity.js';
import type { NewDelivery } from './delivery.repository.js';

export interface FlushRequest {
  subscriptionId: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  now: Date;
  groupWaitMs: number;
  groupIntervalMs: number;
  /** Only start a group that does not exist yet (for alerts that repeat rather than change). */
  onlyIfNew?: boolean;
}

@Injectable()
export class NotificationGroupRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(subscriptionId: string, groupKey: string): Promise<NotificationGroupEntity | null> {
    return this.dataSource.getRepository(NotificationGroupEntity).findOneBy({ subscriptionId, groupKey });
  }

  /** Groups whose next flush is due by `horizon` (overdue ones included), earliest first. */
  async pendingFlushesBefore(horizon: Date): Promise<Array<{ subscriptionId: string; groupKey: string; at: Date }>> {
    const rows = (await this.dataSource.query(
      `SELECT subscription_id, group_key, pending_flush_at FROM notification_groups
       WHERE pending_flush_at IS NOT NULL AND pending_flush_at <= $1 ORDER BY pending_flush_at`,
      [horizon],
    )) as Array<{ subscription_id: string; group_key: string; pending_flush_at: Date }>;
    return rows.map((r) => ({ subscriptionId: r.subscription_id, groupKey: r.group_key, at: r.pending_flush_at }));
  }

  // When the group should next be flushed after a change: group_wait after the first alert of a
  // group that has nothing open, else group_interval after the last notification. An earlier pending
  // flush is kept; one in the past is being (or was) run, so it does not count.
  async requestFlush(request: FlushRequest): Promise<Date | null> {
    if (request.onlyIfNew) {
      const created = (await this.dataSource.query(
        `INSERT INTO notification_groups (subscription_id, group_key, group_labels, pending_flush_at)
         VALUES ($1, $2, $3, $4::timestamptz + make_interval(secs => $5::double precision / 1000))
         ON CONFLICT (subscription_id, group_key) DO NOTHING RETURNING pending_flush_at`,
        [request.subscriptionId, request.groupKey, JSON.stringify(request.groupLabels), request.now, request.groupWaitMs],
      )) as Array<{ pending_flush_at: Date }>;
      return created[0]?.pending_flush_at ?? null;
    }
    const rows = (await this.dataSource.query(
      `INSERT INTO notification_groups AS g (subscription_id, group_key, group_labels, pending_flush_at)
       VALUES ($1, $2, $3, $4::timestamptz + make_interval(secs => $5::double precision / 1000))
       ON CONFLICT (subscription_id, group_key) DO UPDATE SET
         pending_flush_at = LEAST(
           CASE WHEN g.pending_flush_at > $4::timestamptz THEN g.pending_flush_at ELSE 'infinity'::timestamptz END,
           CASE WHEN g.last_sent_at IS NULL OR g.last_state = '{}'::jsonb
                THEN $4::timestamptz + make_interval(secs => $5::double precision / 1000)
                ELSE GREATEST($4::timestamptz, g.last_sent_at + make_interval(secs => $6::double precision / 1000)) END),
         updated_at = now()
       RETURNING pending_flush_at`,
      [request.subscriptionId, request.groupKey, JSON.stringify(request.groupLabels), request.now, request.groupWaitMs, request.groupIntervalMs],
    )) as Array<{ pending_flush_at: Date }>;
    return rows[0]!.pending_flush_at;
  }

  // A flush that sends nothing: only the next check is remembered.
  async reschedule(subscriptionId: string, groupKey: string, ranAt: Date, next: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_groups SET
         pending_flush_at = CASE WHEN pending_flush_at > $3 THEN LEAST(pending_flush_at, COALESCE($4::timestamptz, 'infinity'))
                                 ELSE $4::timestamptz END,
         updated_at = now()
       WHERE subscription_id = $1 AND group_key = $2`,
      [subscriptionId, groupKey, ranAt, next],
    );
  }

  async recordState(subscriptionId: string, groupKey: string, state: NotifiedState): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_groups SET last_state = $3, updated_at = now() WHERE subscription_id = $1 AND group_key = $2`,
      [subscriptionId, groupKey, JSON.stringify(state)],
    );
  }

  // The notification's delivery and the group's new memory commit together; the flush key makes a
  // retried flush find its delivery instead of sending again.
  async recordSent(
    subscriptionId: string,
    groupKey: string,
    state: NotifiedState,
    sentAt: Date,
    next: Date | null,
    delivery: NewDelivery & { flushKey: string },
  ): Promise<DeliveryEntity> {
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const saved = await manager.save(
        manager.create(DeliveryEntity, { groupKey: null, redeliveryOf: null, ...delivery, status: 'pending', attempts: 0, attemptLog: [], createdAt: now, updatedAt: now }),
      );
      await manager.query(
        `UPDATE notification_groups SET last_state = $3, last_sent_at = $4,
           pending_flush_at = CASE WHEN pending_flush_at > $4 THEN LEAST(pending_flush_at, COALESCE($5::timestamptz, 'infinity'))
                                   ELSE $5::timestamptz END,
           updated_at = now()
         WHERE subscription_id = $1 AND group_key = $2`,
        [subscriptionId, groupKey, JSON.stringify(state), sentAt, next],
      );
      return saved;
    });
  }
}
