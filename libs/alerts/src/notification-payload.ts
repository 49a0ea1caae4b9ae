import type { AlertEntity, PayloadFormat } from '@assay/db';
import { distributionLines, type CheckExplanation } from '@assay/monitoring';
import { postableAlerts, testPostableAlerts, type AlertmanagerPostOptions } from './alertmanager-api-payload.js';

export interface NotifiedAlert {
  id: string;
  fingerprint: string;
  status: 'firing' | 'acknowledged' | 'resolved';
  severity: string;
  kind: string;
  /** Null on a vendor-dependency alert. */
  monitorId: string | null;
  monitorName: string | null;
  labels: Record<string, string>;
  summary: string;
  /** Baseline vs current, the test and one sentence, from the latest failing check run; null on older alerts. */
  explanation: CheckExplanation | null;
  startsAt: string;
  endsAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
}

export interface GroupNotification {
  subscriptionId: string;
  subscriptionName: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: NotifiedAlert[];
}

export function notifiedAlert(alert: AlertEntity): NotifiedAlert {
  return {
    id: alert.id,
    fingerprint: alert.fingerprint,
    status: alert.status,
    severity: alert.severity,
    kind: alert.kind,
    monitorId: alert.monitorId,
    monitorName: alert.labels.monitor ?? null,
    labels: alert.labels,
    summary: alert.summary,
    explanation: (alert.explanation as unknown as CheckExplanation | null) ?? null,
    startsAt: alert.startedAt.toISOString(),
    endsAt: alert.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgeNote: alert.acknowledgeNote,
  };
}

/** A group is resolved when none of its alerts is still open. */
export function groupStatus(alerts: readonly NotifiedAlert[]): 'firing' | 'resolved' {
  return alerts.some((a) => a.status !== 'resolved') ? 'firing' : 'resolved';
}

function commonOf(maps: ReadonlyArray<Record<string, string>>): Record<string, string> {
  if (maps.length === 0) return {};
  return Object.fromEntries(Object.entries(maps[0]!).filter(([key, value]) => maps.every((m) => m[key] === value)));
}

export interface RenderedPayload {
  eventType: string;
  body: string;
}

/** `alertmanager` is required for the `alertmanager-api` format. */
export function renderGroupNotification(format: PayloadFormat, notification: GroupNotification, now: Date, alertmanager?: AlertmanagerPostOptions): RenderedPayload {
  const status = groupStatus(notification.alerts);
  const eventType = `alert.${status}`;
  switch (format) {
    case 'alertmanager-api':
      if (!alertmanager) throw new Error('rendering for Alertmanager needs the public URL and the validity of a firing alert');
      return { eventType, body: JSON.stringify(postableAlerts(notification.alerts, annotationsOf, now, alertmanager)) };
    case 'assay':
      return {
        eventType,
        body: JSON.stringify({
          type: eventType,
          timestamp: now.toISOString(),
          data: { subscriptionId: notification.subscriptionId, groupKey: notification.groupKey, groupLabels: notification.groupLabels, status, alerts: notification.alerts },
        }),
      };
    case 'alertmanager':
      return {
        eventType,
        body: JSON.stringify({
          version: '4',
          groupKey: notification.groupKey,
          truncatedAlerts: 0,
          status,
          receiver: notification.subscriptionName,
          groupLabels: notification.groupLabels,
          commonLabels: commonOf(notification.alerts.map((a) => a.labels)),
          commonAnnotations: commonOf(notification.alerts.map(annotationsOf)),
          externalURL: '',
          alerts: notification.alerts.map((a) => ({
            status: a.status === 'resolved' ? 'resolved' : 'firing',
            labels: a.labels,
            annotations: annotationsOf(a),
            startsAt: a.startsAt,
            endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint: a.fingerprint,
          })),
        }),
      };
    case 'slack':
      return { eventType, body: JSON.stringify({ text: slackText(status, notification) }) };
    default: {
      const unknown: never = format;
      throw new Error(`unknown payload format ${String(unknown)}`);
    }
  }
}

function annotationsOf(alert: NotifiedAlert): Record<string, string> {
  const annotations: Record<string, string> = { summary: alert.summary };
  if (alert.explanation?.sentence) annotations.description = alert.explanation.sentence;
  const lines = distributionLines(alert.explanation);
  if (lines) {
    annotations.baseline = lines.baseline;
    annotations.current = lines.current;
  }
  if (alert.acknowledgedBy) annotations.acknowledgedBy = alert.acknowledgedBy;
  if (alert.acknowledgeNote) annotations.acknowledgeNote = alert.acknowledgeNote;
  return annotations;
}

function slackText(status: 'firing' | 'resolved', notification: GroupNotification): string {
  const open = notification.alerts.filter((a) => a.status !== 'resolved').length;
  const header =
    status === 'firing'
      ? `:rotating_light: ${open} Assay alert${open === 1 ? '' : 's'} firing`
      : `:white_check_mark: Assay alerts resolved`;
  const scope = Object.entries(notification.groupLabels).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = notification.alerts.flatMap((a) => {
    const distributions = distributionLines(a.explanation);
    return [
      `• [${a.status}] *${a.labels.alertname ?? a.fingerprint}* (${a.severity}): ${a.summary}`,
      ...(distributions ? [`    baseline ${distributions.baseline}`, `    current ${distributions.current}`] : []),
    ];
  });
  return [`${header}${scope ? ` (${scope})` : ''}`, ...lines].join('\n');
}

export function renderTestPayload(format: PayloadFormat, subscriptionId: string, subscriptionName: string, now: Date, publicUrl: string): RenderedPayload {
  const eventType = 'subscription.test';
  switch (format) {
    case 'alertmanager-api':
      return { eventType, body: JSON.stringify(testPostableAlerts(subscriptionId, now, publicUrl)) };
    case 'assay':
      return { eventType, body: JSON.stringify({ type: eventType, timestamp: now.toISOString(), data: { subscriptionId, message: 'test delivery from Assay' } }) };
    case 'alertmanager':
      return {
        eventType,
        body: JSON.stringify({
          version: '4', groupKey: `${subscriptionId}/test`, truncatedAlerts: 0, status: 'firing', receiver: subscriptionName,
          groupLabels: { alertname: 'AssayTestDelivery' }, commonLabels: { alertname: 'AssayTestDelivery' }, commonAnnotations: { summary: 'test delivery from Assay' },
          externalURL: '',
          alerts: [{ status: 'firing', labels: { alertname: 'AssayTestDelivery' }, annotations: { summary: 'test delivery from Assay' }, startsAt: now.toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'test' }],
        }),
      };
    case 'slack':
      return { eventType, body: JSON.stringify({ text: `Test delivery from Assay for subscription "${subscriptionName}"` }) };
    default: {
      const unknown: never = format;
      throw new Error(`unknown payload format ${String(unknown)}`);
    }
  }
}

/**
 * A subscriber event that is not an alert (e.g. `report.ready`). Alertmanager and its receivers understand only
 * alerts, so they get none: null means "do not send to this subscription".
 */
export function renderEventPayload(
  format: PayloadFormat,
  type: string,
  data: Record<string, unknown>,
  text: string,
  now: Date,
): RenderedPayload | null {
  switch (format) {
    case 'assay':
      return { eventType: type, body: JSON.stringify({ type, timestamp: now.toISOString(), data }) };
    case 'slack':
      return { eventType: type, body: JSON.stringify({ text }) };
    case 'alertmanager':
    case 'alertmanager-api':
      return null;
    default: {
      const unknown: never = format;
      throw new Error(`unknown payload format ${String(unknown)}`);
    }
  }
}
