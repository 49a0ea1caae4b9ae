import { Injectable, Logger } from '@nestjs/common';
import { appMetrics } from '@assay/common';
import { formatPValue } from '@assay/format';
import {
  BaselineRepository, CheckRunRepository, MonitorRepository, WindowRepository,
  type BaselineEntity, type CheckRunEntity, type MonitorEntity, type NewCheckRun,
} from '@assay/db';
import { LedgerKind, LedgerService } from '@assay/ledger';
import { computeAggregates, type Sample } from '@assay/policy';
import { digestOf } from '@assay/provenance';
import { adjustPValues, SignalProfile, type DriftMethod, type DriftResult, type ReferenceNulls, type SignalProfileJSON } from '@assay/stats';
import { evaluateDrift, evaluatePolicy, policyReferences, verdictAfterCorrection } from './core/check-evaluation.js';
import { explainDrift, explainPolicy, withCorrection, type CheckExplanation } from './core/check-explanation.js';
import { aggregatesFromProfiles } from './core/profile-aggregates.js';
import { windowOf } from './monitors.service.js';
import { WindowReader, type WindowData } from './window-reader.service.js';

const workerMetrics = appMetrics('worker');

export type CheckRunListener = (runs: CheckRunEntity[]) => Promise<void>;

const checkRuns = workerMetrics.counter('assay_check_runs_total', 'Check runs stored, by kind and verdict', ['kind', 'verdict'] as const);

const finite = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value;

interface ResolvedScope {
  /** The versions whose traffic is judged; null for all traffic. */
  versions: readonly string[] | null;
  /** Said in the run's reason when the scope could not be applied as set. */
  note: string | null;
}

/** A monitor's version scope as it applies now: 'production' follows promotions. */
export function resolveScope(monitor: Pick<MonitorEntity, 'versionScope' | 'versions'>, productionVersion: string | null): ResolvedScope {
  switch (monitor.versionScope) {
    case 'all':
      return { versions: null, note: null };
    case 'list':
      return { versions: monitor.versions ?? [], note: null };
    case 'production':
      // A model nobody has promoted yet has no production traffic to tell apart: all of it is judged.
      return productionVersion === null
        ? { versions: null, note: 'no version of the model is in production, so all its traffic was judged' }
        : { versions: [productionVersion], note: null };
  }
}

interface BaselineReference {
  profile: SignalProfile;
  digest: string;
  nulls?: ReferenceNulls;
}

interface Evaluated {
  run: NewCheckRun;
  drift: DriftResult | null;
}

@Injectable()
export class CheckRunner {
  private readonly logger = new Logger('CheckRunner');
  private readonly listeners: CheckRunListener[] = [];

  constructor(
    private readonly monitors: MonitorRepository,
    private readonly baselines: BaselineRepository,
    private readonly runs: CheckRunRepository,
    private readonly windowRows: WindowRepository,
    private readonly windows: WindowReader,
    private readonly ledger: LedgerService,
  ) {}

  // Alerting subscribes here, so that a verdict reaches its owners once it is stored.
  onStored(listener: CheckRunListener): void {
    this.listeners.push(listener);
  }

  async tick(modelId: string, scheduleSeconds: number, tickMs: number): Promise<CheckRunEntity[]> {
    const monitors = await this.monitors.listScheduled(modelId, scheduleSeconds);
    if (monitors.length === 0) return [];
    const correction = await this.monitors.correctionFor(modelId);
    const end = new Date(tickMs);
    const evaluated = await this.evaluateAll(monitors, end, 'schedule');
    const pValues = evaluated.map((e) => e.drift?.pValue ?? null);
    const adjusted = adjustPValues(pValues, correction);
    evaluated.forEach((e, i) => {
      if (!e.drift || e.drift.pValue === null) return;
      e.run.correction = correction;
      e.run.adjustedPValue = finite(adjusted[i]);
      e.run.verdict = verdictAfterCorrection(e.drift, adjusted[i]);
      if (correction !== 'none' && e.run.verdict !== (e.drift.drifted ? 'drift' : 'ok')) {
        e.run.reason = `${e.run.reason}; after ${correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'} correction across ${monitors.length} checks ${formatPValue(adjusted[i])}`;
      }
      if (e.run.explanation) {
        e.run.explanation = withCorrection(e.run.explanation as unknown as CheckExplanation, correction, e.run.adjustedPValue, e.run.verdict, e.run.reason) as unknown as Record<string, unknown>;
      }
    });
    return this.store(evaluated.map((e) => e.run));
  }

