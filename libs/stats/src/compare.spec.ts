import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare, compareMany } from './compare.js';
import type { ConcreteDriftMethod, DriftResult } from './drift-result.js';
import { StatsInputError } from './stats-input.error.js';

const NUMERIC_METHODS: ConcreteDriftMethod[] = ['ks', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'chi2'];

function assertNoNaN(result: DriftResult): void {
  for (const key of ['statistic', 'pValue', 'threshold', 'effectSize', 'errorBound'] as const) {
    const value = result[key];
    assert.ok(value === null || Number.isFinite(value), `${result.method}.${key} is ${value}`);
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

describe(compare.name, () => {
  it('rejects an empty reference with a StatsInputError naming it', () => {
    assert.throws(() => compare([], [1, 2]), (e: unknown) => e instanceof StatsInputError && /reference is empty/.test(e.message));
  });

  it('rejects an empty current sample', () => {
    assert.throws(() => compare([1, 2], []), /current is empty/);
  });

  it('rejects NaN with the index of the offending value', () => {
    assert.throws(() => compare([1, Number.NaN, 3], [1, 2]), /reference\[1\] is NaN/);
  });

  it('rejects Infinity in the current sample', () => {
    assert.throws(() => compare([1, 2], [3, -Infinity]), /current\[1\] is -Infinity/);
  });

  it('rejects a mix of numbers and strings unless the kind is categorical', () => {
    assert.throws(() => compare([1, 'a'], [2, 3]), /mixes numbers with strings/);
  });

  it('compares mixed numbers and strings as labels when told they are categorical', () => {
    const sut = compare([1, 'a'], ['1', 'a'], { kind: 'categorical', method: 'chi2' });
    assert.equal(sut.statistic, 0);
  });

  it('rejects null values', () => {
    assert.throws(() => compare([1, null as unknown as number], [1]), /reference\[1\] is null/);
  });

  it('rejects an unknown method by listing the valid ones', () => {
    assert.throws(() => compare([1], [1], { method: 'median' as 'ks' }), /method must be one of auto, ks/);
  });

  it('rejects a negative threshold', () => {
    assert.throws(() => compare([1], [1], { threshold: -1 }), /threshold must be a finite number/);
  });

  it('rejects a numeric method on categorical data', () => {
    assert.throws(() => compare(['a'], ['b'], { method: 'ks' }), /ks needs numeric values/);
  });

  it('rejects the z-test on more than two categories', () => {
    assert.throws(() => compare(['a', 'b'], ['c'], { method: 'ztest' }), /ztest needs a binary signal/);
  });

  it('answers every method without NaN for single-element samples', () => {
    for (const method of NUMERIC_METHODS) assertNoNaN(compare([1], [2], { method }));
  });

  it('answers every method without NaN when all values are equal', () => {
    for (const method of NUMERIC_METHODS) {
      const sut = compare([5, 5, 5], [5, 5], { method });
      assertNoNaN(sut);
      assert.equal(sut.drifted, false, method);
    }
  });

  it('floors a zero reference standard deviation when normalising Wasserstein', () => {
    const sut = compare([5, 5, 5], [5, 6], { method: 'wasserstein_norm' });
    assert.equal(sut.statistic, 0.5 / 1e-3);
    assert.match(sut.reason, /floored/);
  });

  it('finds no drift between identical samples under any method', () => {
    const values = [0.1, 0.5, 0.9, 1.3, 2.2, 3.1, 4.5];
    for (const method of NUMERIC_METHODS) assert.equal(compare(values, values, { method }).drifted, false, method);
  });

  it('keeps a category seen only in the current sample as its own bin', () => {
    const sut = compare(['a', 'a', 'b'], ['a', 'b', 'new'], { method: 'jensenshannon' });
    assert.ok(sut.statistic > 0);
    assert.match(sut.reason, /3 categories/);
  });

  it('floors an empty reference bin at 1e-4 in PSI', () => {
    const sut = compare(['a', 'a'], ['a', 'b'], { method: 'psi' });
    assert.ok(Math.abs(sut.statistic - ((0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4))) < 1e-12);
  });

  it('calls drift when p <= alpha and the effect reaches the threshold', () => {
    const sut = compare([1, 2, 3, 4, 5, 6, 7, 8], [11, 12, 13, 14, 15, 16, 17, 18], { method: 'ks', threshold: 0.5 });
    assert.deepEqual([sut.threshold, sut.alpha, sut.significant, sut.material, sut.drifted], [0.5, 0.01, true, true, true]);
  });

  it('does not call a material but insignificant difference drift', () => {
    const sut = compare([1, 2, 3], [2, 3, 4], { method: 'ks', threshold: 0.1 });
    assert.deepEqual([sut.significant, sut.material, sut.drifted], [false, true, false]);
  });

  it('judges materiality of distances by statistic >= threshold, and needs significance too', () => {
    const sut = compare(['a', 'b'], ['a', 'b'], { method: 'hellinger', threshold: 0 });
    assert.deepEqual([sut.material, sut.significant, sut.drifted], [true, false, false]);
  });

  it('defaults the raw Wasserstein threshold to a tenth of the reference standard deviation', () => {
    const sut = compare([1, 2, 3], [1, 2, 3], { method: 'wasserstein' });
    assert.equal(sut.threshold, 0.1);
  });

  it('reports the reference and current sizes', () => {
    const sut = compare([1, 2, 3], [4, 5], { method: 'ks' });
    assert.deepEqual([sut.nReference, sut.nCurrent, sut.exact, sut.errorBound], [3, 2, true, null]);
  });

  it('accepts Float64Array input', () => {
    assert.equal(compare(new Float64Array([1, 2, 3]), new Float64Array([1, 2, 3]), { method: 'ks' }).statistic, 0);
  });

  it('returns one result per requested method from compareMany', () => {
    const results = compareMany([1, 2, 3, 4], [2, 3, 4, 5], ['ks', 'psi', 'wasserstein_norm']);
    assert.deepEqual(results.map((r) => r.method), ['ks', 'psi', 'wasserstein_norm']);
  });
  it('writes its reason with the one number formatter: a tiny p-value in scientific notation, never 0', () => {
    const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
    const sut = compare(range(0, 200), range(1000, 200), { method: 'ks' });
    assert.ok(sut.pValue! > 0 && sut.pValue! < 1e-100, String(sut.pValue));
    assert.match(sut.reason, /^drift: ks = 1, significant \(p = \d(\.\d)?e-\d{3} <= alpha 0\.01, noise floor 0\.\d+\) and material \(effect 1 >= threshold 0\.05\)/);
    const underflowed = compare(range(0, 5000), range(10_000, 5000), { method: 'ks' });
    assert.equal(underflowed.pValue, 0);
    assert.match(underflowed.reason, /\(p < 1e-300 <= alpha 0\.01/);
  });

  it('writes huge distances in scientific notation and groups the thousands of large ones', () => {
    const huge = compare([1e20, 2e20, 3e20, 4e20], [5e21, 6e21, 7e21, 8e21], { method: 'wasserstein' });
    assert.match(huge.reason, /^(no )?drift: wasserstein = 6\.25e21, /);
    const large = compare([0, 1, 2, 3], [12_345, 12_346, 12_347, 12_348], { method: 'wasserstein_norm' });
    assert.match(large.reason, /\(distance 12,345 over reference sd\)$/);
  });
});

describe('auto method choice', () => {
  const random = seeded(3);
  const numbers = (n: number, shift = 0): number[] => Array.from({ length: n }, () => random() + shift);

  it('uses the normalised Wasserstein distance for a numeric reference of 100 values or more with many distinct values', () => {
    const sut = compare(numbers(500), numbers(300));
    assert.equal(sut.method, 'wasserstein_norm');
    assert.equal(sut.pValueMethod, 'resampled');
    assert.match(sut.reason, /auto chose wasserstein_norm: signal is numeric with 500 distinct reference values \(> 5\); with a reference of 500 values \(>= 100\) its null is resampled/);
  });

  it('uses KS, whose null is exact, for a numeric reference of fewer than 100 values', () => {
    const sut = compare(numbers(99), numbers(300));
    assert.equal(sut.method, 'ks');
    assert.match(sut.reason, /auto chose ks: signal is numeric with 99 distinct reference values \(> 5\); a reference of 99 values \(< 100\) is too few to resample a null from/);
  });

  it('uses chi-square for a small numeric reference with at most five distinct values', () => {
    assert.equal(compare([1, 2, 3, 1, 2, 3], [1, 2, 3, 3]).method, 'chi2');
  });

  it('uses the z-test for a small binary signal', () => {
    assert.equal(compare([true, false, true], [false, false]).method, 'ztest');
  });

  it('uses chi-square for a small categorical signal', () => {
    assert.equal(compare(['a', 'b', 'c'], ['a', 'c']).method, 'chi2');
  });

  it('uses normalised Wasserstein at 0.1 for a large numeric reference', () => {
    const sut = compare(numbers(1001), numbers(200, 0.5));
    assert.deepEqual([sut.method, sut.threshold, sut.drifted], ['wasserstein_norm', 0.1, true]);
  });

  it('uses Jensen–Shannon at 0.1 for a large categorical reference', () => {
    const reference = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 'x' : 'y'));
    const sut = compare(reference, ['x', 'y']);
    assert.deepEqual([sut.method, sut.threshold], ['jensenshannon', 0.1]);
  });
});
