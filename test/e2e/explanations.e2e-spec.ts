import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';
import { WebhookReceiver } from './alert-receiver.fixture.js';

interface Measure {
  measure: 'mean' | 'p50' | 'p95';
  baseline: number;
  current: number;
  change: number | null;
}

interface Explanation {
  signal: string;
  verdict: string;
  baseline: { count: number; p50?: number };
  current: { count: number; p50?: number };
  measures: Measure[];
  shares: Array<{ category: string; baseline: number; current: number }>;
  test: { method: string; thresholdAppliesTo: string; pValue: number | null; threshold: number; chosenBecause: string } | null;
  sentence: string;
}

interface NotifiedAlert {
  status: string;
  monitorId: string;
  monitorName: string;
  summary: string;
  labels: Record<string, string>;
  explanation: Explanation | null;
}

const CHROMIUM = '/usr/bin/chromium';
const near = (value: number | undefined, target: number, tolerance: number): boolean => value !== undefined && Math.abs(value - target) <= tolerance;

describe('explanations: alerts and reports state baseline and current values', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  let receiver: WebhookReceiver;
  const model = uniqueName('explained-bot');
  const random = seededRandom(19);
  const start = new Date(Date.now() - 60_000);
  const calm = {
    model,
    version: 'v1',
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, 200, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => (random() < 0.97 ? 'stop' : 'length'),
  };
  const monitors: Record<string, string> = {};
  const api = (path: string): string => `${assay.apiUrl}${path}`;
  const owner = (): string => project.keys.owner.key;
  const auditor = (): string => project.keys.auditor.key;
  const firingFor = (path: string, monitorName: string): NotifiedAlert | undefined =>
    receiver.received
      .filter((r) => r.path === path)
      .flatMap((r) => (JSON.parse(r.body) as { data: { alerts: NotifiedAlert[] } }).data.alerts)
      .find((a) => a.monitorName === monitorName && a.status === 'firing');

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    receiver = await WebhookReceiver.start();
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model } })).status, 201);
    assert.equal((await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version: 'v1', lifecycle: 'production' } })).status, 201);
    for (const format of ['assay', 'alertmanager', 'slack']) {
      const created = await call('POST', api('/v1/subscriptions'), {
        key: owner(),
        json: { name: format, url: receiver.url(`/${format}`), format, models: [model], groupWaitSeconds: 0, groupIntervalSeconds: 1 },
      });
      assert.equal(created.status, 201, created.text);
    }
    traffic.emit(calm, 300);
    await traffic.flush();
    await eventually(async () => (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled >= 300, 15_000);
    const baseline = await call('POST', api(`/v1/models/${model}/baselines`), {
      key: owner(),
      json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(baseline.status, 201, baseline.text);
    // Shifted before the monitors exist, so that every window they judge holds only shifted traffic; a sample's time is
    // its span's start, so the slower shifted calls end later to start after the calm ones.
    const shiftEnd = Date.now() + 4000;
    traffic.emit({ ...calm, outputTokens: normal(random, 600, 40), latencyMs: normal(random, 2200, 150), finishReason: () => (random() < 0.6 ? 'stop' : 'length') }, 300, shiftEnd);
    await traffic.flush();
    await eventually(async () => (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled >= 600, 15_000);
    // A window ends at its check's time: wait until every shifted sample is in the past.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, shiftEnd + 200 - Date.now())));
    const window = { type: 'count', samples: 200 };
    for (const [signal, method] of [['output_tokens', 'ks'], ['finish_reason', 'chi2']] as const) {
      const created = await call<{ id: string }>('POST', api(`/v1/models/${model}/monitors`), {
        key: owner(),
        json: { name: `${signal} drift`, signal, method, window, minSamples: 100, scheduleSeconds: 1 },
      });
      assert.equal(created.status, 201, created.text);
      monitors[signal] = created.body.id;
    }
    const policy = await call<{ id: string }>('POST', api(`/v1/models/${model}/policies`), {
      key: owner(),
      json: { name: 'latency cap', rule: 'p95(latency_ms) <= 1500', window, minSamples: 100, scheduleSeconds: 1 },
    });
    assert.equal(policy.status, 201, policy.text);
    monitors.latency = policy.body.id;
  });

  after(async () => {
    await traffic?.shutdown();
    await receiver?.close();
    await assay?.close();
  });

  it('a real shift raises an alert whose webhook payload states the baseline and current values', async () => {
    const alert = await eventually(async () => firingFor('/assay', 'output_tokens drift'), 30_000, 250);
    const explanation = alert.explanation!;
    assert.equal(alert.monitorId, monitors.output_tokens);
    assert.equal(explanation.verdict, 'drift');
    assert.equal(explanation.baseline.count, 300);
    assert.equal(explanation.current.count, 200);
    const median = explanation.measures.find((m) => m.measure === 'p50')!;
    assert.ok(near(median.baseline, 200, 10), `baseline median ${median.baseline}`);
    assert.ok(near(median.current, 600, 25), `current median ${median.current}`);
    assert.ok(near(median.change ?? undefined, 2, 0.2), `change ${median.change}`);
    assert.equal(explanation.test?.method, 'ks');
    assert.equal(explanation.test?.thresholdAppliesTo, 'statistic');
    assert.match(
      explanation.sentence,
      /^output_tokens: median (19\d|20\d|210) → (5[89]\d|6[0-2]\d) tokens \(\+\d{3}%\), p95 [\d,]+ → [\d,]+ tokens \(\+\d+%\); KS D = [\d.]+ ≥ 0\.05, p = [\d.]+e-\d+(?:, adjusted \(Benjamini–Hochberg\) p = [\d.]+e-\d+)? ≤ α = 0\.01, noise floor [\d.]+; drift \(300 baseline vs 200 current values\)$/,
    );
    assert.equal(alert.summary, `drift on output_tokens drift (3 failing windows in a row): ${explanation.sentence}`);

    const shares = (await eventually(async () => firingFor('/assay', 'finish_reason drift'), 30_000, 250)).explanation!.shares;
    const length = shares.find((s) => s.category === 'length')!;
    assert.ok(length.baseline < 0.1 && length.current > 0.3, JSON.stringify(shares));
  });

  it('Alertmanager and Slack receivers get the same numbers, and the alert API the same explanation', async () => {
    const alertmanager = await eventually(async () => {
      for (const request of receiver.received.filter((r) => r.path === '/alertmanager')) {
        const found = (JSON.parse(request.body) as { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> }).alerts.find(
          (a) => a.labels.monitor === 'output_tokens drift',
        );
        if (found) return found;
      }
      return undefined;
    }, 30_000, 250);
    assert.match(alertmanager.annotations.baseline!, /^300 values: mean [\d.]+ tokens, median [\d.]+ tokens, p95 [\d.]+ tokens$/);
    assert.match(alertmanager.annotations.current!, /^200 values: mean [\d.]+ tokens, median [\d.]+ tokens, p95 [\d.]+ tokens$/);
    assert.match(alertmanager.annotations.description!, /^output_tokens: median /);
    const slack = await eventually(async () => receiver.received.find((r) => r.path === '/slack' && r.body.includes('output_tokens drift')), 30_000, 250);
    const text = (JSON.parse(slack.body) as { text: string }).text;
    assert.match(text, /\*output_tokens drift\* \(\w+\): drift on output_tokens drift \(3 failing windows in a row\): output_tokens: median \d+ → \d+ tokens/);
    assert.match(text, /\n {4}baseline 300 values: mean [\d.]+ tokens/);
    assert.match(text, /\n {4}current 200 values: mean [\d.]+ tokens/);
    const listed = await call<{ items: Array<{ monitorName: string; explanation: Explanation | null }> }>('GET', api(`/v1/alerts?model=${model}`), { key: auditor() });
    assert.equal(listed.status, 200, listed.text);
    assert.match(listed.body.items.find((a) => a.monitorName === 'output_tokens drift')!.explanation!.sentence, /^output_tokens: median /);
  });

  it('the report, in headless Chromium, draws baseline against current and prints no non-zero number as 0', { skip: !fs.existsSync(CHROMIUM) && `${CHROMIUM} is not installed` }, async () => {
    await eventually(async () => firingFor('/assay', 'latency cap'), 30_000, 250);
    const created = await call<{ id: string }>('POST', api('/v1/reports'), {
      key: auditor(),
      json: { model, from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(created.status, 202, created.text);
    const envelope = await eventually(async () => {
      const response = await call<{ payload: string }>('GET', api(`/v1/reports/${created.body.id}`), { key: auditor(), headers: { accept: 'application/json' } });
      return response.status === 200 ? response.body : null;
    }, 30_000, 250);
    const content = (JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicate: {
        content: {
          distributions: Array<{ monitorId: string; baseline: { kind: string; p50?: number }; current: { kind: string; p50?: number } }>;
          checkRuns: { items: Array<{ verdict: string; statistic: number | null; pValue: number | null }> };
          alerts: Array<{ monitorId: string; monitorName: string; ledgerIndex: number }>;
        };
      };
    }).predicate.content;
    const tokens = content.distributions.find((d) => d.monitorId === monitors.output_tokens)!;
    assert.ok(near(tokens.baseline.p50, 200, 10) && near(tokens.current.p50, 600, 25), JSON.stringify(tokens));
    assert.deepEqual(new Set(content.distributions.map((d) => d.monitorId)), new Set(Object.values(monitors)));
    const policyAlert = content.alerts.find((a) => a.monitorId === monitors.latency)!;
    assert.equal(policyAlert.monitorName, 'latency cap');
    const entry = await call<{ entry: string }>('GET', api(`/v1/ledger/entries/${policyAlert.ledgerIndex}`), { key: auditor() });
    const signed = JSON.parse(entry.body.entry) as { body: Record<string, unknown> };
    assert.deepEqual([signed.body.monitorId, signed.body.monitorName, signed.body.monitorKind], [monitors.latency, 'latency cap', 'policy']);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const tab = await (await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${auditor()}` } })).newPage();
      const response = await tab.goto(api(`/v1/reports/${created.body.id}`), { waitUntil: 'load' });
      assert.equal(response?.status(), 200);
      assert.equal(await tab.locator(`svg.distribution[data-distribution="${monitors.output_tokens}"][data-picture="ecdf"] polyline.ecdf`).count(), 2);
      assert.equal(await tab.locator(`svg.distribution[data-distribution="${monitors.finish_reason}"][data-picture="shares"] rect.share`).count(), 4);
      assert.equal(await tab.locator(`svg.distribution[data-distribution="${monitors.latency}"] polyline.ecdf`).count(), 2);
      assert.ok((await tab.locator('svg.chart[data-decided-on="p-value"] line.decision').count()) >= 2);
      const box = await tab.locator(`svg.distribution[data-distribution="${monitors.output_tokens}"]`).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, JSON.stringify(box));
      // The flagged-runs table lists the runs that drifted or breached in the signed order; none of their non-zero numbers reads 0.
      const flagged = content.checkRuns.items.filter((r) => r.verdict === 'drift' || r.verdict === 'breach').slice(0, 300);
      const rows = await tab.locator('h2:text("Check runs") + p + table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      assert.equal(rows.length, flagged.length);
      flagged.forEach((run, i) => {
        const [statistic, pValue, summary] = [rows[i]![4]!, rows[i]![5]!, rows[i]![7]!];
        if (run.statistic !== null && run.statistic !== 0) assert.doesNotMatch(statistic, /^-?0$/, `row ${i} statistic ${run.statistic}`);
        if (run.pValue !== null && run.pValue !== 0) assert.doesNotMatch(pValue, /^0$/, `row ${i} p-value ${run.pValue}`);
        if (run.pValue !== null && run.pValue < 1e-3) assert.match(pValue, /e-\d+$/);
        assert.match(summary, / → /);
      });
      const alertRow = await tab.locator('h2:text("Alerts") + table tbody tr', { hasText: 'latency cap (policy)' }).count();
      assert.equal(alertRow, 1);
    } finally {
      await browser.close();
    }
  });
});