  async runNow(monitorId: string, at: Date): Promise<CheckRunEntity[]> {
    const monitor = await this.monitors.findById(monitorId);
    if (!monitor) return [];
    const evaluated = await this.evaluateAll([monitor], at, 'manual');
    return this.store(evaluated.map((e) => e.run));
  }

  private async evaluateAll(monitors: MonitorEntity[], end: Date, trigger: 'schedule' | 'manual'): Promise<Evaluated[]> {
    const windowCache = new Map<string, Promise<WindowData>>();
    const baselineCache = new Map<string, Promise<BaselineEntity | null>>();
    const productionCache = new Map<string, Promise<string | null>>();
    const productionOf = (modelId: string): Promise<string | null> => {
      if (!productionCache.has(modelId)) productionCache.set(modelId, this.windowRows.productionVersion(modelId));
      return productionCache.get(modelId)!;
    };
    const results: Evaluated[] = [];
    for (const monitor of monitors) {
      const spec = windowOf(monitor);
      const scope = resolveScope(monitor, await productionOf(monitor.modelId));
      const versionsKey = scope.versions?.join('\u0000') ?? '*';
      const windowKey = `${versionsKey}|${spec.type}|${monitor.windowSize}`;
      if (!windowCache.has(windowKey)) windowCache.set(windowKey, this.windows.read(monitor.modelId, scope.versions, spec, end));
      const baselineKey = `${monitor.baselineId ?? ''}|${versionsKey}`;
      if (!baselineCache.has(baselineKey)) baselineCache.set(baselineKey, this.baselineFor(monitor, scope, productionOf));
      const [window, baseline] = await Promise.all([windowCache.get(windowKey)!, baselineCache.get(baselineKey)!]);
      const evaluated = monitor.kind === 'drift' ? await this.drift(monitor, window, baseline, trigger) : await this.policy(monitor, window, baseline, trigger);
      evaluated.run.version = scope.versions?.length === 1 ? scope.versions[0] : null;
      evaluated.run.versionScope = monitor.versionScope;
      evaluated.run.versions = scope.versions === null ? null : [...scope.versions];
      if (scope.note) evaluated.run.reason = `${evaluated.run.reason}; ${scope.note}`;
      results.push(evaluated);
    }
    return results;
  }

  // The baseline named, else the latest of the one version judged (the production version for
  // several or all), else the latest of any version.
  private async baselineFor(monitor: MonitorEntity, scope: ResolvedScope, productionOf: (modelId: string) => Promise<string | null>): Promise<BaselineEntity | null> {
    if (monitor.baselineId) {
      return this.baselines.findForProject(monitor.projectId, monitor.baselineId);
    }
    const version = scope.versions?.length === 1 ? scope.versions[0] : await productionOf(monitor.modelId);
    return (version ? await this.baselines.latestFor(monitor.modelId, version) : null) ?? this.baselines.latestFor(monitor.modelId, null);
  }

  private async baselineProfiles(baseline: BaselineEntity | null, signals: string[], withNulls = false): Promise<Map<string, BaselineReference>> {
    const result = new Map<string, BaselineReference>();
    if (!baseline || signals.length === 0) return result;
    const rows = withNulls ? await this.baselines.signalsWithNulls(baseline.id, signals) : await this.baselines.signals(baseline.id, signals);
    for (const row of rows) {
      const nulls = (row.nulls ?? undefined) as unknown as ReferenceNulls | undefined;
      result.set(row.signal, { profile: SignalProfile.fromJSON(row.profile as unknown as SignalProfileJSON), digest: row.digest, nulls });
    }
    return result;
  }

  private base(monitor: MonitorEntity, window: WindowData, baseline: BaselineEntity | null, trigger: 'schedule' | 'manual'): NewCheckRun {
    return {
      projectId: monitor.projectId,
      modelId: monitor.modelId,
      monitorId: monitor.id,
      kind: monitor.kind,
      trigger,
      signal: monitor.signal,
      version: null,
      versionScope: null,
      versions: null,
      windowFrom: window.from,
      windowTo: window.to,
      method: monitor.kind === 'drift' ? monitor.method : 'policy',
      statistic: null,
      pValue: null,
      adjustedPValue: null,
      correction: 'none',
      threshold: monitor.threshold,
      alpha: null,
      noiseFloor: null,
      effectSize: null,
      nReference: 0,
      nCurrent: 0,
      exact: window.exact,
      errorBound: null,
      verdict: 'insufficient_data',
      reason: '',
      severity: monitor.severity,
      baselineId: baseline?.id ?? null,
      referenceDigest: null,
      currentDigest: null,
      details: {},
      explanation: null,
    };
  }

