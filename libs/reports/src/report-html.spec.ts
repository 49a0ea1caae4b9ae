import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignalProfile, summarisePair } from '@assay/stats';
import { REPORT_SCHEMA, type ReportContent, type ReportLedgerBundle } from './report-content.js';
import { niceTicks } from './report-charts.js';
import { renderReportHtml } from './report-html.js';

const numeric = summarisePair(
  new SignalProfile('numeric').addMany(Array.from({ length: 100 }, (_, i) => 150 + i)),
  new SignalProfile('numeric').addMany(Array.from({ length: 100 }, (_, i) => 450 + 3 * i)),
);
const categorical = summarisePair(
  new SignalProfile('categorical').addMany([...Array<string>(95).fill('stop'), ...Array<string>(5).fill('length')]),
  new SignalProfile('categorical').addMany([...Array<string>(69).fill('stop'), ...Array<string>(31).fill('length')]),
);
const period = { from: '2026-11-28T00:00:00.000Z', to: '2026-11-28T06:00:00.000Z' };
const point = (hour: number, values: { mean: number; minPValue: number | null; flagged?: number }) => ({
  from: `2026-11-28T0${hour}:00:00.000Z`, to: `2026-11-28T0${hour + 1}:00:00.000Z`, runs: 60, flagged: values.flagged ?? 0,
  min: values.mean, mean: values.mean, max: values.mean, minPValue: values.minPValue,
});

const content: ReportContent = {
  schema: REPORT_SCHEMA,
  reportId: '0b7e4c1a-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
  generatedAt: '2026-11-28T06:00:00.000Z',
  period,
  projectId: 'p',
  model: { id: 'm', name: 'support-bot', owner: null, riskTier: 'high', description: null },
  versions: [],
  baselines: [],
  monitors: [
    { id: 'ks', name: 'tokens', kind: 'drift', signal: 'output_tokens', method: 'ks', threshold: 0.05, rule: null, enabled: true },
    {
      id: 'auto', name: 'latency', kind: 'drift', signal: 'latency_ms', method: 'auto', threshold: null, rule: null, enabled: true,
      effectiveMethod: 'wasserstein_norm', effectiveThreshold: 0.1, alpha: 0.01, alertAfter: 3,
    },
    { id: 'cost', name: 'cost cap', kind: 'policy', signal: null, method: 'policy', threshold: null, rule: 'mean(cost_usd) <= 0', enabled: true },
  ],
  checkRuns: {
    total: 2,
    byVerdict: { drift: 1, breach: 1 },
    items: [
      { id: 'r1', monitorId: 'ks', windowTo: '2026-11-28T05:00:00.000Z', verdict: 'drift', method: 'ks', statistic: 0.71, pValue: 1.618e-206, threshold: 0.05, summary: 'output_tokens: median 200 → 599 tokens (+200%); KS D = 0.71, p = 1.6e-206 < 0.05; drift', ledgerIndex: 4 },
      { id: 'r2', monitorId: 'cost', windowTo: '2026-11-28T05:00:00.000Z', verdict: 'breach', method: 'policy', statistic: 0.0000123, pValue: null, threshold: 0, summary: 'mean(cost_usd) <= 0: $1.23e-5 is not <= $0; breach', ledgerIndex: 5 },
    ],
  },
  series: [
    { monitorId: 'ks', name: 'tokens', kind: 'drift', signal: 'output_tokens', method: 'ks', threshold: 0.05, decidedOn: 'p-value', unit: null, points: [point(0, { mean: 0.05, minPValue: 0.4 }), point(4, { mean: 0.71, minPValue: 1.618e-206, flagged: 1 })] },
    { monitorId: 'cost', name: 'cost cap', kind: 'policy', signal: null, method: 'policy', threshold: 0, decidedOn: 'statistic', unit: 'USD', points: [point(0, { mean: 0, minPValue: null }), point(4, { mean: 0, minPValue: null })] },
  ],
  distributions: [
    { monitorId: 'ks', name: 'tokens', kind: 'drift', signal: 'output_tokens', unit: 'tokens', checkRunId: 'r1', windowTo: '2026-11-28T05:00:00.000Z', verdict: 'drift', summary: 'output_tokens moved', ...numeric },
    { monitorId: 'fr', name: 'finish', kind: 'drift', signal: 'finish_reason', unit: null, checkRunId: 'r3', windowTo: '2026-11-28T05:00:00.000Z', verdict: 'drift', summary: 'finish_reason moved', ...categorical },
  ],
  alerts: [{ id: 'a1', fingerprint: 'f'.repeat(32), kind: 'policy', monitorId: 'cost', monitorName: 'cost cap', summary: 'policy breach on cost cap: …', signal: null, severity: 'warning', status: 'firing', startedAt: '2026-11-28T05:00:00.000Z', endedAt: null, ending: 'still firing (1 failing runs)', ledgerIndex: 6 }],
  gateDecisions: [],
  economics: { source: 'samples', requests: 1200, sampled: 120, estimated: true, inputTokens: 150_000, outputTokens: 0, costUsd: 0.0000123, latencyMs: { p50: 812.4, p95: 1430 }, providers: [], energyWh: 0.0004, co2eG: null },
  verification: { instructions: [] },
};
const ledger: ReportLedgerBundle = { checkpoint: { origin: 'o', treeSize: 7, rootHash: 'r', note: 'n' }, entries: [], nodes: [], pending: [] };

