import type { GroupLabel, PayloadFormat } from '@assay/db';

/** What a subscription may hear; an empty `events` list hears them all. `subscription.test` is always sent when asked for. */
export const SUBSCRIBER_EVENTS = ['alert.firing', 'alert.resolved', 'report.ready'] as const;
export type SubscriberEvent = (typeof SUBSCRIBER_EVENTS)[number];

export function wantsEvent(subscription: { events: readonly string[] }, type: string): boolean {
  return subscription.events.length === 0 || subscription.events.includes(type);
}

export function wantsAlerts(subscription: { events: readonly string[] }): boolean {
  return wantsEvent(subscription, 'alert.firing') || wantsEvent(subscription, 'alert.resolved');
}

/** Where Alertmanager takes alerts; an `alertmanager-api` subscription's URL ends with it (after any --web.route-prefix). */
export const ALERTMANAGER_ALERTS_PATH = '/api/v2/alerts';

/**
 * A firing alert posted to Alertmanager is valid for this many repeat intervals, as Prometheus does
 * with its resend delay: three missed re-posts in a row (Assay's workers down) and Alertmanager
 * resolves it, whatever its resolve_timeout.
 */
export const ALERTMANAGER_VALIDITY_INTERVALS = 4;

export interface GroupingDefaults {
  groupBy: GroupLabel[];
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
}

/**
 * Alertmanager groups, waits and repeats notifications itself, so Assay posts to it at once, in one
 * batch per subscription, and re-posts what still fires every minute, well inside its default
 * resolve_timeout of 5 minutes.
 */
export function groupingDefaults(format: PayloadFormat): GroupingDefaults {
  return format === 'alertmanager-api'
    ? { groupBy: [], groupWaitSeconds: 0, groupIntervalSeconds: 5, repeatIntervalSeconds: 60 }
    : { groupBy: ['model'], groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400 };
}

export function publicUrlOf(api: { publicUrl: string | null; port: number }): string {
  return api.publicUrl ?? `http://127.0.0.1:${api.port}`;
}
