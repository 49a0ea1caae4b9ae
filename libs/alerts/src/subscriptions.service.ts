import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import net from 'node:net';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import {
  DeliveryRepository, SubscriptionRepository,
  type DeliveryEntity, type AlertKind, type GroupLabel, type PayloadFormat, type Severity, type SubscriptionEntity,
} from '@assay/db';
import { DomainError, ErrorCode, LOGGER, badInput, notFound } from '@assay/common';
import { AddressPolicy } from './address-policy.js';
import { renderEventPayload, renderTestPayload } from './notification-payload.js';
import { parseWebhookUrl, WebhookRefusedError } from './webhook-client.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { generateWebhookSecret, newWebhookId } from './webhook-signature.js';
import { SecretBox, WebhookSecrets } from './webhook-secrets.service.js';
import { ALERTMANAGER_ALERTS_PATH, publicUrlOf, wantsEvent } from './subscription-settings.js';

export interface SubscriptionInput {
  name: string;
  url: string;
  format: PayloadFormat;
  models: string[];
  severities: Severity[];
  kinds: AlertKind[];
  events: string[];
  groupBy: GroupLabel[];
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
  sendResolved: boolean;
  enabled: boolean;
}

export type SubscriptionChange = Partial<SubscriptionInput>;

@Injectable()
export class SubscriptionsService implements OnApplicationBootstrap {
  private readonly policy: AddressPolicy;
  private readonly publicUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    // Pino itself rather than Nest's logger, whose `log` is debug: an operator rotating keys needs these lines.
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly delivery: WebhookDeliveryService,
    private readonly secrets: WebhookSecrets,
  ) {
    this.policy = new AddressPolicy(config.webhooks.allow);
    this.publicUrl = publicUrlOf(config.api);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { sealed, resealed, unreadable } = await this.sealStoredSecrets();
    if (sealed > 0) this.logger.info(`encrypted ${sealed} webhook secrets stored before secrets were encrypted at rest`);
    if (resealed > 0) this.logger.info(`encrypted ${resealed} webhook secrets again under the current secrets key`);
    if (unreadable > 0) {
      this.logger.warn(`${unreadable} webhook secrets open with none of the configured secrets keys; their deliveries fail until the key that sealed them is in ASSAY_SECRETS_PREVIOUS_KEY_FILES`);
    }
  }

  async create(projectId: string, input: SubscriptionInput): Promise<{ subscription: SubscriptionEntity; secret: string }> {
    this.checkUrl(input.url, input.format);
    const secret = generateWebhookSecret();
    const subscription = await this.subscriptions.create({ ...input, projectId, secret: this.secrets.seal(secret, projectId) });
    return { subscription, secret };
  }

  /**
   * Encrypts the secrets stored before they were encrypted at rest, encrypts again under the current
   * key those sealed under a previous one (a key rotation), and counts those no configured key opens,
   * so that a wrong key shows at start rather than at the next delivery. Each row is replaced only if
   * it is unchanged, so processes starting together do no harm.
   */
  async sealStoredSecrets(): Promise<{ sealed: number; resealed: number; unreadable: number }> {
    const counts = { sealed: 0, resealed: 0, unreadable: 0 };
    for (const row of await this.subscriptions.storedSecrets()) {
      let opened;
      try {
        opened = this.secrets.openWithKey(row.secret, row.projectId);
      } catch {
        counts.unreadable++;
        continue;
      }
      if (opened.current) continue;
      if (await this.subscriptions.replaceSecret(row.id, row.secret, this.secrets.seal(opened.secret, row.projectId))) {
        counts[SecretBox.isSealed(row.secret) ? 'resealed' : 'sealed']++;
      }
    }
    return counts;
  }

  list(projectId: string): Promise<SubscriptionEntity[]> {
    return this.subscriptions.list(projectId);
  }

  async get(projectId: string, id: string): Promise<SubscriptionEntity> {
    const subscription = await this.subscriptions.findForProject(projectId, id);
    if (!subscription) throw notFound(`subscription ${id}`);
    return subscription;
  }

  async update(projectId: string, id: string, change: SubscriptionChange): Promise<SubscriptionEntity> {
    const current = await this.get(projectId, id);
    if (change.url !== undefined || change.format !== undefined) this.checkUrl(change.url ?? current.url, change.format ?? current.format);
    const patch = change.enabled === true ? { ...change, disabledReason: null } : change.enabled === false ? { ...change, disabledReason: 'disabled by an owner' } : change;
    return (await this.subscriptions.update(id, patch))!;
  }

  async remove(projectId: string, id: string): Promise<void> {
    if (!(await this.subscriptions.remove(projectId, id))) throw notFound(`subscription ${id}`);
  }

  async sendTest(projectId: string, id: string): Promise<DeliveryEntity> {
    const subscription = await this.get(projectId, id);
    if (!subscription.enabled) throw new DomainError(ErrorCode.Conflict, `subscription ${id} is disabled; enable it first`);
    const payload = renderTestPayload(subscription.format, subscription.id, subscription.name, new Date(), this.publicUrl);
    const delivery = await this.deliveries.create({
      projectId, subscriptionId: subscription.id, webhookId: newWebhookId(), eventType: payload.eventType, payload: payload.body,
    });
    await this.queueOrAbandon(delivery);
    return delivery;
  }

  /** Delivers an event to every enabled subscription of the project whose model and event filters admit it. */
  async publish(projectId: string, model: string, type: string, data: Record<string, unknown>, text: string): Promise<DeliveryEntity[]> {
    const now = new Date();
    const sent: DeliveryEntity[] = [];
    for (const subscription of await this.subscriptions.listEnabled(projectId)) {
      if (subscription.models.length > 0 && !subscription.models.includes(model)) continue;
      if (!wantsEvent(subscription, type)) continue;
      const payload = renderEventPayload(subscription.format, type, data, text, now);
      if (!payload) continue;
      const delivery = await this.deliveries.create({
        projectId, subscriptionId: subscription.id, webhookId: newWebhookId(), eventType: payload.eventType, payload: payload.body,
      });
      await this.queueOrAbandon(delivery);
      sent.push(delivery);
    }
    return sent;
  }

  async listDeliveries(projectId: string, id: string, limit: number, before?: Date): Promise<DeliveryEntity[]> {
    await this.get(projectId, id);
    return this.deliveries.listForSubscription(id, limit, before);
  }

  // The same message again, under its webhook-id, so a receiver that already has it can ignore it.
  async redeliver(projectId: string, deliveryId: string): Promise<DeliveryEntity> {
    const original = await this.deliveries.findForProject(projectId, deliveryId);
    if (!original) throw notFound(`delivery ${deliveryId}`);
    const subscription = await this.get(projectId, original.subscriptionId);
    if (!subscription.enabled) throw new DomainError(ErrorCode.Conflict, `subscription ${subscription.id} is disabled; enable it first`);
    const delivery = await this.deliveries.create({
      projectId, subscriptionId: original.subscriptionId, webhookId: original.webhookId, eventType: original.eventType,
      payload: original.payload, groupKey: original.groupKey, redeliveryOf: original.id,
    });
    await this.queueOrAbandon(delivery);
    return delivery;
  }

  // A delivery whose job could not be queued would stay pending for ever: it is closed with the reason.
  private async queueOrAbandon(delivery: DeliveryEntity): Promise<void> {
    try {
      await this.delivery.enqueueNext(delivery);
    } catch (error) {
      await this.deliveries.abandon(delivery.id, `could not be queued: ${(error as Error).message}`);
      throw error;
    }
  }

  // Literal addresses and special-use names are refused up front; other names are checked again at every delivery, after resolution.
  private checkUrl(value: string, format: PayloadFormat): void {
    try {
      const url = parseWebhookUrl(value);
      if (format === 'alertmanager-api' && !url.pathname.replace(/\/+$/, '').endsWith(ALERTMANAGER_ALERTS_PATH)) {
        throw badInput(`url: an alertmanager-api subscription posts to Alertmanager's ${ALERTMANAGER_ALERTS_PATH}; give its full URL, e.g. http://alertmanager:9093${ALERTMANAGER_ALERTS_PATH}`);
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const refusal = net.isIP(host) ? this.policy.refusal(host) : this.policy.nameRefusal(host);
      if (refusal) throw new WebhookRefusedError(refusal);
    } catch (error) {
      if (error instanceof WebhookRefusedError) throw badInput(`url: ${error.message}`);
      throw error;
    }
  }
}
