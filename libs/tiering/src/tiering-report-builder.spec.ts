import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { LATENCY_BUCKET_RATIO, type JourneyCallCount, type TieringSampleGroup } from '@assay/db';
import { DistinctSketch } from '@assay/stats';
import { latencyQuantiles } from './journey-model-usage.js';
import { buildTieringReport, type TieringEvidence } from './tiering-report-builder.js';

const DAY_MS = 86_400_000;
const from = new Date('2026-11-01T00:00:00Z');
const to = new Date(from.getTime() + 10 * DAY_MS);

function group(modelId: string, journey: string, patch: Partial<TieringSampleGroup> = {}): TieringSampleGroup {
  return {
    modelId,
    journey,
    provider: 'openai',
    latencyBucket: Math.floor(Math.log(500) / Math.log(LATENCY_BUCKET_RATIO)),
    sampled: 100,
    failed: 0,
    costUsd: 1,
    costed: 100,
    inputTokens: 100_000,
    cachedInputTokens: 0,
    outputTokens: 50_000,
    tokenCalls: 100,
    co2eG: 0,
    co2eCalls: 0,
    quality: {},
    ...patch,
  };
}

function evidence(groups: TieringSampleGroup[], counts: JourneyCallCount[], patch: Partial<TieringEvidence> = {}): TieringEvidence {
  return {
    projectId: 'p',
    query: { from, to, margin: 0.02, alpha: 0.05 },
    modelNames: new Map([['big', 'gpt-4o'], ['small', 'gpt-4o-mini'], ['claude', 'claude-sonnet']]),
    groups,
    counts,
    inputs: new Map(),
    prices: [],
    lowerIsBetter: new Set(),
    ...patch,
  };
}

