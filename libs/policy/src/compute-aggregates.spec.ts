import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeAggregates, evaluateRuleOnSamples } from './compute-aggregates.js';
import { parsePolicyRule } from './parser.js';
import type { AggregateRef, Sample } from './policy-rule.js';
import { requiredAggregates } from './references.js';

function refsOf(...rules: string[]): AggregateRef[] {
  return rules.flatMap((rule) => requiredAggregates(parsePolicyRule(rule)));
}

function valueOf(aggregate: string, samples: readonly Sample[]): number | null {
  const [ref] = refsOf(`${aggregate} > 0`);
  return computeAggregates([ref!], samples).get(ref!.key) ?? null;
}

// 501 values with repeats; the same expression in Python gives numpy's reference values.
const spread: Sample[] = Array.from({ length: 501 }, (_, i) => ({ x: ((i * 7919) % 1009) / 7.3 - 40 }));

describe(computeAggregates.name, () => {
  it('matches numpy quantiles with linear interpolation exactly', () => {
    const levels = [1, 5, 25, 50, 73, 95, 99];
    const sut = levels.map((level) => valueOf(`p${level}(x)`, spread));
    assert.deepEqual(sut, [
      -38.76712328767123, -33.15068493150685, -5.7534246575342465, 28.76712328767124, 60.41095890410959, 90.95890410958904,
      96.57534246575344,
    ]);
  });

  it('matches numpy std with ddof=1', () => {
    assert.ok(Math.abs(valueOf('stddev(x)', spread)! - 39.93744957891836) < 1e-12);
  });

  it('matches math.fsum for sum and mean', () => {
    assert.deepEqual([valueOf('sum(x)', spread), valueOf('mean(x)', spread)], [14470.68493150685, 28.883602657698304]);
  });

  it('sums without losing small terms next to large ones', () => {
    const samples = Array.from({ length: 200 }, (_, i) => ({ x: [1e16, 1, -1e16, 1][i % 4] }));
    assert.equal(valueOf('sum(x)', samples), 100);
  });

  it('finds min and max', () => {
    assert.deepEqual([valueOf('min(x)', spread), valueOf('max(x)', spread)], [-40, 97.8082191780822]);
  });

  it('reads only finite numbers for numeric aggregates', () => {
    const samples: Sample[] = [{ x: 1 }, { x: '7' }, { x: true }, { x: null }, {}, { x: Number.NaN }, { x: Number.POSITIVE_INFINITY }, { x: 3 }];
    assert.deepEqual([valueOf('mean(x)', samples), valueOf('max(x)', samples), valueOf('p50(x)', samples)], [2, 3, 2]);
  });

  it('counts samples, and samples carrying a signal of any type', () => {
    const samples: Sample[] = [{ x: 1 }, { x: 'a' }, { x: false }, { x: null }, { y: 2 }, { x: Number.NaN }];
    assert.deepEqual([valueOf('count()', samples), valueOf('count(x)', samples)], [6, 3]);
  });

  it('gives null for mean, min, max, quantiles and rate over an empty window, and zero for counts and sum', () => {
    const sut = computeAggregates(refsOf('mean(x) + min(x) + max(x) + p95(x) + stddev(x) + rate(y == 1) + count() + count(x) + sum(x) > 0'), []);
    assert.deepEqual(Object.fromEntries(sut), {
      'window:mean(x)': null,
      'window:min(x)': null,
      'window:max(x)': null,
      'window:p95(x)': null,
      'window:stddev(x)': null,
      'window:rate(y == 1)': null,
      'window:count()': 0,
      'window:count(x)': 0,
      'window:sum(x)': 0,
    });
  });

  it('needs two values for a standard deviation', () => {
    assert.deepEqual([valueOf('stddev(x)', [{ x: 4 }]), valueOf('stddev(x)', [{ x: 4 }, { x: 6 }])], [null, Math.SQRT2]);
  });

  it('takes the single value as every quantile of a one-sample window', () => {
    assert.deepEqual([valueOf('p1(x)', [{ x: 7 }]), valueOf('p99(x)', [{ x: 7 }])], [7, 7]);
  });

  it('divides a rate by the samples that carry a signal the condition reads', () => {
    const samples: Sample[] = [{ reason: 'content_filter' }, { reason: 'stop' }, { reason: 'stop' }, { reason: 'stop' }, {}, { other: 1 }];
    assert.equal(valueOf('rate(reason == "content_filter")', samples), 0.25);
  });

  it('counts a sample in a rate when any one of the condition signals is present', () => {
    const samples: Sample[] = [{ a: 1 }, { b: 1 }, { a: 2, b: 2 }, {}];
    assert.equal(valueOf('rate(a == 1 or b == 1)', samples), 2 / 3);
  });

  it('computes a key once even when it is asked for twice', () => {
    const sut = computeAggregates(refsOf('p50(x) > 0', 'median(x) > 0'), spread);
    assert.deepEqual([...sut.keys()], ['window:p50(x)']);
  });
});

describe(evaluateRuleOnSamples.name, () => {
  it('reads baseline aggregates from the baseline samples', () => {
    const sut = evaluateRuleOnSamples(parsePolicyRule('mean(x) <= 1.5 * baseline.mean(x)'), [{ x: 4 }], [{ x: 2 }, { x: 4 }]);
    assert.deepEqual([sut.left, sut.right, sut.passed], [4, 4.5, true]);
  });

  it('has insufficient data for a baseline aggregate when no baseline is given', () => {
    const sut = evaluateRuleOnSamples(parsePolicyRule('mean(x) <= baseline.mean(x)'), [{ x: 4 }]);
    assert.deepEqual([sut.left, sut.right, sut.passed], [4, null, null]);
  });
});
