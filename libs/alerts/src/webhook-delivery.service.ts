import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { DeliveryRepository, SubscriptionRepository, type DeliveryEntity, type DeliveryStatus } from '@assay/db';
import { appMetrics } from '@assay/common';
import { JobName, QueueService, type JobOf, type JobPayloads } from '@assay/queue';
import { AddressPolicy } from './address-policy.js';
import { nextAttemptDelayMs, parseRetryAfter } from './retry-schedule.js';
import { WebhookClient, WebhookRefusedError } from './webhook-client.js';
import { webhookHeaders } from './webhook-signature.js';
import { WebhookSecrets } from './webhook-secrets.service.js';

const workerMetrics = appMetrics('worker');

const attempts = workerMetrics.counter('assay_webhook_attempts_total', 'Webhook delivery attempts, by outcome', ['outcome'] as const);

const THROTTLED = new Set([429, 502, 503, 504]);

export function deliverJobId(deliveryId: string, attempt: number): string {
  return `deliver.${deliveryId}.${attempt}`;
}

function nextAttemptJob(delivery: DeliveryEntity): { item: JobOf<JobName.WebhookDeliver>; options: { jobId: string; delay: number } } {
  const attempt = delivery.attempts + 1;
  const delay = delivery.nextAttemptAt ? Math.max(0, delivery.nextAttemptAt.getTime() - Date.now()) : 0;
  return { item: { name: JobName.WebhookDeliver, data: { deliveryId: delivery.id, attempt } }, options: { jobId: deliverJobId(delivery.id, attempt), delay } };
}

// One attempt per job. The next attempt is its own delayed job with a deterministic id, and the
// attempt number guards the log, so a job rerun after a crash repeats only an unrecorded attempt,
// always with the delivery's one webhook-id.
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');
  readonly client: WebhookClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly queue: QueueService,
    private readonly secrets: WebhookSecrets,
  ) {
    this.client = new WebhookClient(new AddressPolicy(config.webhooks.allow), { timeoutMs: config.webhookDelivery.timeoutMs });
  }

  /** Queues the delivery's next attempt, if it has one; idempotent. */
  async enqueueNext(delivery: DeliveryEntity): Promise<void> {
    if (delivery.status !== 'pending') return;
    const { item, options } = nextAttemptJob(delivery);
    await this.queue.enqueue(item, options);
  }

  /** Queues the pending delivery's next attempt again unless Redis still has its job (see NotificationRecovery). */
  async restoreNext(delivery: DeliveryEntity): Promise<'queued' | 'present' | 'retried' | 'settled'> {
    if (delivery.status !== 'pending') return 'settled';
    const { item, options } = nextAttemptJob(delivery);
    return this.queue.restore(item, options);
  }

  async deliver(job: JobPayloads[JobName.WebhookDeliver]): Promise<DeliveryStatus | 'skipped'> {
    const delivery = await this.deliveries.findById(job.deliveryId);
    if (!delivery || delivery.status !== 'pending') return 'skipped';
    if (delivery.attempts >= job.attempt) {
      await this.enqueueNext(delivery);
      return 'skipped';
    }
    const subscription = await this.subscriptions.findById(delivery.subscriptionId);
    const secret = subscription ? await this.subscriptions.secretOf(subscription.id) : null;
    if (!subscription || !subscription.enabled || secret === null) {
      await this.deliveries.abandon(delivery.id, subscription ? 'the subscription is disabled' : 'the subscription was deleted');
      return 'failed';
    }
    // Every post to Alertmanager carries its group's whole current state and is made again each repeat
    // interval, so a retry behind a newer post would only restate older news: while Alertmanager is
    // away, one post per group is retried instead of one per interval piling up. (A resolution that only
    // the older post carried still ends in Alertmanager when its endsAt passes.)
    if (subscription.format === 'alertmanager-api' && job.attempt > 1 && (await this.deliveries.hasNewerInGroup(delivery))) {
      await this.deliveries.abandon(delivery.id, 'superseded by a newer post of its group');
      return 'failed';
    }
    // A secret that does not open (another ASSAY_SECRETS_KEY_FILE) throws: the job fails and is
    // retried, so deliveries resume once the key is put right.
    const signingSecret = this.secrets.open(secret, subscription.projectId);
    const started = Date.now();
    const headers = webhookHeaders(signingSecret, delivery.webhookId, Math.floor(started / 1000), delivery.payload);
    let statusCode: number | null = null;
    let error: string | null = null;
    let retryAfter: number | null = null;
    let final = false;
    try {
      const response = await this.client.post(subscription.url, delivery.payload, headers);
      statusCode = response.statusCode;
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
      if (THROTTLED.has(statusCode)) retryAfter = parseRetryAfter(headerValue(response.headers['retry-after']));
    } catch (e) {
      error = (e as Error).message;
      final = e instanceof WebhookRefusedError;
    }
    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const gone = statusCode === 410;
    const delay = delivered || gone || final ? null : nextAttemptDelayMs(job.attempt, this.config.webhookDelivery.retryScheduleSeconds, retryAfter);
    const status: DeliveryStatus = delivered ? 'delivered' : delay === null ? 'failed' : 'pending';
    const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay);
    const recorded = await this.deliveries.recordAttempt(delivery.id, {
      attempt: { attempt: job.attempt, at: new Date(started).toISOString(), statusCode, error, durationMs: Date.now() - started },
      status,
      nextAttemptAt,
    });
    attempts.inc({ outcome: delivered ? 'delivered' : gone ? 'gone' : final ? 'refused' : 'failed' });
    if (!recorded) return 'skipped';
    if (gone) {
      await this.subscriptions.disable(subscription.id, `the endpoint answered 410 Gone to delivery ${delivery.id}`);
      this.logger.warn(`subscription ${subscription.id} disabled: its endpoint answered 410 Gone`);
    }
    if (status === 'pending') await this.enqueueNext({ ...delivery, attempts: job.attempt, status, nextAttemptAt });
    return status;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