  private async drift(monitor: MonitorEntity, window: WindowData, baseline: BaselineEntity | null, trigger: 'schedule' | 'manual'): Promise<Evaluated> {
    const run = this.base(monitor, window, baseline, trigger);
    const signal = monitor.signal!;
    const reference = (await this.baselineProfiles(baseline, [signal], true)).get(signal) ?? null;
    const current = await window.profile(signal);
    const outcome = evaluateDrift({
      method: monitor.method as DriftMethod,
      threshold: monitor.threshold,
      alpha: monitor.alpha,
      minSamples: monitor.minSamples,
      referenceKey: reference?.digest,
      referenceNulls: reference?.nulls,
      reference: reference?.profile ?? null,
      current,
    });
    run.verdict = outcome.verdict;
    run.reason = baseline ? outcome.reason : 'no baseline to compare with: capture or upload one for this model';
    run.nReference = outcome.nReference;
    run.nCurrent = outcome.nCurrent;
    run.referenceDigest = reference?.digest ?? null;
    run.currentDigest = current ? digestOf(current.toJSON() as unknown as Record<string, unknown>) : null;
    const result = outcome.result;
    if (result) {
      run.method = result.method;
      run.statistic = finite(result.statistic);
      run.pValue = finite(result.pValue);
      run.threshold = finite(result.threshold);
      run.alpha = result.alpha;
      run.noiseFloor = finite(result.noiseFloor);
      run.effectSize = finite(result.effectSize);
      run.exact = result.exact;
      run.errorBound = finite(result.errorBound);
      if (result.degreesOfFreedom !== undefined) run.details = { degreesOfFreedom: result.degreesOfFreedom };
    }
    run.explanation = explainDrift({
      signal, requestedMethod: monitor.method, methodSetBy: 'set on the monitor', verdict: run.verdict, reason: run.reason,
      reference: reference?.profile ?? null, current, result,
    }) as unknown as Record<string, unknown>;
    return { run, drift: result };
  }

  private async policy(monitor: MonitorEntity, window: WindowData, baseline: BaselineEntity | null, trigger: 'schedule' | 'manual'): Promise<Evaluated> {
    const run = this.base(monitor, window, baseline, trigger);
    const refs = policyReferences(monitor.rule!);
    const windowSignals = [...new Set(refs.window.flatMap((r) => (r.signal ? [r.signal] : r.predicate ? predicateSignalsOf(r.predicate) : [])))];
    const baselineSignals = [...new Set(refs.baseline.flatMap((r) => (r.signal ? [r.signal] : r.predicate ? predicateSignalsOf(r.predicate) : [])))];
    let windowValues: Map<string, number | null>;
    if (window.samples) {
      windowValues = computeAggregates(refs.window, window.samples.map((s) => s.signals as Sample));
    } else {
      const profiles = new Map<string, SignalProfile>();
      for (const signal of windowSignals) {
        const profile = await window.profile(signal);
        if (profile) profiles.set(signal, profile);
      }
      windowValues = aggregatesFromProfiles(refs.window, profiles, window.count);
    }
    const reference = await this.baselineProfiles(baseline, baselineSignals);
    const baselineValues = aggregatesFromProfiles(
      refs.baseline,
      new Map([...reference].map(([signal, r]) => [signal, r.profile])),
      baseline?.sampleCount ?? 0,
    );
    const values = new Map([...windowValues, ...baselineValues]);
    const outcome = evaluatePolicy(monitor.rule!, values, window.count, monitor.minSamples);
    run.verdict = outcome.verdict;
    run.reason = refs.baseline.length > 0 && !baseline ? 'the rule refers to the baseline, and the model has none' : outcome.reason;
    if (refs.baseline.length > 0 && !baseline) run.verdict = 'insufficient_data';
    run.statistic = finite(outcome.left);
    run.threshold = finite(outcome.right);
    run.nCurrent = window.count;
    run.nReference = baseline?.sampleCount ?? 0;
    run.referenceDigest = baseline ? digestOf({ signals: Object.fromEntries([...reference].map(([s, r]) => [s, r.digest])) }) : null;
    run.currentDigest = digestOf({ values: Object.fromEntries([...windowValues].map(([k, v]) => [k, finite(v)])) });
    run.details = {
      rule: monitor.rule,
      operator: outcome.operator,
      values: Object.fromEntries([...values].map(([k, v]) => [k, finite(v)])),
    };
    run.explanation = (await this.explainPolicyRun(monitor, run, outcome, refs, values, window, baseline, windowSignals)) as unknown as Record<string, unknown>;
    return { run, drift: null };
  }

