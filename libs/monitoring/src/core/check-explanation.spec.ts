import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignalProfile } from '@assay/stats';
import { evaluateDrift, evaluatePolicy, policyReferences } from './check-evaluation.js';
import { explainDrift, explainPolicy, withCorrection } from './check-explanation.js';

const numbers = (values: number[]): SignalProfile => new SignalProfile('numeric').addMany(values);
const labels = (counts: Record<string, number>): SignalProfile =>
  new SignalProfile('categorical').addMany(Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label)));
// 100 values 150..249 (median 199.5, numpy p95 244.05) and the same tripled.
const baseline = Array.from({ length: 100 }, (_, i) => 150 + i);
const tripled = baseline.map((v) => v * 3);

function explainKs(reference: SignalProfile, current: SignalProfile, method: 'ks' | 'auto' = 'ks') {
  const outcome = evaluateDrift({ method, threshold: method === 'ks' ? 0.05 : null, minSamples: 10, reference, current });
  return explainDrift({ signal: 'output_tokens', requestedMethod: method, methodSetBy: 'set on the monitor', verdict: outcome.verdict, reason: outcome.reason, reference, current, result: outcome.result });
}

describe(explainDrift.name, () => {
  it('states baseline and current median and p95 with their change, the test, p-value, threshold, verdict and counts', () => {
    const sut = explainKs(numbers(baseline), numbers(tripled));
    assert.equal(sut.sentence, 'output_tokens: median 200 → 599 tokens (+200%), p95 244 → 732 tokens (+200%); KS D = 1 ≥ 0.05, p = 2.2e-59 ≤ α = 0.01, noise floor 0.225; drift (100 baseline vs 100 current values)');
    assert.deepEqual(sut.measures.map((m) => [m.measure, m.baseline, m.current]), [['mean', 199.5, 598.5], ['p50', 199.5, 598.5], ['p95', 244.05, 732.15]]);
    assert.equal(sut.test?.thresholdAppliesTo, 'statistic');
    assert.equal(sut.test?.chosenBecause, 'set on the monitor');
    assert.equal(sut.baseline?.count, 100);
    assert.equal(sut.current?.kind === 'numeric' && sut.current.quantiles.length, 21);
  });

  it("gives auto's reasoning as why the test was chosen", () => {
    const sut = explainKs(numbers(baseline), numbers(baseline.map((v) => v + 1)), 'auto');
    assert.equal(sut.test?.method, 'wasserstein_norm');
    assert.match(sut.test!.chosenBecause, /^signal is numeric with 100 distinct reference values \(> 5\); with a reference of 100 values \(>= 100\) its null is resampled from the baseline/);
    assert.match(sut.sentence, /; no drift \(100 baseline vs 100 current values\)$/);
  });

  it('compares category shares, the most moved first', () => {
    const reference = labels({ stop: 95, length: 5 });
    const current = labels({ stop: 69, length: 31 });
    const outcome = evaluateDrift({ method: 'chi2', threshold: 0.05, minSamples: 10, reference, current });
    const sut = explainDrift({ signal: 'finish_reason', requestedMethod: 'chi2', methodSetBy: 'set on the monitor', verdict: outcome.verdict, reason: outcome.reason, reference, current, result: outcome.result });
    assert.deepEqual(sut.shares.map((s) => [s.category, s.baseline, s.current]), [['stop', 0.95, 0.69], ['length', 0.05, 0.31]]);
    assert.match(sut.sentence, /^finish_reason: "stop" 95% → 69%, "length" 5% → 31%; χ² = 22\.\d, Cramér’s V 0\.\d+ ≥ 0\.05, p = [\d.e-]+ ≤ α = 0\.01, noise floor [\d.]+; drift \(100 baseline vs 100 current values\)$/);
  });

  it('shows the noise floor and α once a result carries them, and the adjusted p-value after a correction', () => {
    const reference = numbers(baseline);
    const current = numbers(tripled);
    const outcome = evaluateDrift({ method: 'psi', threshold: 0.1, minSamples: 10, reference, current });
    const result = { ...outcome.result!, pValue: 0.001, noiseFloor: 0.052, alpha: 0.01 };
    const sut = explainDrift({ signal: 'latency_ms', requestedMethod: 'psi', methodSetBy: 'set on the monitor', verdict: 'drift', reason: outcome.reason, reference, current, result });
    assert.equal(sut.test?.noiseFloor, 0.052);
    assert.match(sut.sentence, /; PSI = [\d.]+ ≥ 0\.1, p = 0\.001 ≤ α = 0\.01, noise floor 0\.052; drift/);
    assert.match(sut.sentence, /^latency_ms: median 200 → 599 ms \(\+200%\)/);
    const corrected = withCorrection(explainKs(reference, current), 'bh', 3e-58, 'drift', 'reason');
    assert.match(corrected.sentence, /p = 2\.2e-59, adjusted \(Benjamini–Hochberg\) p = 3e-58 ≤ α = 0\.01, noise floor 0\.225; drift/);
  });

  it('says why there is no verdict when the data is insufficient', () => {
    const outcome = evaluateDrift({ method: 'ks', threshold: 0.05, minSamples: 50, reference: numbers(baseline), current: numbers([1, 2]) });
    const sut = explainDrift({ signal: 'output_tokens', requestedMethod: 'ks', methodSetBy: 'set on the monitor', verdict: outcome.verdict, reason: outcome.reason, reference: numbers(baseline), current: numbers([1, 2]), result: null });
    assert.equal(sut.sentence, 'output_tokens: insufficient data: the window has 2 samples of this signal; the monitor needs at least 50');
    assert.equal(sut.current?.count, 2);
  });
});