describe(renderReportHtml.name, () => {
  const sut = renderReportHtml(content, ledger, { keyId: 'k', subjectDigest: 'd' });

  it("shows each monitor's applied method, threshold, α and alert rule, not only what was set", () => {
    const row = /<tr><td>latency<\/td>(.*?)<\/tr>/.exec(sut)?.[1] ?? '';
    const cells = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, ['drift', 'latency_ms', 'auto → wasserstein_norm', '0.1', '0.01', '3 failing windows in a row', 'yes']);
  });

  it('draws baseline against current: an ECDF overlay for numbers and share bars for categories', () => {
    assert.equal((sut.match(/<svg class="chart distribution" data-distribution="ks" data-picture="ecdf"/g) ?? []).length, 1);
    assert.equal((sut.match(/<polyline class="ecdf (baseline|current)"/g) ?? []).length, 2);
    assert.equal((sut.match(/<rect class="share (baseline|current)"/g) ?? []).length, 4);
    assert.match(sut, />baseline: 100 values, median 200 tokens, p95 244 tokens</);
    assert.match(sut, />current: 100 values, median 599 tokens, p95 732 tokens</);
    assert.match(sut, />31%</);
  });

  it('plots p-value methods on a log scale with the decision line, and writes tiny numbers without rounding them to 0', () => {
    assert.match(sut, /data-decided-on="p-value"/);
    assert.match(sut, /class="decision"[^>]*\/><text[^>]*>significant when p ≤ α = 0\.05</);
    assert.match(sut, /<td class="num p-value">1\.6e-206<\/td>/);
    assert.match(sut, /<td class="num">\$1\.23e-5<\/td>/);
    assert.match(sut, /<td class="num">4e-4 Wh<\/td>/);
    assert.match(sut, /<td class="num">812 ms<\/td>/);
    assert.match(sut, /<td class="breach">breach<\/td><td>policy<\/td><td class="num">1\.23e-5<\/td><td class="num p-value">—<\/td><td class="num">0<\/td>/);
  });

  it('gives a constant-zero series a readable axis in its unit rather than 0..0', () => {
    const chart = /<svg class="chart" data-monitor="cost"[\s\S]*?<\/svg>/.exec(sut)![0];
    const ticks = [...chart.matchAll(/<text class="tick y"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(ticks, ['$0', '$0.5', '$1']);
    assert.match(chart, /rule value \(USD\)/);
  });

  it('names the monitor or policy of each alert, not only its fingerprint', () => {
    assert.match(sut, /<td>cost cap \(policy\)<\/td>/);
  });
});

describe(niceTicks.name, () => {
  it('covers the range with round steps, and widens a range of one value', () => {
    assert.deepEqual(niceTicks(0.03, 0.71), [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceTicks(812, 1430), [800, 1000, 1200, 1400, 1600]);
    assert.deepEqual(niceTicks(5, 5), [4.5, 5, 5.5]);
  });
});
