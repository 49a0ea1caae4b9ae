import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AlertRepository, CheckRunRepository, ModelRepository, MonitorRepository, VendorShareRepository,
  type AlertEntity, type AlertFilter, type AlertTransition, type CheckRunEntity, type FailingRunForAlert, type PassingRunForAlert,
} from '@assay/db';
import { APP_METRICS, DomainError, ErrorCode, notFound, type AppMetrics } from '@assay/common';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { alertFingerprint, alertLabels } from './alert-labels.js';
import { AlertEvents, type AlertEvent } from './alert-events.service.js';
import { alertView } from './alert-view.js';
import { NotificationScheduler } from './notification-scheduler.service.js';
import { vendorLabels, type VendorFinding } from './vendor-share.js';

interface FailingRun {
  run: CheckRunEntity;
  monitorName: string;
  streak: number;
  alertAfter: number;
}

export interface Actor {
  projectId: string;
  by: string;
}

@Injectable()
export class AlertsService {
  // Owners acknowledge and resolve through the API, the worker fires and resolves: each app counts its own.
  private readonly transitions;

  constructor(
    @Inject(APP_METRICS) metrics: AppMetrics,
    private readonly alerts: AlertRepository,
    private readonly monitors: MonitorRepository,
    private readonly checkRuns: CheckRunRepository,
    private readonly models: ModelRepository,
    private readonly ledger: LedgerService,
    private readonly events: AlertEvents,
    private readonly scheduler: NotificationScheduler,
    private readonly vendorAlerts: VendorShareRepository,
  ) {
    this.transitions = metrics.counter('assay_alert_transitions_total', 'Alert transitions, by transition', ['transition'] as const);
  }

  /**
   * Called by the monitoring loop once a tick's runs are stored. A drift or breach fires the alert of its
   * fingerprint once its monitor has failed `alertAfter` windows in a row, and updates it while it is open;
   * a passing run resolves it, insufficient data changes nothing.
   */
  async processCheckRuns(runs: CheckRunEntity[]): Promise<void> {
    const latest = new Map<string, CheckRunEntity>();
    for (const run of runs) {
      if (run.verdict === 'insufficient_data') continue;
      const fingerprint = alertFingerprint(run);
      const seen = latest.get(fingerprint);
      if (!seen || seen.windowTo <= run.windowTo) latest.set(fingerprint, run);
    }
    if (latest.size === 0) return;
    const failingRuns = [...latest].filter(([, run]) => run.verdict === 'drift' || run.verdict === 'breach');
    const passing: PassingRunForAlert[] = [...latest]
      .filter(([, run]) => run.verdict === 'ok')
      .map(([fingerprint, run]) => ({ fingerprint, checkRunId: run.id, at: run.windowTo }));
    // The common case, everything passing and nothing open, costs this one query.
    const open = new Set((await this.alerts.openByFingerprints([...latest.keys()])).map((a) => a.fingerprint));
    if (failingRuns.length === 0 && open.size === 0) return;
    const failing = await this.describeFailures(await this.persistentFailures(failingRuns, open));
    const { changed, updated } = await this.alerts.applyRuns(failing, passing, (manager, change) => this.record(manager, change, 'assay', null));
    await this.announce(changed, updated);
  }

  /** Fires or updates the vendor-dependency alert of each provider over the limit and resolves the others' open ones. */
  async processVendorFindings(projectId: string, findings: readonly VendorFinding[], maxShare: number | null, at: Date): Promise<void> {
    const firing = findings.filter((f) => f.over).map((f) => ({
      projectId,
      fingerprint: f.fingerprint,
      provider: f.provider,
      severity: 'warning' as const,
      labels: vendorLabels(projectId, f.provider),
      summary: f.sentence,
      explanation: { kind: 'vendor', sentence: f.sentence, provider: f.provider, spendUsd: f.share.spendUsd, spendShare: f.share.spendShare, maxProviderSpendShare: maxShare },
      at,
    }));
    const resolving = findings.filter((f) => !f.over).map((f) => ({ fingerprint: f.fingerprint, note: `resolved automatically: ${f.sentence}`, at }));
    if (firing.length === 0 && resolving.length === 0) return;
    const { changed, updated } = await this.vendorAlerts.apply(firing, resolving, (manager, change) => this.record(manager, change, 'assay', null));
    await this.announce(changed, updated);
  }

  list(filter: AlertFilter): Promise<AlertEntity[]> {
    return this.alerts.list(filter);
  }

  async get(projectId: string, id: string): Promise<AlertEntity> {
    const alert = await this.alerts.findForProject(projectId, id);
    if (!alert) throw notFound(`alert ${id}`);
    return alert;
  }

  acknowledge(actor: Actor, id: string, note: string | null): Promise<AlertEntity> {
    return this.transitionByHand(actor, id, 'acknowledged', note);
  }

  resolve(actor: Actor, id: string, note: string | null): Promise<AlertEntity> {
    return this.transitionByHand(actor, id, 'resolved', note);
  }

