import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import {
  AlertRepository, DeliveryRepository, NotificationGroupRepository, SilenceRepository, SubscriptionRepository,
  type AlertEntity, type NotifiedState, type SilenceEntity, type SubscriptionEntity,
} from '@assay/db';
import { JobName, QueueService, QueueUnavailableError, type JobOf, type JobPayloads } from '@assay/queue';
import { groupKeyOf, groupLabelsOf, isSilenced, matchesFilter } from './alert-labels.js';
import { notifiedAlert, renderGroupNotification } from './notification-payload.js';
import { ALERTMANAGER_VALIDITY_INTERVALS, publicUrlOf, wantsAlerts, wantsEvent } from './subscription-settings.js';
import { newWebhookId } from './webhook-signature.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

// Early by less than this counts as due: delayed jobs and clocks are not exact.
const CLOCK_SLACK_MS = 1000;

export function notifyJobId(groupKey: string, at: number): string {
  return `notify.${groupKey.replace('/', '.')}.${at}`;
}

function flushJob(subscriptionId: string, groupKey: string, at: number): JobOf<JobName.AlertNotify> {
  return { name: JobName.AlertNotify, data: { subscriptionId, groupKey, at } };
}

function flushJobOptions(groupKey: string, at: number): { jobId: string; delay: number } {
  return { jobId: notifyJobId(groupKey, at), delay: Math.max(0, at - Date.now()) };
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function silenceEnd(silences: readonly SilenceEntity[], muted: readonly AlertEntity[], now: Date): number | null {
  let end: number | null = null;
  for (const alert of muted) {
    for (const silence of silences) {
      if (isSilenced([silence], alert.labels, now)) end = earliest(end, silence.endsAt.getTime());
    }
  }
  return end;
}

function sameState(a: NotifiedState, b: NotifiedState): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

// Alertmanager-style grouping per subscription: group_wait before a new group's first notification,
// group_interval between notifications of a changed group, repeat_interval for an unchanged open one.
// Every wait is a BullMQ delayed job with a deterministic id, and notification_groups remembers what
// each group last heard, so replicas agree and a restart loses nothing.
@Injectable()
export class NotificationScheduler {
  private readonly logger = new Logger('Notifications');

  private readonly publicUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly alerts: AlertRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly silences: SilenceRepository,
    private readonly groups: NotificationGroupRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly queue: QueueService,
    private readonly delivery: WebhookDeliveryService,
  ) {
    this.publicUrl = publicUrlOf(config.api);
  }

  async alertsChanged(alerts: AlertEntity[], onlyNewGroups: boolean): Promise<void> {
    const byProject = new Map<string, AlertEntity[]>();
    for (const alert of alerts) byProject.set(alert.projectId, [...(byProject.get(alert.projectId) ?? []), alert]);
    for (const [projectId, projectAlerts] of byProject) {
      for (const subscription of await this.subscriptions.listEnabled(projectId)) {
        if (!wantsAlerts(subscription)) continue;
        const groups = new Map<string, Record<string, string>>();
        for (const alert of projectAlerts) {
          if (!matchesFilter(subscription, alert.labels)) continue;
          const labels = groupLabelsOf(subscription.groupBy, alert.labels);
          groups.set(groupKeyOf(subscription.id, labels), labels);
        }
        for (const [groupKey, groupLabels] of groups) await this.requestFlush(subscription, groupKey, groupLabels, onlyNewGroups);
      }
    }
  }

  private async requestFlush(subscription: SubscriptionEntity, groupKey: string, groupLabels: Record<string, string>, onlyIfNew: boolean): Promise<void> {
    const at = await this.groups.requestFlush({
      subscriptionId: subscription.id,
      groupKey,
      groupLabels,
      now: new Date(),
      groupWaitMs: subscription.groupWaitSeconds * 1000,
      groupIntervalMs: subscription.groupIntervalSeconds * 1000,
      onlyIfNew,
    });
    if (!at) return;
    try {
      await this.enqueueFlush(subscription.id, groupKey, at.getTime());
    } catch (error) {
      // PostgreSQL holds the group's due time and the workers queue it again at their next refresh, so
      // an unreachable queue delays the notification instead of failing an alert change already committed.
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.warn(`${error.message}; group ${groupKey} is flushed once the workers restore it`);
    }
  }

  private async enqueueFlush(subscriptionId: string, groupKey: string, at: number): Promise<void> {
    await this.queue.enqueue(flushJob(subscriptionId, groupKey, at), flushJobOptions(groupKey, at));
  }

  /** Queues the group's pending flush again unless Redis still has its job (see NotificationRecovery). */
  restoreFlush(subscriptionId: string, groupKey: string, at: number): Promise<'queued' | 'present' | 'retried'> {
    return this.queue.restore(flushJob(subscriptionId, groupKey, at), flushJobOptions(groupKey, at));
  }

  async flush(job: JobPayloads[JobName.AlertNotify]): Promise<'sent' | 'unchanged' | 'deferred' | 'gone'> {
    const flushKey = `${job.groupKey}@${job.at}`;
    // A retried flush that already committed its notification only makes sure it goes out.
    const sent = await this.deliveries.findByFlushKey(flushKey);
    if (sent) {
      await this.delivery.enqueueNext(sent);
      return 'sent';
    }
    const now = new Date();
    const subscription = await this.subscriptions.findById(job.subscriptionId);
    const group = await this.groups.find(job.subscriptionId, job.groupKey);
    if (!subscription || !group) return 'gone';
    if (!subscription.enabled) {
      await this.groups.reschedule(subscription.id, job.groupKey, now, null);
      return 'gone';
    }
    const prior = group.lastState;
    const silences = await this.silences.unexpired(subscription.projectId, now);
    const inGroup = (await this.alerts.groupCandidates(subscription.projectId, Object.keys(prior))).filter(
      (alert) =>
        matchesFilter(subscription, alert.labels) &&
        groupKeyOf(subscription.id, groupLabelsOf(subscription.groupBy, alert.labels)) === job.groupKey &&
        (alert.status !== 'resolved' || prior[alert.fingerprint] !== undefined),
    );
    const members = inGroup.filter((alert) => !isSilenced(silences, alert.labels, now));
    // A muted open alert is looked at again when its silence ends.
    const unmuteAt = silenceEnd(silences, inGroup.filter((a) => a.status !== 'resolved' && !members.includes(a)), now);
    const open = members.filter((a) => a.status !== 'resolved');
    const state: NotifiedState = Object.fromEntries(open.map((a) => [a.fingerprint, a.status]));
    const lastSent = group.lastSentAt?.getTime() ?? null;
    const changed = !sameState(state, prior);
    const repeatAt = lastSent === null ? null : lastSent + subscription.repeatIntervalSeconds * 1000;
    let due: boolean;
    if (changed) {
      const hadOpen = Object.keys(prior).length > 0;
      const dueAt = lastSent !== null && hadOpen ? lastSent + subscription.groupIntervalSeconds * 1000 : now.getTime();
      due = dueAt <= now.getTime() + CLOCK_SLACK_MS || dueAt <= job.at;
      if (!due) {
        await this.groups.reschedule(subscription.id, job.groupKey, now, new Date(dueAt));
        await this.enqueueFlush(subscription.id, job.groupKey, dueAt);
        return 'deferred';
      }
    } else {
      due = open.length > 0 && repeatAt !== null && repeatAt <= now.getTime() + CLOCK_SLACK_MS;
    }
    if (!due) {
      const next = earliest(open.length > 0 && repeatAt !== null && repeatAt > job.at ? repeatAt : null, unmuteAt);
      await this.groups.reschedule(subscription.id, job.groupKey, now, next === null ? null : new Date(next));
      if (next !== null) await this.enqueueFlush(subscription.id, job.groupKey, next);
      return 'unchanged';
    }
    const nextRepeat = earliest(open.length > 0 ? now.getTime() + subscription.repeatIntervalSeconds * 1000 : null, unmuteAt);
    const announced = subscription.sendResolved ? members : open;
    const eventType = open.length > 0 ? 'alert.firing' : 'alert.resolved';
    if (announced.length === 0 || !wantsEvent(subscription, eventType)) {
      // Nothing the subscription wants to hear (everything resolved, or not its event type): remember the state quietly.
      await this.groups.reschedule(subscription.id, job.groupKey, now, unmuteAt === null ? null : new Date(unmuteAt));
      await this.groups.recordState(subscription.id, job.groupKey, state);
      if (unmuteAt !== null) await this.enqueueFlush(subscription.id, job.groupKey, unmuteAt);
      return 'unchanged';
    }
    const payload = renderGroupNotification(
      subscription.format,
      { subscriptionId: subscription.id, subscriptionName: subscription.name, groupKey: job.groupKey, groupLabels: group.groupLabels, alerts: announced.map(notifiedAlert) },
      now,
      { publicUrl: this.publicUrl, firingValidForMs: ALERTMANAGER_VALIDITY_INTERVALS * subscription.repeatIntervalSeconds * 1000 },
    );
    const delivery = await this.groups.recordSent(subscription.id, job.groupKey, state, now, nextRepeat === null ? null : new Date(nextRepeat), {
      projectId: subscription.projectId,
      subscriptionId: subscription.id,
      webhookId: newWebhookId(),
      eventType: payload.eventType,
      payload: payload.body,
      flushKey,
      groupKey: job.groupKey,
    });
    this.logger.debug(`notifying subscription ${subscription.id} group ${job.groupKey}: ${payload.eventType}, ${announced.length} alerts`);
    await this.delivery.enqueueNext(delivery);
    if (nextRepeat !== null) await this.enqueueFlush(subscription.id, job.groupKey, nextRepeat);
    return 'sent';
  }
}
