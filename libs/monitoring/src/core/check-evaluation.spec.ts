import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignalProfile } from '@assay/stats';
import { evaluateDrift, evaluatePolicy, verdictAfterCorrection } from './check-evaluation.js';

function normal(n: number, mean: number, seed: number): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  return Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe(evaluateDrift.name, () => {
  const reference = new SignalProfile('numeric').addMany(normal(500, 0, 1));

  it('flags a shifted window with KS and passes an unshifted one', () => {
    const shifted = evaluateDrift({ method: 'ks', threshold: 0.05, minSamples: 30, reference, current: new SignalProfile('numeric').addMany(normal(400, 1, 2)) });
    assert.equal(shifted.verdict, 'drift');
    assert.ok(shifted.result!.pValue! < 1e-10);
    const same = evaluateDrift({ method: 'ks', threshold: 0.05, minSamples: 30, reference, current: new SignalProfile('numeric').addMany(normal(400, 0, 3)) });
    assert.equal(same.verdict, 'ok');
    assert.equal(same.nReference, 500);
    assert.equal(same.nCurrent, 400);
  });

  it('reports insufficient data below the minimum sample count, with the counts in the reason', () => {
    const outcome = evaluateDrift({ method: 'auto', threshold: null, minSamples: 30, reference, current: new SignalProfile('numeric').addMany([1, 2, 3]) });
    assert.equal(outcome.verdict, 'insufficient_data');
    assert.equal(outcome.reason, 'the window has 3 samples of this signal; the monitor needs at least 30');
    assert.equal(outcome.result, null);
  });

  it('turns a stats refusal (mismatched kinds) into insufficient data, not a crash', () => {
    const outcome = evaluateDrift({ method: 'auto', threshold: null, minSamples: 1, reference, current: new SignalProfile('categorical').addMany(['a', 'b']) });
    assert.equal(outcome.verdict, 'insufficient_data');
    assert.match(outcome.reason, /cannot compare a numeric reference profile with a categorical current profile/);
  });
});

describe(verdictAfterCorrection.name, () => {
  it('follows the adjusted p-value for p-value methods', () => {
    const result = { method: 'ks', statistic: 0.2, pValue: 0.03, threshold: 0.05, drifted: true } as const;
    assert.equal(verdictAfterCorrection(result as never, 0.09), 'ok');
    assert.equal(verdictAfterCorrection(result as never, 0.04), 'drift');
  });
});

describe(evaluatePolicy.name, () => {
  it('breaches when the rule fails and explains the numbers', () => {
    const outcome = evaluatePolicy('p95(latency_ms) <= 1500', new Map([['window:p95(latency_ms)', 1800]]), 100, 10);
    assert.equal(outcome.verdict, 'breach');
    assert.equal(outcome.left, 1800);
    assert.equal(outcome.right, 1500);
  });

  it('passes, and is insufficient below the minimum or without a value', () => {
    assert.equal(evaluatePolicy('p95(latency_ms) <= 1500', new Map([['window:p95(latency_ms)', 900]]), 100, 10).verdict, 'ok');
    assert.equal(evaluatePolicy('p95(latency_ms) <= 1500', new Map([['window:p95(latency_ms)', 900]]), 5, 10).verdict, 'insufficient_data');
    assert.equal(evaluatePolicy('p95(latency_ms) <= 1500', new Map([['window:p95(latency_ms)', null]]), 50, 10).verdict, 'insufficient_data');
  });
});
