// Renaming a queue or a job strands the jobs already waiting under the old name in Redis:
// add a new name and drain the old one instead.
export enum QueueName {
  Maintenance = 'maintenance',
  DriftCheck = 'drift-check',
  PolicyCheck = 'policy-check',
  AlertDelivery = 'alert-delivery',
  ReportBuild = 'report-build',
  LedgerCheckpoint = 'ledger-checkpoint',
}

export enum JobName {
  DiagnosticsRoundtrip = 'diagnostics.roundtrip',
  LedgerCheckpoint = 'ledger.checkpoint',
  LedgerVerify = 'ledger.verify',
  MonitorTick = 'monitor.tick',
  MonitorRun = 'monitor.run',
  RetentionSweep = 'retention.sweep',
  ReportBuild = 'report.build',
  ReportScheduled = 'report.scheduled',
  TieringReportBuild = 'tiering-report.build',
  VendorShareCheck = 'vendor-share.check',
  AlertNotify = 'alert.notify',
  WebhookDeliver = 'webhook.deliver',
}

export interface JobPayloads {
  [JobName.DiagnosticsRoundtrip]: { runId: string; projectId: string | null; requestedAt: string };
  [JobName.LedgerCheckpoint]: Record<string, never>;
  [JobName.LedgerVerify]: Record<string, never>;
  [JobName.MonitorTick]: { modelId: string; scheduleSeconds: number };
  [JobName.MonitorRun]: { monitorId: string; at: string };
  [JobName.RetentionSweep]: Record<string, never>;
  [JobName.ReportBuild]: { reportId: string };
  [JobName.ReportScheduled]: { modelId: string };
  [JobName.TieringReportBuild]: { reportId: string };
  [JobName.VendorShareCheck]: Record<string, never>;
  [JobName.AlertNotify]: { subscriptionId: string; groupKey: string; at: number };
  [JobName.WebhookDeliver]: { deliveryId: string; attempt: number };
}

export const JOB_QUEUE: { readonly [K in JobName]: QueueName } = {
  [JobName.DiagnosticsRoundtrip]: QueueName.Maintenance,
  [JobName.LedgerCheckpoint]: QueueName.LedgerCheckpoint,
  [JobName.LedgerVerify]: QueueName.LedgerCheckpoint,
  [JobName.MonitorTick]: QueueName.DriftCheck,
  [JobName.MonitorRun]: QueueName.DriftCheck,
  [JobName.RetentionSweep]: QueueName.Maintenance,
  [JobName.ReportBuild]: QueueName.ReportBuild,
  [JobName.ReportScheduled]: QueueName.ReportBuild,
  [JobName.TieringReportBuild]: QueueName.ReportBuild,
  [JobName.VendorShareCheck]: QueueName.Maintenance,
  [JobName.AlertNotify]: QueueName.AlertDelivery,
  [JobName.WebhookDeliver]: QueueName.AlertDelivery,
};

export type JobItem = { [K in JobName]: { name: K; data: JobPayloads[K] } }[JobName];
export type JobOf<K extends JobName> = Extract<JobItem, { name: K }>;

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);
