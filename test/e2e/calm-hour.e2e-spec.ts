import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobName, QueueService } from '@assay/queue';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, uniqueName,
  type InferenceShape, type SeededProject, type TestAssay,
} from '@assay/testing';
import { WebhookReceiver } from './alert-receiver.fixture.js';

const MINUTE = 60_000;
const TICKS = 60;
const PER_WINDOW = 50;
const ALERT_AFTER = 3;

interface CheckRunView {
  windowTo: string;
  verdict: string;
  method: string;
  pValue: number | null;
  noiseFloor: number | null;
}

interface NotifiedAlert {
  status: string;
  monitorName: string;
  explanation: { sentence: string; measures: Array<{ measure: string; baseline: number; current: number }> } | null;
}

// One model per rule, so that the multiple-testing correction across a model's monitors in a tick
// never mixes the calibrated monitor with the control.
const RULES = {
  calibrated: { name: 'output_tokens drift', method: 'auto' },
  fixed: { name: 'output_tokens fixed rule', method: 'wasserstein_norm', threshold: 0.1, alpha: 0.999999, alertAfter: 1 },
} as const;
type Rule = keyof typeof RULES;

/** For each run, how many runs up to and including it failed in a row. */
function trailingStreaks(runs: Array<{ verdict: string }>): number[] {
  let streak = 0;
  return runs.map((r) => (streak = r.verdict === 'drift' ? streak + 1 : 0));
}

