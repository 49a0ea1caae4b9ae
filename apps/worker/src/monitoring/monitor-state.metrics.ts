import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { APP_METRICS, LOGGER, type AppMetrics } from '@assay/common';
import { MonitorStateRepository, type MonitorKind, type MonitorState, type OpenAlertCount, type Verdict } from '@assay/db';

const VERDICTS: Record<MonitorKind, readonly Verdict[]> = { drift: ['ok', 'drift', 'insufficient_data'], policy: ['ok', 'breach', 'insufficient_data'] };

// Every gauge of one scrape reads the same snapshot: one pair of queries per scrape, not one per gauge.
const SNAPSHOT_TTL_MS = 1000;

interface Snapshot {
  monitors: MonitorState[];
  monitorsTotal: number;
  openAlerts: OpenAlertCount[];
  openAlertModels: number;
}

const MONITOR_LABELS = ['project_id', 'model_id', 'monitor_id'] as const;

// Several workers started in one process (tests) share the worker registry; its gauges read the one started last.
const sources: MonitorStateMetrics[] = [];

/**
 * The monitors' own state for Prometheus, read from PostgreSQL at scrape time: correct from the first
 * scrape after a restart, and the same on every worker replica (aggregate replicas with `max`).
 * Labels are ids; `assay_monitor_info` carries the model and signal names to join on.
 */
@Injectable()
export class MonitorStateMetrics implements OnModuleInit, OnModuleDestroy {
  private snapshot: { at: number; value: Promise<Snapshot | null> } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_METRICS) metrics: AppMetrics,
    private readonly states: MonitorStateRepository,
  ) {
    MonitorStateMetrics.register(metrics);
  }

  // Idempotent: the registry keeps the first gauge of each name, whose collect reads whichever source is current.
  private static register(metrics: AppMetrics): void {
    const read = async (fill: (snapshot: Snapshot) => void, gauge: Gauge<string>): Promise<void> => {
      gauge.reset();
      const snapshot = await sources.at(-1)?.current();
      if (snapshot) fill(snapshot);
    };
    metrics.gauge('assay_monitor_state_up', "1 when this scrape read the monitors' state from PostgreSQL, else 0", [], async function () {
      this.set((await sources.at(-1)?.current()) ? 1 : 0);
    });
    metrics.gauge('assay_monitor_info', 'Always 1: names of each enabled monitor, to join on monitor_id', [...MONITOR_LABELS, 'kind', 'model', 'signal', 'method'], function () {
      return read((s) => s.monitors.forEach((m) => this.set({ ...idsOf(m), kind: m.kind, model: m.modelName, signal: m.signal ?? '', method: m.method ?? '' }, 1)), this);
    });
    metrics.gauge('assay_monitor_statistic', "The latest check run's statistic (method-dependent: KS D, PSI, distance, policy value)", MONITOR_LABELS, function () {
      return read((s) => s.monitors.forEach((m) => m.statistic !== null && this.set(idsOf(m), m.statistic)), this);
    });
    metrics.gauge('assay_monitor_p_value', "The latest check run's p-value, for methods that have one", MONITOR_LABELS, function () {
      return read((s) => s.monitors.forEach((m) => m.pValue !== null && this.set(idsOf(m), m.pValue)), this);
    });
    metrics.gauge('assay_monitor_verdict', "1 for the latest check run's verdict, 0 for the monitor's other verdicts", [...MONITOR_LABELS, 'verdict'], function () {
      return read((s) => s.monitors.forEach((m) => m.verdict && VERDICTS[m.kind].forEach((v) => this.set({ ...idsOf(m), verdict: v }, v === m.verdict ? 1 : 0))), this);
    });
    metrics.gauge('assay_monitor_last_run_timestamp_seconds', 'When the latest check run was stored, in Unix seconds', MONITOR_LABELS, function () {
      return read((s) => s.monitors.forEach((m) => m.ranAt && this.set(idsOf(m), m.ranAt.getTime() / 1000)), this);
    });
    metrics.gauge('assay_monitors_omitted', 'Enabled monitors left out of the assay_monitor_* series by ASSAY_METRICS_MAX_MONITORS', [], function () {
      return read((s) => this.set(s.monitorsTotal - s.monitors.length), this);
    });
    metrics.gauge('assay_model_open_alerts', 'Open alerts by model, severity and status (firing or acknowledged)', ['project_id', 'model_id', 'severity', 'status'], function () {
      return read((s) => s.openAlerts.forEach((a) => this.set({ project_id: a.projectId, model_id: a.modelId, severity: a.severity, status: a.status }, a.count)), this);
    });
    metrics.gauge('assay_model_open_alerts_omitted_models', 'Models with open alerts left out of assay_model_open_alerts by ASSAY_METRICS_MAX_MODELS', [], function () {
      return read((s) => this.set(Math.max(0, s.openAlertModels - new Set(s.openAlerts.map((a) => a.modelId)).size)), this);
    });
  }

  onModuleInit(): void {
    sources.push(this);
  }

  onModuleDestroy(): void {
    sources.splice(sources.indexOf(this), 1);
  }

  current(): Promise<Snapshot | null> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_TTL_MS) this.snapshot = { at: now, value: this.read() };
    return this.snapshot.value;
  }

  private async read(): Promise<Snapshot | null> {
    try {
      const [monitors, alerts] = await Promise.all([
        this.states.enabledMonitors(this.config.metrics.maxMonitors),
        this.states.openAlertCounts(this.config.metrics.maxModels),
      ]);
      return { monitors: monitors.states, monitorsTotal: monitors.total, openAlerts: alerts.counts, openAlertModels: alerts.models };
    } catch (error) {
      // A scrape still answers (process metrics, the counters) while PostgreSQL is away; assay_monitor_state_up says so.
      this.logger.warn(`reading monitor state for /metrics failed: ${(error as Error).message}`);
      return null;
    }
  }
}

function idsOf(state: MonitorState): Record<(typeof MONITOR_LABELS)[number], string> {
  return { project_id: state.projectId, model_id: state.modelId, monitor_id: state.monitorId };
}
