import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { SubscriptionEntity } from '../entities/subscription.entity.js';

export type NewSubscription = Omit<SubscriptionEntity, 'id' | 'createdAt' | 'updatedAt' | 'disabledReason'>;
export type SubscriptionPatch = Partial<Omit<NewSubscription, 'projectId' | 'secret'>> & { disabledReason?: string | null };

@Injectable()
export class SubscriptionRepository {
  private readonly subscriptions: Repository<SubscriptionEntity>;

  constructor(dataSource: DataSource) {
    this.subscriptions = dataSource.getRepository(SubscriptionEntity);
  }

  async create(subscription: NewSubscription): Promise<SubscriptionEntity> {
    const now = new Date();
    const saved = await this.subscriptions.save(
      this.subscriptions.create({ ...subscription, disabledReason: null, createdAt: now, updatedAt: now }),
    );
    return (await this.findForProject(saved.projectId, saved.id))!;
  }

  findForProject(projectId: string, id: string): Promise<SubscriptionEntity | null> {
    return this.subscriptions.findOneBy({ projectId, id });
  }

  findById(id: string): Promise<SubscriptionEntity | null> {
    return this.subscriptions.findOneBy({ id });
  }

  async secretOf(id: string): Promise<string | null> {
    const row = await this.subscriptions.createQueryBuilder('s').select('s.secret', 'secret').where('s.id = :id', { id }).getRawOne<{ secret: string }>();
    return row?.secret ?? null;
  }

  /** Every stored secret with its subscription's project, as stored (sealed or not). */
  async storedSecrets(): Promise<Array<{ id: string; projectId: string; secret: string }>> {
    return this.subscriptions
      .createQueryBuilder('s')
      .select(['s.id AS id', 's.project_id AS "projectId"', 's.secret AS secret'])
      .getRawMany<{ id: string; projectId: string; secret: string }>();
  }

  /** Replaces a stored secret only if it is still `from` (another process may have sealed it first). */
  async replaceSecret(id: string, from: string, to: string): Promise<boolean> {
    const result = await this.subscriptions.createQueryBuilder().update().set({ secret: to }).where('id = :id AND secret = :from', { id, from }).execute();
    return (result.affected ?? 0) > 0;
  }

  list(projectId: string): Promise<SubscriptionEntity[]> {
    return this.subscriptions.find({ where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  listEnabled(projectId: string): Promise<SubscriptionEntity[]> {
    return this.subscriptions.find({ where: { projectId, enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async update(id: string, patch: SubscriptionPatch): Promise<SubscriptionEntity | null> {
    await this.subscriptions.update({ id }, { ...patch, updatedAt: new Date() });
    return this.findById(id);
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.subscriptions.update({ id, enabled: true }, { enabled: false, disabledReason: reason, updatedAt: new Date() });
  }

  async remove(projectId: string, id: string): Promise<boolean> {
    const result = await this.subscriptions.delete({ projectId, id });
    return (result.affected ?? 0) > 0;
  }
}
