import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare } from './compare.js';
import { compareProfiles } from './compare-profiles.js';
import { OTHER_CATEGORY, SignalProfile, type SignalProfileJSON } from './signal-profile.js';
import { QuantileSketch } from './sketch/quantile-sketch.js';
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

  it('serialises no sketch while it holds at most k values, and rebuilds it from them in arrival order', () => {
    const values = normal(300, 11);
    const sut = new SignalProfile('numeric').addMany(values.subarray(0, 100));
    for (const v of values.subarray(100)) sut.add(v);
    const fromValues = new QuantileSketch(400);
    fromValues.updateMany(values);

    const json = sut.toJSON();
    const restored = SignalProfile.fromJSON(JSON.parse(JSON.stringify(json)) as SignalProfileJSON);

    assert.deepEqual([json.sketch, json.sketchK, json.values?.length], [null, 400, 300]);
    assert.deepEqual(restored.quantileSketch().toJSON(), fromValues.toJSON());
    assert.deepEqual(sut.quantileSketch().toJSON(), fromValues.toJSON());
  });

  it('serialises its sketch once it holds more than k values, so that readers need not rebuild it', () => {
    const values = normal(3_000, 15);
    const fromValues = new QuantileSketch(64);
    fromValues.updateMany(values);

    const json = new SignalProfile('numeric', { sketchK: 64 }).addMany(values).toJSON();

    assert.equal(json.values?.length, 3_000);
    assert.deepEqual(json.sketch, fromValues.toJSON());
    assert.equal(json.sketchK, undefined);
  });

  it('builds its sketch from the kept values when they overflow, then keeps it updated', () => {
    const values = normal(2_500, 12);
    const sut = new SignalProfile('numeric', { reservoirSize: 1_000, sketchK: 32, seed: 9 });
    for (const v of values) sut.add(v);
    const fromValues = new QuantileSketch(32, 9);
    fromValues.updateMany(values.subarray(0, 1_000));
    for (const v of values.subarray(1_000)) fromValues.update(v);

    const json = sut.toJSON();

    assert.equal(json.values, null);
    assert.deepEqual(json.sketch, fromValues.toJSON());
    assert.equal(sut.quantile(0.5), fromValues.quantile(0.5));
  });

  it('merges a profile holding values into one past its reservoir through their sketches', () => {
    const small = new SignalProfile('numeric', { reservoirSize: 100, sketchK: 32 }).addMany(normal(50, 13));
    const large = new SignalProfile('numeric', { reservoirSize: 100, sketchK: 32 }).addMany(normal(500, 14));

    small.merge(large);

    assert.deepEqual([small.count, small.exactValues(), small.quantileSketch().count], [550, null, 550]);
  });

  it('refuses a serialised numeric profile whose kept values are not all finite numbers, or that has neither values nor a sketch', () => {
    const json = new SignalProfile('numeric').addMany([1, 2, 3]).toJSON();
    assert.throws(() => SignalProfile.fromJSON({ ...json, values: [1, 'x', 3] }), /not a finite number/);
    assert.throws(() => SignalProfile.fromJSON({ ...json, values: null }), /neither values nor a sketch/);
  });

  it('still reads profiles serialised with both their values and their sketch', () => {
    const values = [3, 1, 2, 5, 4];
    const sketch = new QuantileSketch(200);
    sketch.updateMany(Float64Array.from(values));
    const json = { ...new SignalProfile('numeric', { sketchK: 200 }).addMany(values).toJSON(), sketch: sketch.toJSON() };
    delete json.sketchK;

    const restored = SignalProfile.fromJSON(json);

    assert.deepEqual([restored.count, restored.quantile(0.5), restored.quantileSketch().toJSON()], [5, 3, sketch.toJSON()]);
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
