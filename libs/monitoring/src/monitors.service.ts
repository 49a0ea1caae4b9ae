import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, badInput, notFound } from '@assay/common';
import { BaselineRepository, MonitorRepository, WindowRepository, isUniqueViolation, type Correction, type MonitorEntity, type MonitorKind, type NewMonitor, type Severity, type VersionScope } from '@assay/db';
import { PolicyParseError, parsePolicyRule } from '@assay/policy';
import { alphaProblem, DEFAULT_ALPHA, SignalProfile, thresholdProblem, type DriftMethod, type SignalProfileJSON } from '@assay/stats';
import { effectiveSettings } from './core/check-evaluation.js';
import { ModelResolver } from './model-resolver.js';
import { MonitorSchedules } from './monitor-schedules.service.js';
import type { WindowSpec } from './window-reader.service.js';

export interface MonitorInput {
  name: string;
  signal?: string;
  method?: DriftMethod;
  threshold?: number | null;
  alpha?: number | null;
  rule?: string;
  window: WindowSpec;
  minSamples?: number;
  severity?: Severity;
  /** Consecutive failing windows before an alert opens. */
  alertAfter?: number;
  scheduleSeconds: number;
  /** Whose traffic is judged: 'production' (the default), 'all', or the listed versions. */
  versions?: 'production' | 'all' | string[];
  /** One version: the same as `versions: [version]`. */
  version?: string | null;
  baselineId?: string | null;
  enabled?: boolean;
}

export type MonitorPatch = Partial<Omit<MonitorInput, 'name'>>;

export const MAX_SCOPE_VERSIONS = 20;

/**
 * At the default alpha of 0.01 a window of unchanged traffic drifts by chance once in a hundred; an alert
 * waits for three in a row, about once in a million windows (an hour of one-minute checks: about 6 in
 * 100,000), while a real shift keeps drifting and alerts on its third window.
 */
export const DEFAULT_DRIFT_ALERT_AFTER = 3;
export const DEFAULT_POLICY_ALERT_AFTER = 1;
export const MAX_ALERT_AFTER = 100;

/** The stored scope of `versions` / `version` as given; undefined when neither is. */
export function scopeOf(input: Pick<MonitorInput, 'versions' | 'version'>): { versionScope: VersionScope; versions: string[] | null } | undefined {
  const { versions, version } = input;
  if (versions !== undefined && version !== undefined && version !== null) {
    const same = Array.isArray(versions) && versions.length === 1 && versions[0] === version;
    if (!same) throw badInput('give either "versions" or "version", not both');
  }
  if (versions === 'production' || versions === 'all') return { versionScope: versions, versions: null };
  if (Array.isArray(versions)) {
    const distinct = [...new Set(versions)];
    if (distinct.length === 0 || distinct.length > MAX_SCOPE_VERSIONS) throw badInput(`"versions" must list 1 to ${MAX_SCOPE_VERSIONS} versions, or be "production" or "all"`);
    return { versionScope: 'list', versions: distinct };
  }
  if (versions !== undefined) throw badInput('"versions" must be "production", "all" or a list of versions');
  if (version === null) return { versionScope: 'all', versions: null };
  if (version !== undefined) return { versionScope: 'list', versions: [version] };
  return undefined;
}

export function windowOf(monitor: MonitorEntity): WindowSpec {
  return monitor.windowType === 'time'
    ? { type: 'time', seconds: monitor.windowSize }
    : { type: 'count', samples: monitor.windowSize };
}

// A bad rule is refused where it is written, pointing at the column that is wrong.
export function validateRule(rule: string): void {
  try {
    parsePolicyRule(rule);
  } catch (error) {
    if (error instanceof PolicyParseError) {
      throw new DomainError(ErrorCode.BadInput, `rule: ${error.message} (column ${error.column})`, {
        position: error.position,
        column: error.column,
        pointer: error.pointer,
      });
    }
    throw error;
  }
}

@Injectable()
export class MonitorsService {
  private readonly logger = new Logger('Monitors');

  constructor(
    private readonly monitors: MonitorRepository,
    private readonly baselines: BaselineRepository,
    private readonly models: ModelResolver,
    private readonly schedules: MonitorSchedules,
    private readonly windowRows: WindowRepository,
  ) {}

