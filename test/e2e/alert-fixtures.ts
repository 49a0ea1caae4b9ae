import { AlertsService } from '@assay/alerts';
import { CheckRunRepository, ModelRepository, MonitorRepository, type CheckRunEntity, type Severity, type Verdict } from '@assay/db';
import type { TestAssay } from '@assay/testing';

/** Check runs stored through the repositories and handed to the alerting entry point, as the monitoring loop does. */
export class CheckRunFeeder {
  private lastWindowTo = 0;

  constructor(private readonly assay: TestAssay, private readonly projectId: string) {}

  private get<T>(type: new (...args: never[]) => T): T {
    const app = this.assay.running.apps.worker ?? this.assay.running.apps.api;
    if (!app) throw new Error('no app to take services from');
    return app.get(type);
  }

  async monitor(modelName: string, name: string, severity: Severity = 'warning', alertAfter = 1): Promise<{ modelId: string; monitorId: string; severity: Severity }> {
    const model = await this.get(ModelRepository).findByName(this.projectId, modelName);
    if (!model) throw new Error(`model ${modelName} not found`);
    const monitor = await this.get(MonitorRepository).create({
      projectId: this.projectId, modelId: model.id, name, kind: 'drift', signal: 'latency_ms', method: 'ks', threshold: 0.05, rule: null,
      windowType: 'time', windowSize: 3600, minSamples: 1, severity, alertAfter, scheduleSeconds: 3600, versionScope: 'all', versions: null, baselineId: null, enabled: false,
    });
    return { modelId: model.id, monitorId: monitor.id, severity };
  }

  async run(target: { modelId: string; monitorId: string; severity: Severity }, verdict: Verdict): Promise<CheckRunEntity> {
    // Later runs end later, as a monitor's ticks do: a streak of failing windows is read in that order.
    const windowTo = new Date(Math.max(this.lastWindowTo + 1, Date.now() + Math.floor(Math.random() * 1000)));
    this.lastWindowTo = windowTo.getTime();
    const [run] = await this.get(CheckRunRepository).insertRuns(
      [{
        projectId: this.projectId, modelId: target.modelId, monitorId: target.monitorId, kind: 'drift', trigger: 'manual', signal: 'latency_ms',
        version: 'v1', versionScope: 'list', versions: ['v1'], windowFrom: new Date(windowTo.getTime() - 3_600_000), windowTo, method: 'ks', statistic: 0.4, pValue: verdict === 'ok' ? 0.5 : 0.001,
        adjustedPValue: null, correction: 'none', threshold: 0.05, effectSize: 0.4, nReference: 100, nCurrent: 100, exact: true, errorBound: null,
        verdict, reason: verdict === 'ok' ? 'p = 0.5 ≥ 0.05' : 'p = 0.001 < 0.05', baselineId: null, referenceDigest: null, currentDigest: null, details: {}, explanation: null, severity: target.severity,
      }],
      async () => null,
    );
    await this.get(AlertsService).processCheckRuns([run!]);
    return run!;
  }
}
