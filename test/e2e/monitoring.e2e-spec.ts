import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';

interface CheckRun {
  id: string;
  monitorId: string;
  verdict: string;
  windowTo: string;
  nCurrent: number;
  statistic: number | null;
  pValue: number | null;
  ledgerIndex: number | null;
  reason: string;
}

describe('the monitoring loop, end to end through OTLP', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  const model = uniqueName('support-bot');
  const random = seededRandom(42);
  const normalTraffic = {
    model,
    version: 'v1',
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, 200, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => (random() < 0.97 ? 'stop' : 'length'),
    faithfulness: normal(random, 0.9, 0.03),
  };
  const monitors: Record<string, string> = {};

  const owner = (): string => project.keys.owner.key;
  const api = (path: string): string => `${assay.apiUrl}${path}`;

  async function sampledCount(): Promise<number> {
    const response = await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() });
    return response.body.sampled;
  }

  async function runsOf(monitorId: string, after: Date): Promise<CheckRun[]> {
    const response = await call<{ items: CheckRun[] }>('GET', api(`/v1/check-runs?monitorId=${monitorId}&from=${after.toISOString()}&limit=50`), {
      key: project.keys.auditor.key,
    });
    assert.equal(response.status, 200, response.text);
    return response.body.items;
  }

  async function firstRunAfter(monitorId: string, after: Date): Promise<CheckRun> {
    return eventually(async () => (await runsOf(monitorId, after)).find((r) => r.nCurrent >= 200), 20_000, 250);
  }

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    const created = await call('POST', api('/v1/models'), { key: owner(), json: { name: model, riskTier: 'high' } });
    assert.equal(created.status, 201, created.text);
    const version = await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version: 'v1', lifecycle: 'production' } });
    assert.equal(version.status, 201, version.text);
  });

  after(async () => {
    await traffic?.shutdown();
    await assay?.close();
  });

  it('captures a baseline from v1 traffic, flags the shifted signals and not the unshifted one', async () => {
    const start = new Date(Date.now() - 60_000);
    traffic.emit(normalTraffic, 400);
    await traffic.flush();
    await eventually(async () => (await sampledCount()) >= 400, 15_000);

    const baseline = await call<{ id: string; sampleCount: number; signals: Array<{ signal: string; count: number }>; ledgerIndex: number }>(
      'POST',
      api(`/v1/models/${model}/baselines`),
      { key: owner(), json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() } },
    );
    assert.equal(baseline.status, 201, baseline.text);
    assert.equal(baseline.body.sampleCount, 400);
    const signals = Object.fromEntries(baseline.body.signals.map((s) => [s.signal, s.count]));
    assert.equal(signals.output_tokens, 400);
    assert.equal(signals['eval.faithfulness.score'], 400);
    assert.ok(baseline.body.ledgerIndex >= 0);

    const window = { type: 'count', samples: 200 };
    for (const signal of ['output_tokens', 'input_tokens', 'eval.faithfulness.score']) {
      const monitor = await call<{ id: string }>('POST', api(`/v1/models/${model}/monitors`), {
        key: owner(),
        json: { name: signal, signal, method: 'ks', window, minSamples: 100, scheduleSeconds: 1, severity: 'critical' },
      });
      assert.equal(monitor.status, 201, monitor.text);
      monitors[signal] = monitor.body.id;
    }
    const auto = await call<{ method: string; threshold: number | null; alpha: number; effectiveMethod: string; effectiveThreshold: number }>(
      'POST',
      api(`/v1/models/${model}/monitors`),
      { key: owner(), json: { name: 'auto', signal: 'output_tokens', method: 'auto', window, scheduleSeconds: 60, enabled: false } },
    );
    assert.equal(auto.status, 201, auto.text);
    // 400 baseline values with many distinct ones: auto resolves to the normalised Wasserstein distance,
    // judged on a distance >= 0.1 reference sd and a resampled p <= 0.01.
    assert.deepEqual(
      [auto.body.method, auto.body.threshold, auto.body.effectiveMethod, auto.body.effectiveThreshold, auto.body.alpha],
      ['auto', null, 'wasserstein_norm', 0.1, 0.01],
    );
    const policy = await call<{ id: string }>('POST', api(`/v1/models/${model}/policies`), {
      key: owner(),
      json: { name: 'latency', rule: 'p95(latency_ms) <= 1500', window, minSamples: 100, scheduleSeconds: 1 },
    });
    assert.equal(policy.status, 201, policy.text);
    monitors.latency = policy.body.id;

    const beforeShift = new Date();
    const calm = await firstRunAfter(monitors.latency, beforeShift);
    assert.equal(calm.verdict, 'ok', calm.reason);
    assert.equal((await firstRunAfter(monitors.output_tokens, beforeShift)).verdict, 'ok');

    traffic.emit(
      {
        ...normalTraffic,
        outputTokens: normal(random, 320, 25),
        faithfulness: normal(random, 0.6, 0.05),
        latencyMs: normal(random, 2200, 150),
      },
      300,
    );
    await traffic.flush();
    await eventually(async () => (await sampledCount()) >= 700, 15_000);
    const afterShift = new Date(Date.now() + 50);

    const output = await firstRunAfter(monitors.output_tokens, afterShift);
    const faithfulness = await firstRunAfter(monitors['eval.faithfulness.score'], afterShift);
    const input = await firstRunAfter(monitors.input_tokens, afterShift);
    const latency = await firstRunAfter(monitors.latency, afterShift);
    assert.equal(output.verdict, 'drift', output.reason);
    assert.ok(output.pValue! < 1e-6);
    assert.equal((output as unknown as { alpha: number }).alpha, 0.01);
    const noiseFloor = (output as unknown as { noiseFloor: number }).noiseFloor;
    assert.ok(noiseFloor > 0 && noiseFloor < output.statistic!, `noise floor ${noiseFloor}, statistic ${output.statistic}`);
    assert.equal(faithfulness.verdict, 'drift', faithfulness.reason);
    assert.equal(input.verdict, 'ok', input.reason);
    assert.equal(latency.verdict, 'breach', latency.reason);
    assert.ok(latency.statistic! > 1500);
    for (const run of [output, faithfulness, input, latency]) assert.ok(run.ledgerIndex !== null && run.ledgerIndex >= 0);

    const status = await call<{ state: string; monitors: Array<{ latest: { verdict: string } | null }> }>(
      'GET',
      api(`/v1/models/${model}/status`),
      { key: project.keys.auditor.key },
    );
    assert.equal(status.status, 200);
    assert.equal(status.body.state, 'breach');
    assert.equal(status.body.monitors.length, 5, "three KS monitors, the disabled auto one and the policy");

    const series = await call<{ points: Array<{ statistic: number | null }> }>(
      'GET',
      api(`/v1/monitors/${monitors.output_tokens}/series?from=${beforeShift.toISOString()}`),
      { key: project.keys.auditor.key },
    );
    assert.equal(series.status, 200);
    assert.ok(series.body.points.length >= 2);
  });

  it('refuses a bad rule at creation, pointing at the column', async () => {
    const response = await call<{ message: string; details: { column: number; pointer: string } }>(
      'POST',
      api(`/v1/models/${model}/policies`),
      { key: owner(), json: { name: 'bad', rule: 'p95(latency_ms) <== 1500', window: { type: 'count', samples: 10 }, scheduleSeconds: 60 } },
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.details.column, 17);
    assert.match(response.body.message, /unknown operator '<=='/);
  });

  it('keeps auditors to reading', async () => {
    const denied = await call('POST', api(`/v1/models/${model}/monitors`), {
      key: project.keys.auditor.key,
      json: { name: 'x', signal: 'latency_ms', method: 'ks', window: { type: 'count', samples: 10 }, scheduleSeconds: 60 },
    });
    assert.equal(denied.status, 403);
    assert.equal((await call('POST', api(`/v1/monitors/${monitors.output_tokens}/run`), { key: project.keys.auditor.key })).status, 403);
    assert.equal((await call('GET', api(`/v1/monitors/${monitors.output_tokens}`), { key: project.keys.auditor.key })).status, 200);
  });

  it('runs a monitor on demand', async () => {
    const requested = new Date();
    const accepted = await call<{ jobId: string }>('POST', api(`/v1/monitors/${monitors.input_tokens}/run`), { key: owner() });
    assert.equal(accepted.status, 202);
    const manual = await eventually(async () => {
      const runs = await call<{ items: Array<CheckRun & { trigger: string }> }>('GET', api(`/v1/check-runs?monitorId=${monitors.input_tokens}&limit=20`), { key: owner() });
      return runs.body.items.find((r) => r.trigger === 'manual' && new Date(r.windowTo) >= new Date(requested.getTime() - 1000));
    }, 10_000);
    assert.equal(manual.verdict, 'ok');
  });

  it('hides another project’s monitors and runs behind 404', async () => {
    const other = await seedProject(assay);
    assert.equal((await call('GET', api(`/v1/monitors/${monitors.output_tokens}`), { key: other.keys.owner.key })).status, 404);
    assert.equal((await call('GET', api(`/v1/check-runs?monitorId=${monitors.output_tokens}`), { key: other.keys.owner.key })).status, 404);
  });
});
