import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare } from './compare.js';
import { compareProfiles } from './compare-profiles.js';
import { OTHER_CATEGORY, SignalProfile } from './signal-profile.js';
import { StatsInputError } from './stats-input.error.js';

function normal(n: number, seed: number, shift = 0): Float64Array {
  let s = seed >>> 0;
  const random = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()) + shift;
  return out;
}

describe(SignalProfile.name, () => {
  it('keeps exact mean and sd from its sums', () => {
    const sut = new SignalProfile('numeric').addMany([1, 2, 3, 4]);
    assert.deepEqual([sut.count, sut.mean(), sut.standardDeviation(), sut.min, sut.max], [4, 2.5, Math.sqrt(5 / 3), 1, 4]);
  });

  it('holds its values while within the reservoir', () => {
    assert.deepEqual(new SignalProfile('numeric', { reservoirSize: 3 }).addMany([3, 1, 2]).exactValues(), [3, 1, 2]);
  });

  it('drops its values once past the reservoir', () => {
    assert.equal(new SignalProfile('numeric', { reservoirSize: 3 }).addMany([3, 1, 2, 4]).exactValues(), null);
  });

  it('merges counts, sums and values', () => {
    const sut = new SignalProfile('numeric').addMany([1, 2]).merge(new SignalProfile('numeric').addMany([3]));
    assert.deepEqual([sut.count, sut.sum, sut.sumSquares, sut.exactValues()], [3, 6, 14, [1, 2, 3]]);
  });

  it('folds categories past the cap into __other__', () => {
    const sut = new SignalProfile('categorical', { maxCategories: 2 }).addMany(['a', 'b', 'c', 'd', 'a']);
    assert.deepEqual(Object.fromEntries(sut.categoryCounts()), { a: 2, b: 1, [OTHER_CATEGORY]: 2 });
    assert.equal(sut.foldedFraction, 0.4);
  });

  it('round-trips through JSON to the same serialisation', () => {
    const sut = new SignalProfile('numeric', { reservoirSize: 100 }).addMany(normal(5000, 3));
    const restored = SignalProfile.fromJSON(JSON.parse(JSON.stringify(sut)));
    assert.equal(JSON.stringify(restored), JSON.stringify(sut));
  });

  it('rejects a non-finite value in a numeric profile', () => {
    assert.throws(() => new SignalProfile('numeric').add(Number.NaN), StatsInputError);
  });

  it('rejects merging profiles of different kinds', () => {
    assert.throws(() => new SignalProfile('numeric').merge(new SignalProfile('categorical')), /cannot merge a categorical/);
  });

  it('estimates quantiles from the sketch once past the reservoir', () => {
    const sut = new SignalProfile('numeric', { reservoirSize: 10 }).addMany(normal(200_000, 9));
    assert.ok(Math.abs(sut.quantile(0.5)) < 0.05);
  });
});

describe(compareProfiles.name, () => {
  it('takes the exact path, equal to compare, while both profiles hold their values', () => {
    const a = normal(800, 1);
    const b = normal(600, 2, 0.2);
    const sut = compareProfiles(new SignalProfile('numeric').addMany(a), new SignalProfile('numeric').addMany(b));
    assert.deepEqual(sut, compare(a, b));
  });

  it('takes the sketch path with exact: false and an error bound past the reservoir', () => {
    const a = normal(200_000, 1);
    const b = normal(200_000, 2, 0.5);
    const sut = compareProfiles(
      new SignalProfile('numeric', { reservoirSize: 1000 }).addMany(a),
      new SignalProfile('numeric', { reservoirSize: 1000 }).addMany(b),
      { method: 'ks' },
    );
    const exact = compare(a, b, { method: 'ks' });
    assert.equal(sut.exact, false);
    assert.ok(sut.errorBound !== null && Math.abs(sut.statistic - exact.statistic) <= sut.errorBound);
  });

  it('bounds the sketched normalised Wasserstein distance by its reported error bound', () => {
    const a = normal(100_000, 5);
    const b = normal(100_000, 6, 0.3);
    const sut = compareProfiles(
      new SignalProfile('numeric', { reservoirSize: 10 }).addMany(a),
      new SignalProfile('numeric', { reservoirSize: 10 }).addMany(b),
      { method: 'wasserstein_norm' },
    );
    assert.ok(Math.abs(sut.statistic - compare(a, b, { method: 'wasserstein_norm' }).statistic) <= sut.errorBound!);
  });

  it('compares categorical profiles past the reservoir exactly from their counts', () => {
    const reference = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'x' : 'y'));
    const current = Array.from({ length: 40 }, (_, i) => (i % 4 ? 'x' : 'y'));
    const sut = compareProfiles(
      new SignalProfile('categorical', { reservoirSize: 5 }).addMany(reference),
      new SignalProfile('categorical', { reservoirSize: 5 }).addMany(current),
      { method: 'chi2' },
    );
    assert.deepEqual([sut.exact, sut.statistic], [true, compare(reference, current, { method: 'chi2' }).statistic]);
  });

  it('rejects an empty profile', () => {
    assert.throws(() => compareProfiles(new SignalProfile('numeric'), new SignalProfile('numeric').add(1)), /reference profile is empty/);
  });
});
