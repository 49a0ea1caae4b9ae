import assert from 'node:assert/strict';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';

/**
 * A model whose output tokens shift after its baseline was captured, and a KS monitor on them that
 * runs every second: its first run drifts. `calmAgain` sends calm traffic so that the next runs pass.
 */
export class DriftScenario {
  readonly model = uniqueName('metered-bot');
  readonly project: SeededProject;
  modelId = '';
  monitorId = '';
  private readonly random = seededRandom(22);
  private readonly traffic: GenAiTraffic;
  private readonly calm;

  private constructor(private readonly assay: TestAssay, project: SeededProject) {
    this.project = project;
    this.traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    const random = this.random;
    this.calm = {
      model: this.model,
      version: 'v1',
      inputTokens: normal(random, 120, 15),
      outputTokens: normal(random, 200, 20),
      latencyMs: normal(random, 800, 80),
      finishReason: () => 'stop',
    };
  }

  static async prepare(assay: TestAssay, beforeMonitor?: (scenario: DriftScenario) => Promise<void>): Promise<DriftScenario> {
    const scenario = new DriftScenario(assay, await seedProject(assay));
    await scenario.setUp(beforeMonitor);
    return scenario;
  }

  api(path: string): string {
    return `${this.assay.apiUrl}${path}`;
  }

  owner(): string {
    return this.project.keys.owner.key;
  }

  private async setUp(beforeMonitor?: (scenario: DriftScenario) => Promise<void>): Promise<void> {
    const start = new Date(Date.now() - 60_000);
    assert.equal((await call('POST', this.api('/v1/models'), { key: this.owner(), json: { name: this.model } })).status, 201);
    assert.equal((await call('POST', this.api(`/v1/models/${this.model}/versions`), { key: this.owner(), json: { version: 'v1', lifecycle: 'production' } })).status, 201);
    this.modelId = (await call<{ id: string }>('GET', this.api(`/v1/models/${this.model}`), { key: this.owner() })).body.id;
    await this.send(this.calm, 300);
    const baseline = await call('POST', this.api(`/v1/models/${this.model}/baselines`), {
      key: this.owner(),
      json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(baseline.status, 201, baseline.text);
    await this.send({ ...this.calm, outputTokens: normal(this.random, 600, 40) }, 300);
    await beforeMonitor?.(this);
    const monitor = await call<{ id: string }>('POST', this.api(`/v1/models/${this.model}/monitors`), {
      key: this.owner(),
      json: { name: 'output_tokens drift', signal: 'output_tokens', method: 'ks', window: { type: 'count', samples: 200 }, minSamples: 100, scheduleSeconds: 1 },
    });
    assert.equal(monitor.status, 201, monitor.text);
    this.monitorId = monitor.body.id;
  }

  /** Calm traffic that fills the monitor's whole window, so that its next run passes. */
  calmAgain(): Promise<void> {
    return this.send(this.calm, 250);
  }

  async firingAlert(timeoutMs = 30_000): Promise<{ id: string; status: string }> {
    return eventually(async () => {
      const alerts = await call<{ items: Array<{ id: string; status: string; monitorId: string }> }>('GET', this.api('/v1/alerts?status=firing'), { key: this.owner() });
      return alerts.body.items.find((a) => a.monitorId === this.monitorId);
    }, timeoutMs, 250);
  }

  async shutdown(): Promise<void> {
    await this.traffic.shutdown();
  }

  private async send(profile: typeof this.calm, count: number): Promise<void> {
    const before = (await call<{ sampled: number }>('GET', this.api(`/v1/models/${this.model}/samples?limit=1`), { key: this.owner() })).body.sampled;
    // A sample's time is its span's start, and a window ends at its check's time: every span starts now or earlier.
    this.traffic.emit(profile, count, Date.now());
    await this.traffic.flush();
    await eventually(async () => (await call<{ sampled: number }>('GET', this.api(`/v1/models/${this.model}/samples?limit=1`), { key: this.owner() })).body.sampled >= before + count, 15_000);
  }
}
