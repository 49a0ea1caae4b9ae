import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { DeliveryEntity, type DeliveryAttempt, type DeliveryStatus } from '../entities/delivery.entity.js';

export type NewDelivery = Pick<DeliveryEntity, 'projectId' | 'subscriptionId' | 'webhookId' | 'eventType' | 'payload'> &
  Partial<Pick<DeliveryEntity, 'flushKey' | 'groupKey' | 'redeliveryOf'>>;

export interface AttemptOutcome {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

@Injectable()
export class DeliveryRepository {
  private readonly deliveries: Repository<DeliveryEntity>;

  constructor(dataSource: DataSource) {
    this.deliveries = dataSource.getRepository(DeliveryEntity);
  }

  async create(delivery: NewDelivery): Promise<DeliveryEntity> {
    const now = new Date();
    return this.deliveries.save(
      this.deliveries.create({ flushKey: null, groupKey: null, redeliveryOf: null, ...delivery, status: 'pending', attempts: 0, attemptLog: [], createdAt: now, updatedAt: now }),
    );
  }

  findById(id: string): Promise<DeliveryEntity | null> {
    return this.deliveries.findOneBy({ id });
  }

  findForProject(projectId: string, id: string): Promise<DeliveryEntity | null> {
    return this.deliveries.findOneBy({ projectId, id });
  }

  findByFlushKey(flushKey: string): Promise<DeliveryEntity | null> {
    return this.deliveries.findOneBy({ flushKey });
  }

  listForSubscription(subscriptionId: string, limit: number, before?: Date): Promise<DeliveryEntity[]> {
    const query = this.deliveries.createQueryBuilder('d').where('d.subscription_id = :subscriptionId', { subscriptionId });
    if (before) query.andWhere('d.created_at < :before', { before });
    return query.orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC').limit(limit).getMany();
  }

  /** Whether the subscription has sent its group a notification after this one. */
  async hasNewerInGroup(delivery: Pick<DeliveryEntity, 'subscriptionId' | 'groupKey' | 'createdAt'>): Promise<boolean> {
    if (delivery.groupKey === null) return false;
    const rows = await this.deliveries.query(
      `SELECT 1 FROM deliveries WHERE subscription_id = $1 AND group_key = $2 AND created_at > $3 AND redelivery_of IS NULL LIMIT 1`,
      [delivery.subscriptionId, delivery.groupKey, delivery.createdAt],
    );
    return (rows as unknown[]).length > 0;
  }

  /** Pending deliveries whose next attempt is due by `horizon` (a new one is due when created), earliest first. */
  listPendingBefore(horizon: Date): Promise<DeliveryEntity[]> {
    return this.deliveries
      .createQueryBuilder('d')
      .where(`d.status = 'pending' AND COALESCE(d.next_attempt_at, d.created_at) <= :horizon`, { horizon })
      .orderBy('COALESCE(d.next_attempt_at, d.created_at)')
      .getMany();
  }

  // Guarded by the attempt number, so a retried job cannot log the same attempt twice.
  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<boolean> {
    const result = await this.deliveries
      .createQueryBuilder()
      .update()
      .set({
        attempts: outcome.attempt.attempt,
        attemptLog: () => `attempt_log || :entry::jsonb`,
        lastStatusCode: outcome.attempt.statusCode,
        lastError: outcome.attempt.error,
        status: outcome.status,
        nextAttemptAt: outcome.nextAttemptAt,
        deliveredAt: outcome.status === 'delivered' ? new Date(outcome.attempt.at) : null,
        updatedAt: new Date(),
      })
      .where(`id = :id AND attempts < :attempt AND status = 'pending'`, { id, attempt: outcome.attempt.attempt })
      .setParameter('entry', JSON.stringify([outcome.attempt]))
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async abandon(id: string, reason: string): Promise<void> {
    await this.deliveries.update({ id, status: 'pending' }, { status: 'failed', lastError: reason, nextAttemptAt: null, updatedAt: new Date() });
  }
}