  async create(projectId: string, modelName: string, kind: MonitorKind, input: MonitorInput): Promise<MonitorEntity> {
    const model = await this.models.resolve(projectId, modelName);
    if (kind === 'drift' && (!input.signal || !input.method)) throw badInput('a drift monitor needs "signal" and "method"');
    if (kind === 'drift') checkThreshold(input.method!, input.threshold);
    if (kind === 'drift') checkAlpha(input.alpha);
    if (kind === 'policy') {
      if (!input.rule) throw badInput('a policy needs "rule"');
      validateRule(input.rule);
    }
    const scope = scopeOf(input) ?? { versionScope: 'production', versions: null };
    for (const version of scope.versions ?? []) await this.models.requireVersion(model, version);
    if (input.baselineId) await this.requireBaseline(projectId, model.id, input.baselineId);
    const record: NewMonitor = {
      projectId,
      modelId: model.id,
      name: input.name,
      kind,
      signal: kind === 'drift' ? input.signal! : null,
      method: kind === 'drift' ? input.method! : null,
      threshold: kind === 'drift' ? input.threshold ?? null : null,
      alpha: kind === 'drift' ? input.alpha ?? DEFAULT_ALPHA : null,
      rule: kind === 'policy' ? input.rule! : null,
      windowType: input.window.type,
      windowSize: input.window.type === 'time' ? input.window.seconds : input.window.samples,
      minSamples: input.minSamples ?? 30,
      severity: input.severity ?? 'warning',
      alertAfter: input.alertAfter ?? (kind === 'drift' ? DEFAULT_DRIFT_ALERT_AFTER : DEFAULT_POLICY_ALERT_AFTER),
      scheduleSeconds: input.scheduleSeconds,
      ...scope,
      baselineId: input.baselineId ?? null,
      enabled: input.enabled ?? true,
    };
    if (kind === 'drift') Object.assign(record, await this.resolveSettings(record));
    let monitor: MonitorEntity;
    try {
      monitor = await this.monitors.create(record);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.Conflict, `model ${modelName} already has a ${kind === 'drift' ? 'monitor' : 'policy'} named "${input.name}"`);
      throw error;
    }
    await this.schedules.syncOrDefer(model.id, monitor.scheduleSeconds);
    return monitor;
  }

  async update(projectId: string, id: string, kind: MonitorKind, patch: MonitorPatch): Promise<MonitorEntity> {
    const existing = await this.get(projectId, id, kind);
    if (patch.rule !== undefined) validateRule(patch.rule);
    if (kind === 'drift') checkThreshold(patch.method ?? (existing.method as DriftMethod), patch.threshold === undefined ? existing.threshold : patch.threshold);
    if (kind === 'drift') checkAlpha(patch.alpha);
    if (patch.baselineId) await this.requireBaseline(projectId, existing.modelId, patch.baselineId);
    const scope = scopeOf(patch);
    if (scope?.versions) {
      const model = await this.models.byId(existing.modelId);
      for (const version of scope.versions) if (model) await this.models.requireVersion(model, version);
    }
    const changes: Partial<NewMonitor> = {};
    if (patch.signal !== undefined && kind === 'drift') changes.signal = patch.signal;
    if (patch.method !== undefined && kind === 'drift') changes.method = patch.method;
    if (patch.threshold !== undefined && kind === 'drift') changes.threshold = patch.threshold;
    if (patch.alpha !== undefined && kind === 'drift') changes.alpha = patch.alpha ?? DEFAULT_ALPHA;
    if (patch.rule !== undefined && kind === 'policy') changes.rule = patch.rule;
    if (patch.window !== undefined) {
      changes.windowType = patch.window.type;
      changes.windowSize = patch.window.type === 'time' ? patch.window.seconds : patch.window.samples;
    }
    if (patch.minSamples !== undefined) changes.minSamples = patch.minSamples;
    if (patch.severity !== undefined) changes.severity = patch.severity;
    if (patch.alertAfter !== undefined) changes.alertAfter = patch.alertAfter;
    if (patch.scheduleSeconds !== undefined) changes.scheduleSeconds = patch.scheduleSeconds;
    if (scope) Object.assign(changes, scope);
    if (patch.baselineId !== undefined) changes.baselineId = patch.baselineId;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (kind === 'drift') Object.assign(changes, await this.resolveSettings({ ...existing, ...changes }));
    const updated = await this.monitors.update(id, changes);
    await this.schedules.syncOrDefer(updated.modelId, updated.scheduleSeconds);
    if (updated.scheduleSeconds !== existing.scheduleSeconds) await this.schedules.syncOrDefer(existing.modelId, existing.scheduleSeconds);
    return updated;
  }

  async remove(projectId: string, id: string, kind: MonitorKind): Promise<void> {
    const existing = await this.get(projectId, id, kind);
    await this.monitors.remove(id);
    await this.schedules.syncOrDefer(existing.modelId, existing.scheduleSeconds);
  }

  async get(projectId: string, id: string, kind?: MonitorKind): Promise<MonitorEntity> {
    const monitor = await this.monitors.findForProject(projectId, id, kind);
    if (!monitor) throw notFound(`${kind === 'policy' ? 'policy' : 'monitor'} ${id}`);
    return monitor;
  }

  async list(projectId: string, modelName: string, kind: MonitorKind): Promise<MonitorEntity[]> {
    const model = await this.models.resolve(projectId, modelName);
    return this.monitors.listByModel(model.id, kind);
  }

  async setCorrection(projectId: string, modelName: string, correction: Correction): Promise<Correction> {
    const model = await this.models.resolve(projectId, modelName);
    await this.monitors.setCorrection(model.id, correction);
    return correction;
  }

  async correction(projectId: string, modelName: string): Promise<Correction> {
    const model = await this.models.resolve(projectId, modelName);
    return this.monitors.correctionFor(model.id);
  }

  /**
   * Monitors created before calibration have no resolved method or threshold, and an `auto` monitor none
   * until a baseline has its signal: resolved as creation and updates resolve them. Run as a worker starts,
   * since resolving needs this code (auto's choice, the defaults) and the baselines, which a migration has not.
   */
  async resolveUnresolved(): Promise<number> {
    return this.storeSettings(await this.monitors.listUnresolvedDrift());
  }

  /** After a new baseline: what the model's drift monitors apply may have changed with it. */
  async resolveForModel(modelId: string): Promise<number> {
    return this.storeSettings(await this.monitors.listByModel(modelId, 'drift'));
  }

  private async storeSettings(monitors: MonitorEntity[]): Promise<number> {
    let stored = 0;
    for (const monitor of monitors) {
      try {
        const resolved = { alpha: monitor.alpha ?? DEFAULT_ALPHA, ...(await this.resolveSettings(monitor)) };
        const unchanged = resolved.alpha === monitor.alpha && resolved.effectiveMethod === monitor.effectiveMethod
          && resolved.effectiveThreshold === monitor.effectiveThreshold && resolved.effectiveReason === monitor.effectiveReason;
        if (!unchanged && (await this.monitors.storeResolvedSettings(monitor.id, monitor.updatedAt, resolved))) stored++;
      } catch (error) {
        // One monitor whose baseline cannot be read keeps its settings unresolved; the others go on.
        this.logger.warn(`could not resolve the settings of monitor ${monitor.id}: ${(error as Error).message}`);
      }
    }
    return stored;
  }

  // Stored so that reports and the API show what a monitor applies, not `auto` and `null`; each
  // check run still records what it applied against the baseline of its day.
  private async resolveSettings(
    monitor: Pick<NewMonitor, 'modelId' | 'projectId' | 'signal' | 'method' | 'threshold' | 'alpha' | 'versionScope' | 'versions' | 'baselineId'>,
  ): Promise<Pick<MonitorEntity, 'effectiveMethod' | 'effectiveThreshold' | 'effectiveReason'>> {
    const reference = await this.referenceProfile(monitor);
    const settings = effectiveSettings(monitor.method as DriftMethod, monitor.threshold, monitor.alpha ?? null, reference);
    return { effectiveMethod: settings.method, effectiveThreshold: settings.threshold, effectiveReason: settings.reason };
  }

  private async referenceProfile(monitor: Pick<NewMonitor, 'modelId' | 'projectId' | 'signal' | 'versionScope' | 'versions' | 'baselineId'>): Promise<SignalProfile | null> {
    let baseline;
    if (monitor.baselineId) baseline = await this.baselines.findForProject(monitor.projectId, monitor.baselineId);
    else {
      // As the check runner picks it: the one version judged, else the production version's.
      const only = monitor.versionScope === 'list' && monitor.versions?.length === 1 ? monitor.versions[0] : null;
      const version = only ?? (await this.windowRows.productionVersion(monitor.modelId));
      baseline = (version ? await this.baselines.latestFor(monitor.modelId, version) : null) ?? (await this.baselines.latestFor(monitor.modelId, null));
    }
    if (!baseline || !monitor.signal) return null;
    const [row] = await this.baselines.signals(baseline.id, [monitor.signal]);
    return row ? SignalProfile.fromJSON(row.profile as unknown as SignalProfileJSON) : null;
  }

  private async requireBaseline(projectId: string, modelId: string, baselineId: string): Promise<void> {
    const baseline = await this.baselines.findForProject(projectId, baselineId);
    if (!baseline || baseline.modelId !== modelId) throw notFound(`baseline ${baselineId} of this model`);
  }
}

function checkAlpha(alpha: number | null | undefined): void {
  const problem = alpha === null || alpha === undefined ? null : alphaProblem(alpha);
  if (problem) throw badInput(problem);
}

function checkThreshold(method: DriftMethod, threshold: number | null | undefined): void {
  const problem = threshold === null || threshold === undefined ? null : thresholdProblem(method, threshold);
  if (problem) throw badInput(problem);
}