describe('an hour of unchanged traffic in one-minute, 50-sample windows', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  let receiver: WebhookReceiver;
  const random = seededRandom(1919);
  const models = { calibrated: uniqueName('calm-hour'), fixed: uniqueName('calm-hour-fixed') } satisfies Record<Rule, string>;
  const modelIds: Partial<Record<Rule, string>> = {};
  const monitorIds: Partial<Record<Rule, string>> = {};
  // The hour ends five minutes ago, and the shifted minutes follow it, so that every window is wholly in the past
  // and the worker's own ticks (windows ending now) find none of these samples.
  const hourEnd = Math.floor(Date.now() / MINUTE) * MINUTE - (ALERT_AFTER + 2) * MINUTE;
  const ticks = Array.from({ length: TICKS }, (_, i) => hourEnd - (TICKS - 1 - i) * MINUTE);
  const shiftTicks = Array.from({ length: ALERT_AFTER }, (_, i) => hourEnd + (i + 1) * MINUTE);
  const api = (path: string): string => `${assay.apiUrl}${path}`;
  const owner = (): string => project.keys.owner.key;
  const shape = (model: string, outputMean = 200): InferenceShape => ({
    model,
    version: 'v1',
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, outputMean, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => 'stop',
  });
  // A sample's time is its span's start: ending 10 s before the tick puts all 50 well inside its minute.
  const emitWindow = (model: string, tick: number, outputMean?: number): void => traffic.emit(shape(model, outputMean), PER_WINDOW, tick - 10_000);
  const sampledCount = async (model: string): Promise<number> =>
    (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled;
  // A tick through the worker's real job: the job id is shaped as BullMQ names a job scheduler's jobs
  // (`…:<tick millis>`), so the processor takes the window's end from it as from a scheduled tick.
  const tick = async (rule: Rule, at: number): Promise<void> => {
    await assay.running.apps.api!.get(QueueService).enqueue(
      { name: JobName.MonitorTick, data: { modelId: modelIds[rule]!, scheduleSeconds: 60 } },
      { jobId: `calmhour:${modelIds[rule]!}:${at}` },
    );
  };
  const runsOf = async (rule: Rule): Promise<CheckRunView[]> => {
    const listed = await call<{ items: CheckRunView[] }>('GET', api(`/v1/check-runs?monitorId=${monitorIds[rule]!}&limit=1000`), { key: owner() });
    assert.equal(listed.status, 200, listed.text);
    const wanted = new Set([...ticks, ...shiftTicks].map((t) => new Date(t).toISOString()));
    return listed.body.items.filter((r) => wanted.has(r.windowTo)).sort((a, b) => a.windowTo.localeCompare(b.windowTo));
  };
  const alertsOf = async (rule: Rule): Promise<Array<{ status: string }>> =>
    (await call<{ items: Array<{ status: string }> }>('GET', api(`/v1/alerts?model=${models[rule]}`), { key: owner() })).body.items;
  const firing = (monitorName: string): NotifiedAlert | undefined =>
    receiver.received
      .filter((r) => r.path === '/assay')
      .flatMap((r) => (JSON.parse(r.body) as { data: { alerts: NotifiedAlert[] } }).data.alerts)
      .find((a) => a.monitorName === monitorName && a.status === 'firing');

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    receiver = await WebhookReceiver.start();
    const baselineAt = ticks[0]! - 10 * MINUTE;
    for (const rule of Object.keys(RULES) as Rule[]) {
      const model = models[rule];
      const created = await call<{ id: string }>('POST', api('/v1/models'), { key: owner(), json: { name: model } });
      assert.equal(created.status, 201, created.text);
      modelIds[rule] = created.body.id;
      assert.equal((await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version: 'v1', lifecycle: 'production' } })).status, 201);
      const subscription = await call('POST', api('/v1/subscriptions'), {
        key: owner(),
        json: { name: `${rule} hour`, url: receiver.url('/assay'), format: 'assay', models: [model], groupWaitSeconds: 0, groupIntervalSeconds: 1 },
      });
      assert.equal(subscription.status, 201, subscription.text);
      traffic.emit(shape(model), 600, baselineAt);
      // Flushed every 1,000 spans: the exporter refuses more than 30 batches in flight.
      for (const [i, at] of ticks.entries()) {
        emitWindow(model, at);
        if (i % 20 === 19) await traffic.flush();
      }
    }
    await traffic.flush();
    for (const model of Object.values(models)) {
      await eventually(async () => (await sampledCount(model)) >= 600 + TICKS * PER_WINDOW, 30_000);
      const baseline = await call('POST', api(`/v1/models/${model}/baselines`), {
        key: owner(),
        json: { version: 'v1', from: new Date(baselineAt - MINUTE).toISOString(), to: new Date(baselineAt + 1).toISOString() },
      });
      assert.equal(baseline.status, 201, baseline.text);
    }
    for (const rule of Object.keys(RULES) as Rule[]) {
      const monitor = await call<{ id: string }>('POST', api(`/v1/models/${models[rule]}/monitors`), {
        key: owner(),
        json: { signal: 'output_tokens', ...RULES[rule], window: { type: 'time', seconds: 60 }, minSamples: PER_WINDOW, scheduleSeconds: 60 },
      });
      assert.equal(monitor.status, 201, monitor.text);
      monitorIds[rule] = monitor.body.id;
    }
  });

  after(async () => {
    await traffic?.shutdown();
    await receiver?.close();
    await assay?.close();
  });

  it('raises no alert under the calibrated default, while the old fixed rule (normalised Wasserstein ≥ 0.1) fires on most windows', async (t) => {
    const created = await call<{ items: Array<{ name: string; alertAfter: number }> }>('GET', api(`/v1/models/${models.calibrated}/monitors`), { key: owner() });
    assert.deepEqual(created.body.items.map((m) => m.alertAfter), [ALERT_AFTER]);
    for (const at of ticks) for (const rule of Object.keys(RULES) as Rule[]) await tick(rule, at);
    const calibrated = await eventually(async () => {
      const runs = await runsOf('calibrated');
      return runs.length === TICKS ? runs : undefined;
    }, 45_000, 250);
    const counts = Object.fromEntries(['ok', 'drift', 'insufficient_data'].map((v) => [v, calibrated.filter((r) => r.verdict === v).length]));
    // At alpha 0.01, more than 5 chance drifts in 60 windows has probability 4e-6 (binomial).
    assert.equal(counts.insufficient_data, 0);
    assert.ok(counts.drift! <= 5, JSON.stringify(calibrated.filter((r) => r.verdict !== 'ok')));
    assert.ok(trailingStreaks(calibrated).every((streak) => streak < ALERT_AFTER), JSON.stringify(calibrated.map((r) => r.verdict)));
    assert.ok(calibrated.every((r) => r.method === 'wasserstein_norm' && r.pValue !== null && r.noiseFloor !== null), JSON.stringify(calibrated[0]));
    assert.deepEqual(await alertsOf('calibrated'), []);

    const fixed = await eventually(async () => {
      const runs = await runsOf('fixed');
      return runs.length === TICKS ? runs : undefined;
    }, 45_000, 250);
    const fixedDrifts = fixed.filter((r) => r.verdict === 'drift').length;
    assert.ok(fixedDrifts >= TICKS / 2, `the fixed rule drifted on ${fixedDrifts} of ${TICKS} unchanged windows`);
    // Its alert resolves on the windows it passes and fires again on the next it fails.
    assert.ok((await alertsOf('fixed')).length >= 1);
    t.diagnostic(`calibrated: ${counts.ok} ok of ${TICKS} (alert after ${ALERT_AFTER} in a row); fixed rule: drift on ${fixedDrifts} of ${TICKS}`);
    await eventually(async () => firing(RULES.fixed.name), 15_000, 250);
    assert.equal(firing(RULES.calibrated.name), undefined);
  });

  it(`then a real shift (output tokens 200 → 260) raises one alert on its ${ALERT_AFTER}rd window, whose webhook states the baseline and current values`, async () => {
    for (const at of shiftTicks) emitWindow(models.calibrated, at, 260);
    await traffic.flush();
    await eventually(async () => (await sampledCount(models.calibrated)) >= 600 + (TICKS + ALERT_AFTER) * PER_WINDOW, 15_000);
    for (const [i, at] of shiftTicks.entries()) {
      await tick('calibrated', at);
      const runs = await eventually(async () => {
        const stored = await runsOf('calibrated');
        return stored.length === TICKS + i + 1 ? stored : undefined;
      }, 30_000, 250);
      assert.equal(runs.at(-1)!.verdict, 'drift');
      if (i < ALERT_AFTER - 1 && trailingStreaks(runs).at(-1)! < ALERT_AFTER) assert.deepEqual(await alertsOf('calibrated'), [], `after shifted window ${i + 1}`);
    }
    const alert = await eventually(async () => firing(RULES.calibrated.name), 30_000, 250);
    const median = alert.explanation!.measures.find((m) => m.measure === 'p50')!;
    assert.ok(Math.abs(median.baseline - 200) <= 5, `baseline median ${median.baseline}`);
    assert.ok(Math.abs(median.current - 260) <= 10, `current median ${median.current}`);
    assert.match(alert.explanation!.sentence, /^output_tokens: median (19\d|20\d) → (2[5-6]\d|27\d) tokens \(\+\d+%\), p95 [\d,]+ → [\d,]+ tokens .*; drift \(600 baseline vs 50 current values\)$/);
    const alerts = await call<{ items: Array<{ status: string; summary: string }> }>('GET', api(`/v1/alerts?model=${models.calibrated}`), { key: owner() });
    assert.equal(alerts.body.items.length, 1);
    assert.equal(alerts.body.items[0]!.status, 'firing');
    assert.match(alerts.body.items[0]!.summary, /^drift on output_tokens drift \(3 failing windows in a row\): output_tokens: median/);
  });
});
