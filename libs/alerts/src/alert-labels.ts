import { createHash } from 'node:crypto';
import type { GroupLabel, MonitorKind, Severity, SilenceMatcher } from '@assay/db';

export const GROUP_LABELS: readonly GroupLabel[] = ['model', 'monitor', 'severity', 'kind'];

export interface AlertIdentity {
  projectId: string;
  modelId: string;
  monitorId: string;
  signal: string | null;
}

/** Repeats of the same (project, model, monitor or policy, signal) update one alert. */
export function alertFingerprint(identity: AlertIdentity): string {
  return createHash('sha256')
    .update([identity.projectId, identity.modelId, identity.monitorId, identity.signal ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

export interface LabelSource {
  projectId: string;
  modelName: string;
  monitorName: string;
  kind: MonitorKind;
  severity: Severity;
  signal: string | null;
}

export function alertLabels(source: LabelSource): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: source.monitorName,
    project: source.projectId,
    model: source.modelName,
    monitor: source.monitorName,
    kind: source.kind,
    severity: source.severity,
  };
  if (source.signal !== null) labels.signal = source.signal;
  return labels;
}

export interface SubscriptionFilter {
  models: readonly string[];
  severities: readonly string[];
  kinds: readonly string[];
}

/** An empty list in the filter lets everything through. */
export function matchesFilter(filter: SubscriptionFilter, labels: Record<string, string>): boolean {
  const pass = (list: readonly string[], value: string | undefined): boolean => list.length === 0 || (value !== undefined && list.includes(value));
  return pass(filter.models, labels.model) && pass(filter.severities, labels.severity) && pass(filter.kinds, labels.kind);
}

export function groupLabelsOf(groupBy: readonly GroupLabel[], labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries([...groupBy].sort().map((label) => [label, labels[label] ?? '']));
}

export function groupKeyOf(subscriptionId: string, groupLabels: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(groupLabels).sort(([a], [b]) => a.localeCompare(b)));
  return `${subscriptionId}/${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

export interface SilenceWindow {
  matchers: readonly SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
}

export function isSilenced(silences: readonly SilenceWindow[], labels: Record<string, string>, at: Date): boolean {
  return silences.some(
    (silence) =>
      silence.startsAt <= at &&
      at < silence.endsAt &&
      silence.matchers.every((m) => ((labels[m.label] ?? '') === m.value) === (m.op === '=')),
  );
}