describe('buildTieringReport', () => {
  it('estimates calls from seen counts and scales the sampled spend by seen / sampled', () => {
    const report = buildTieringReport(
      evidence([group('big', 'faq', { sampled: 250, costUsd: 2.5, failed: 5 })], [{ modelId: 'big', journey: 'faq', seen: 1000, sampled: 250 }]),
    );
    const [model] = report.journeys[0]!.models;
    assert.equal(model!.calls, 1000);
    assert.equal(model!.spendUsd, 10);
    assert.equal(model!.costPerCallUsd, 0.01);
    assert.equal(model!.errorRate, 5 / 250);
    assert.equal(report.journeys[0]!.calls, 1000);
  });

  it('counts stored samples as the calls when the journey counts have none', () => {
    const report = buildTieringReport(evidence([group('big', 'faq', { sampled: 40, costUsd: 0.4 })], []));
    assert.equal(report.journeys[0]!.models[0]!.calls, 40);
    assert.equal(report.journeys[0]!.models[0]!.spendUsd, 0.4);
  });

  it('reads nearest-rank latency quantiles from the buckets, within half a bucket', () => {
    const bucketOf = (ms: number): number => Math.floor(Math.log(ms) / Math.log(LATENCY_BUCKET_RATIO));
    const groups = [100, 200, 300, 400, 1000].map((ms) => group('big', 'faq', { latencyBucket: bucketOf(ms), sampled: ms === 1000 ? 1 : 24 }));
    const [p50, p95] = latencyQuantiles(groups, [0.5, 0.95]);
    // 97 calls: rank 49 is in the 300 ms bucket, rank 93 in the 400 ms one.
    assert.ok(Math.abs(p50! / 300 - 1) < 0.01, `p50 ${p50}`);
    assert.ok(Math.abs(p95! / 400 - 1) < 0.01, `p95 ${p95}`);
  });

  it('shares spend by provider, its HHI, and flags journeys served by one provider', () => {
    const report = buildTieringReport(
      evidence(
        [group('big', 'faq', { costUsd: 10 }), group('claude', 'faq', { provider: 'anthropic', costUsd: 30 }), group('small', 'chat', { costUsd: 0 })],
        [],
      ),
    );
    assert.deepEqual(
      report.providers.map((p) => [p.provider, p.spendUsd, p.spendShare]),
      [['anthropic', 30, 0.75], ['openai', 10, 0.25]],
    );
    assert.equal(report.hhi, 0.75 ** 2 + 0.25 ** 2);
    assert.equal(report.journeys.find((j) => j.journey === 'faq')!.singleProvider, false);
    assert.equal(report.journeys.find((j) => j.journey === 'chat')!.singleProvider, true);
  });

  it('decides each cheaper model against the incumbent and prices the move per month', () => {
    const score = (mean: number) => ({ 'eval.helpful.score': { n: 100, sum: 100 * mean, sumSquares: 100 * (mean * mean + 0.01) } });
    const report = buildTieringReport(
      evidence(
        [group('big', 'faq', { costUsd: 1, quality: score(0.8) }), group('small', 'faq', { costUsd: 0.1, quality: score(0.8) })],
        [{ modelId: 'big', journey: 'faq', seen: 1000, sampled: 100 }, { modelId: 'small', journey: 'faq', seen: 100, sampled: 100 }],
      ),
    );
    const [decision] = report.journeys[0]!.decisions;
    assert.equal(decision!.incumbent, 'gpt-4o');
    assert.equal(decision!.candidate, 'gpt-4o-mini');
    assert.deepEqual(decision!.tests.map((t) => t.signal), ['eval.helpful.score', 'error_rate']);
    // 1000 calls in 10 days at $0.01 against $0.001 a call: 3000 calls a month × $0.009.
    assert.ok(Math.abs(decision!.savingsUsdPerMonth - 27) < 1e-9, `${decision!.savingsUsdPerMonth}`);
    assert.equal(report.journeys[0]!.experiment, null);
  });

  it('tests a score the other way round when its setting says lower is better', () => {
    const score = (mean: number) => ({ 'eval.toxic.score': { n: 200, sum: 200 * mean, sumSquares: 200 * (mean * mean + 0.0001) } });
    const groups = [group('big', 'faq', { costUsd: 1, quality: score(0.3) }), group('small', 'faq', { costUsd: 0.1, quality: score(0.2) })];
    const higher = buildTieringReport(evidence(groups, [])).journeys[0]!.decisions[0]!.tests[0]!;
    const lower = buildTieringReport(evidence(groups, [], { lowerIsBetter: new Set(['eval.toxic.score']) })).journeys[0]!.decisions[0]!.tests[0]!;
    assert.ok(Math.abs(higher.difference - -0.1) < 1e-9);
    assert.ok(Math.abs(lower.difference - 0.1) < 1e-9);
  });

  it('keeps a label as a quality signal only where some call was labelled pass', () => {
    const report = buildTieringReport(
      evidence([group('big', 'faq', { quality: { 'eval.grounded.label': { n: 100, sum: 60, sumSquares: 60 }, 'eval.tone.label': { n: 100, sum: 0, sumSquares: 0 } } })], []),
    );
    assert.deepEqual(report.journeys[0]!.models[0]!.scores, { 'eval.grounded.label': 0.6 });
  });

  it('estimates the repeat share from the merged input sketch and what an exact cache would save', () => {
    const sketch = new DistinctSketch();
    for (let i = 0; i < 700; i++) sketch.addDigest(createHash('sha256').update(`input ${i}`).digest());
    const report = buildTieringReport(
      evidence([group('big', 'faq', { costUsd: 10, inputTokens: 1000, cachedInputTokens: 250 })], [], { inputs: new Map([['faq', { callsWithInput: 1000, sketch }]]) }),
    );
    const faq = report.journeys[0]!;
    assert.ok(Math.abs(faq.repeatShare! - 0.3) < 0.01, `repeat share ${faq.repeatShare}`);
    assert.equal(faq.repeatShareError, sketch.standardError);
    assert.ok(Math.abs(faq.exactCacheSavingsUsdPerMonth! - faq.repeatShare! * 10 * 3) < 1e-9);
    assert.equal(faq.cachedInputShare, 0.25);
  });

  it('proposes a trial of the cheapest priced model for a journey on one model, and none when nothing is cheaper', () => {
    const quality = { 'eval.helpful.score': { n: 1000, sum: 800, sumSquares: 1000 * (0.64 + 0.01) } };
    const solo = [group('big', 'solo', { sampled: 1000, costUsd: 10, inputTokens: 1_000_000, outputTokens: 500_000, tokenCalls: 1000, quality })];
    const prices = [
      { provider: 'openai', model: 'gpt-4o', inputPerMillion: 2.5, cachedInputPerMillion: null, outputPerMillion: 10 },
      { provider: 'openai', model: 'gpt-4o-mini', inputPerMillion: 0.15, cachedInputPerMillion: null, outputPerMillion: 0.6 },
      { provider: 'openai', model: 'gpt-4.1-nano', inputPerMillion: 0.1, cachedInputPerMillion: null, outputPerMillion: 0.4 },
    ];
    const experiment = buildTieringReport(evidence(solo, [], { prices })).journeys[0]!.experiment!;
    assert.equal(experiment.model, 'gpt-4.1-nano');
    assert.ok([0.05, 0.1, 0.2, 0.5].includes(experiment.trafficShare));
    assert.ok(experiment.days >= 1 && experiment.days <= 3650, `${experiment.days} days`);
    assert.match(experiment.sentence, /^solo: only gpt-4o serves it/);
    const dearer = [{ provider: 'x', model: 'huge', inputPerMillion: 100, cachedInputPerMillion: null, outputPerMillion: 100 }];
    assert.equal(buildTieringReport(evidence(solo, [], { prices: dearer })).journeys[0]!.experiment, null);
  });
});
