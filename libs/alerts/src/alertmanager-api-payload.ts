import type { NotifiedAlert } from './notification-payload.js';

export interface AlertmanagerPostOptions {
  /** Where people open Assay: the console's alert list is linked from each alert. */
  publicUrl: string;
  /** How long a firing alert stays valid in Alertmanager without being posted again. */
  firingValidForMs: number;
}

/** One entry of Alertmanager's `postableAlerts` (api/v2/openapi.yaml). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/**
 * Assay's alerts as the body of `POST /api/v2/alerts`. Alertmanager knows an alert by its labels, so
 * they are the stable ones (alertname, project, model, monitor or policy id, severity, kind, signal);
 * a firing alert ends `firingValidForMs` from now unless posted again, a resolved one at its resolution.
 */
export function postableAlerts(alerts: readonly NotifiedAlert[], annotationsOf: (alert: NotifiedAlert) => Record<string, string>, now: Date, options: AlertmanagerPostOptions): PostableAlert[] {
  const validUntil = new Date(now.getTime() + options.firingValidForMs).toISOString();
  return alerts.map((alert) => ({
    labels: alert.monitorId === null ? { ...alert.labels } : { ...alert.labels, [alert.kind === 'policy' ? 'policy_id' : 'monitor_id']: alert.monitorId },
    annotations: { ...annotationsOf(alert), assay_alert_id: alert.id },
    startsAt: alert.startsAt,
    endsAt: alert.status === 'resolved' && alert.endsAt ? alert.endsAt : validUntil,
    generatorURL: consoleAlertsUrl(options.publicUrl, alert.labels.model),
  }));
}

export function consoleAlertsUrl(publicUrl: string, model: string | undefined): string {
  const url = new URL('/console/alerts', publicUrl);
  if (model) url.searchParams.set('model', model);
  return url.toString();
}

/** A test alert that has already ended: it shows the labels arrive without paging anyone. */
export function testPostableAlerts(subscriptionId: string, now: Date, publicUrl: string): PostableAlert[] {
  const at = now.toISOString();
  return [{
    labels: { alertname: 'AssayTestDelivery', subscription_id: subscriptionId },
    annotations: { summary: 'test delivery from Assay' },
    startsAt: at,
    endsAt: at,
    generatorURL: consoleAlertsUrl(publicUrl, undefined),
  }];
}