  // Baseline against window for the signals a rule reads (a few at most), so that a breach shows what moved.
  private async explainPolicyRun(
    monitor: MonitorEntity,
    run: NewCheckRun,
    outcome: ReturnType<typeof evaluatePolicy>,
    refs: ReturnType<typeof policyReferences>,
    values: ReadonlyMap<string, number | null>,
    window: WindowData,
    baseline: BaselineEntity | null,
    windowSignals: string[],
  ): Promise<CheckExplanation> {
    const signals = windowSignals.slice(0, 3);
    const references = await this.baselineProfiles(baseline, signals);
    const profiles = [];
    for (const signal of signals) profiles.push({ signal, reference: references.get(signal)?.profile ?? null, current: await window.profile(signal) });
    return explainPolicy({
      rule: monitor.rule!, operator: outcome.operator, left: outcome.left, right: outcome.right, verdict: run.verdict, reason: run.reason,
      refs: [...refs.window, ...refs.baseline], values, profiles,
    });
  }

  private async store(runs: NewCheckRun[]): Promise<CheckRunEntity[]> {
    const stored = await this.runs.insertRuns(runs, async (manager, run) => {
      const appended = await this.ledger.append(
        {
          kind: run.kind === 'drift' ? LedgerKind.CheckRun : LedgerKind.PolicyEvaluation,
          projectId: run.projectId,
          subject: `check_run:${run.id}`,
          body: ledgerBodyOf(run),
        },
        manager,
      );
      return appended.index;
    });
    for (const run of stored) checkRuns.inc({ kind: run.kind, verdict: run.verdict });
    for (const listener of this.listeners) {
      await listener(stored).catch((error: Error) => this.logger.error(`a check-run listener failed: ${error.message}`));
    }
    return stored;
  }
}

function predicateSignalsOf(predicate: NonNullable<ReturnType<typeof policyReferences>['window'][number]['predicate']>): string[] {
  switch (predicate.kind) {
    case 'compare':
    case 'in':
      return [predicate.signal];
    case 'not':
      return predicateSignalsOf(predicate.operand);
    case 'and':
    case 'or':
      return [...predicateSignalsOf(predicate.left), ...predicateSignalsOf(predicate.right)];
  }
}

export function ledgerBodyOf(run: CheckRunEntity): Record<string, unknown> {
  return {
    checkRunId: run.id,
    modelId: run.modelId,
    monitorId: run.monitorId,
    kind: run.kind,
    trigger: run.trigger,
    signal: run.signal,
    version: run.version,
    // Runs stored before version scopes have neither, and their signed bodies must stay as they were.
    ...(run.versionScope === null ? {} : { versionScope: run.versionScope, versions: run.versions }),
    windowFrom: run.windowFrom?.toISOString() ?? null,
    windowTo: run.windowTo.toISOString(),
    method: run.method,
    statistic: run.statistic,
    pValue: run.pValue,
    adjustedPValue: run.adjustedPValue,
    correction: run.correction,
    threshold: run.threshold,
    alpha: run.alpha,
    noiseFloor: run.noiseFloor,
    effectSize: run.effectSize,
    nReference: run.nReference,
    nCurrent: run.nCurrent,
    exact: run.exact,
    errorBound: run.errorBound,
    verdict: run.verdict,
    reason: run.reason,
    severity: run.severity,
    baselineId: run.baselineId,
    referenceDigest: run.referenceDigest,
    currentDigest: run.currentDigest,
    details: run.details,
    // Entries from before explanations existed have no such field; theirs still verify as they were signed.
    ...(run.explanation ? { explanation: run.explanation } : {}),
  };
}