  private async transitionByHand(actor: Actor, id: string, to: 'acknowledged' | 'resolved', note: string | null): Promise<AlertEntity> {
    const alert = await this.alerts.transition({ projectId: actor.projectId, id, to, by: actor.by, note }, (manager, change) =>
      this.record(manager, change, actor.by, note),
    );
    if (!alert) {
      const current = await this.get(actor.projectId, id);
      throw new DomainError(ErrorCode.Conflict, `alert ${id} is ${current.status}; it cannot be ${to}`);
    }
    await this.announce([{ alert, transition: to }], []);
    return alert;
  }

  /**
   * A failing run opens an alert only when it ends a streak of `alertAfter` failing windows of its monitor;
   * it updates an alert that is already open whatever the streak.
   */
  private async persistentFailures(runs: Array<[string, CheckRunEntity]>, open: ReadonlySet<string>): Promise<Array<[string, FailingRun]>> {
    const kept: Array<[string, FailingRun]> = [];
    for (const [fingerprint, run] of runs) {
      const monitor = await this.monitors.findById(run.monitorId);
      const alertAfter = monitor?.alertAfter ?? 1;
      const streak = alertAfter > 1 ? await this.checkRuns.failingStreak(run.monitorId, run.signal, run.windowTo, alertAfter) : 1;
      if (!open.has(fingerprint) && streak < alertAfter) continue;
      kept.push([fingerprint, { run, monitorName: monitor?.name ?? run.monitorId, streak, alertAfter }]);
    }
    return kept;
  }

  private async describeFailures(runs: Array<[string, FailingRun]>): Promise<FailingRunForAlert[]> {
    const modelNames = new Map<string, string>();
    for (const [, { run }] of runs) {
      if (!modelNames.has(run.modelId)) modelNames.set(run.modelId, (await this.models.findById(run.modelId))?.name ?? run.modelId);
    }
    return runs.map(([fingerprint, { run, monitorName, streak, alertAfter }]) => {
      const inARow = alertAfter > 1 ? ` (${streak} failing windows in a row)` : '';
      const sentence = typeof run.explanation?.sentence === 'string' ? run.explanation.sentence : null;
      return {
        projectId: run.projectId,
        modelId: run.modelId,
        monitorId: run.monitorId,
        kind: run.kind,
        signal: run.signal,
        fingerprint,
        severity: run.severity,
        labels: alertLabels({ projectId: run.projectId, modelName: modelNames.get(run.modelId)!, monitorName, kind: run.kind, severity: run.severity, signal: run.signal }),
        summary: `${run.kind === 'drift' ? 'drift' : 'policy breach'} on ${monitorName}${inARow}: ${sentence ?? run.reason}`.slice(0, 2000),
        explanation: run.explanation ?? null,
        checkRunId: run.id,
        verdict: run.verdict,
        at: run.windowTo,
      };
    });
  }

  private async record(manager: EntityManager, change: AlertTransition, by: string, note: string | null): Promise<void> {
    const { alert, transition } = change;
    const appended = await this.ledger.append(
      {
        kind: LedgerKind.AlertTransition,
        projectId: alert.projectId,
        subject: `alert/${alert.id}`,
        // Entries from before the monitor's id and name were recorded lack those fields and verify as signed.
        body: {
          transition,
          alertId: alert.id,
          fingerprint: alert.fingerprint,
          status: alert.status,
          severity: alert.severity,
          labels: alert.labels,
          checkRunId: alert.lastCheckRunId,
          by,
          note,
          modelId: alert.modelId,
          model: alert.labels.model ?? null,
          monitorKind: alert.kind === 'policy' ? 'policy' : alert.kind === 'vendor' ? 'vendor' : 'monitor',
          monitorId: alert.monitorId,
          monitorName: alert.labels.monitor ?? null,
          signal: alert.signal,
          summary: alert.summary,
        },
      },
      manager,
    );
    // The latest transition's entry is the one an audit report bundles for this alert.
    await manager.query(`UPDATE alerts SET ledger_index = $2 WHERE id = $1`, [alert.id, appended.index]);
  }

  private async announce(changed: AlertTransition[], updated: AlertEntity[]): Promise<void> {
    for (const change of changed) this.transitions.inc({ transition: change.transition });
    const events: AlertEvent[] = [
      ...changed.map(({ alert, transition }) => ({ type: `alert.${transition}` as AlertEvent['type'], projectId: alert.projectId, alert: alertView(alert) })),
      ...updated.map((alert) => ({ type: 'alert.updated' as const, projectId: alert.projectId, alert: alertView(alert) })),
    ];
    await this.events.publish(events);
    await this.scheduler.alertsChanged(changed.map((c) => c.alert), false);
    // A subscription created after an alert fired starts hearing about it at the alert's next repeat.
    await this.scheduler.alertsChanged(updated, true);
  }
}
