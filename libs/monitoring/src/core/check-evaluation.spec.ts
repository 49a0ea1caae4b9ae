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
  it('judges significance on the adjusted p-value and keeps materiality', () => {
    const result = { method: 'ks', statistic: 0.2, pValue: 0.03, alpha: 0.05, threshold: 0.05, material: true, drifted: true } as const;
    assert.equal(verdictAfterCorrection(result as never, 0.09), 'ok');
    assert.equal(verdictAfterCorrection(result as never, 0.04), 'drift');
    assert.equal(verdictAfterCorrection({ ...result, material: false, drifted: false } as never, 0.04), 'ok');
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

describe('drift on small windows', () => {
  // The case: a 600-sample latency baseline and an hour of one-minute windows of 50 samples.
  const baseline = new SignalProfile('numeric').addMany(normal(600, 0, 17));
  const windows = (mean: number): SignalProfile[] =>
    Array.from({ length: 60 }, (_, minute) => new SignalProfile('numeric').addMany(normal(50, mean, 1000 + minute)));
  const verdicts = (method: 'auto' | 'wasserstein_norm', mean: number): string[] =>
    windows(mean).map((current) => evaluateDrift({ method, threshold: null, minSamples: 30, reference: baseline, current }).verdict);

  it('does not call an hour of unchanged traffic drift, where the fixed distance rule alone fires on most windows', () => {
    const fixedRule = windows(0).filter((current) => {
      const outcome = evaluateDrift({ method: 'wasserstein_norm', threshold: null, minSamples: 30, reference: baseline, current });
      return outcome.result!.statistic >= 0.1;
    }).length;
    assert.ok(fixedRule >= 40, `the fixed rule fired on ${fixedRule} of 60 windows`);
    for (const method of ['auto', 'wasserstein_norm'] as const) {
      const drifted = verdicts(method, 0).filter((v) => v === 'drift').length;
      // At alpha = 0.01, 3 or more of 60 windows would happen by chance in under 2% of hours.
      assert.ok(drifted <= 2, `${method}: ${drifted} of 60 unchanged windows called drift`);
    }
  });

  it('calls a one-sd shift drift in nearly every window', () => {
    for (const method of ['auto', 'wasserstein_norm'] as const) {
      const drifted = verdicts(method, 1).filter((v) => v === 'drift').length;
      assert.ok(drifted >= 57, `${method}: only ${drifted} of 60 shifted windows called drift`);
    }
  });
});
