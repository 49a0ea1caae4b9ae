import type { AlertEntity } from '@assay/db';

export interface AlertView {
  id: string;
  fingerprint: string;
  status: AlertEntity['status'];
  severity: AlertEntity['severity'];
  kind: AlertEntity['kind'];
  /** Null on a vendor-dependency alert, which is about the project's provider mix. */
  modelId: string | null;
  monitorId: string | null;
  /** The monitor's or policy's name when the alert fired. */
  monitorName: string | null;
  signal: string | null;
  labels: Record<string, string>;
  summary: string;
  /** The latest failing run's explanation (baseline vs current, the test, one sentence); null on older alerts. */
  explanation: Record<string, unknown> | null;
  occurrences: number;
  firstCheckRunId: string | null;
  lastCheckRunId: string | null;
  lastVerdict: string;
  startedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolveNote: string | null;
  updatedAt: string;
}

export function alertView(alert: AlertEntity): AlertView {
  return {
    id: alert.id,
    fingerprint: alert.fingerprint,
    status: alert.status,
    severity: alert.severity,
    kind: alert.kind,
    modelId: alert.modelId,
    monitorId: alert.monitorId,
    monitorName: alert.labels.monitor ?? null,
    signal: alert.signal,
    labels: alert.labels,
    summary: alert.summary,
    explanation: alert.explanation ?? null,
    occurrences: alert.occurrences,
    firstCheckRunId: alert.firstCheckRunId,
    lastCheckRunId: alert.lastCheckRunId,
    lastVerdict: alert.lastVerdict,
    startedAt: alert.startedAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgeNote: alert.acknowledgeNote,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    resolvedBy: alert.resolvedBy,
    resolveNote: alert.resolveNote,
    updatedAt: alert.updatedAt.toISOString(),
  };
}