describe(explainPolicy.name, () => {
  it('states both sides of the rule in the signal unit, and what moved in the signals it reads', () => {
    const rule = 'p95(latency_ms) <= 1500';
    const refs = policyReferences(rule);
    const values = new Map([['window:p95(latency_ms)', 1840.4]]);
    const outcome = evaluatePolicy(rule, values, 100, 1);
    const sut = explainPolicy({
      rule, operator: outcome.operator, left: outcome.left, right: outcome.right, verdict: outcome.verdict, reason: outcome.reason,
      refs: [...refs.window, ...refs.baseline], values,
      profiles: [{ signal: 'latency_ms', reference: numbers(baseline.map((v) => v * 4)), current: numbers(baseline.map((v) => v * 8)) }],
    });
    assert.equal(sut.verdict, 'breach');
    assert.equal(sut.sentence, 'p95(latency_ms) <= 1500: 1,840 ms is not <= 1,500 ms; latency_ms: median 798 → 1,596 ms (+100%), p95 976 → 1,952 ms (+100%); breach');
    assert.equal(sut.rule?.unit, 'ms');
  });

  it('writes a cost that is tiny but not zero as a number, never 0', () => {
    const rule = 'mean(cost_usd) <= 0.00001';
    const refs = policyReferences(rule);
    const values = new Map([['window:mean(cost_usd)', 0.0000123]]);
    const outcome = evaluatePolicy(rule, values, 100, 1);
    const sut = explainPolicy({ rule, operator: outcome.operator, left: outcome.left, right: outcome.right, verdict: outcome.verdict, reason: outcome.reason, refs: refs.window, values, profiles: [] });
    assert.equal(sut.sentence, 'mean(cost_usd) <= 0.00001: $1.23e-5 is not <= $1e-5; breach');
  });

  it('tells differing sides apart in the sentence, and gives a relative change no unit', () => {
    const explain = (rule: string, values: Map<string, number>) => {
      const refs = policyReferences(rule);
      const outcome = evaluatePolicy(rule, values, 100, 1);
      return explainPolicy({ rule, operator: outcome.operator, left: outcome.left, right: outcome.right, verdict: outcome.verdict, reason: outcome.reason, refs: [...refs.window, ...refs.baseline], values, profiles: [] });
    };
    assert.equal(explain('mean(eval.score) >= 0.8', new Map([['window:mean(eval.score)', 0.79996]])).sentence, 'mean(eval.score) >= 0.8: 0.79996 is not >= 0.8; breach');
    const change = explain('(mean(latency_ms) - baseline.mean(latency_ms)) / baseline.mean(latency_ms) <= 0.1', new Map([['window:mean(latency_ms)', 1320], ['baseline:mean(latency_ms)', 1000]]));
    assert.equal(change.rule?.unit, null);
    assert.match(change.sentence, /: 0\.32 is not <= 0\.1 \(mean\(latency_ms\) = 1,320 ms, baseline\.mean\(latency_ms\) = 1,000 ms\); breach$/);
  });
});
