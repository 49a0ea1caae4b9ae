import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sketchKsStatistic } from '../compare-profiles.js';
import { ksStatistic } from '../methods/kolmogorov-smirnov.js';
import { QuantileSketch } from './quantile-sketch.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

const generators: Record<string, (random: () => number, shift: number) => number> = {
  uniform: (r, shift) => r() + shift,
  normal: (r, shift) => Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r()) + shift,
  'heavy-tailed (Pareto α=1.2)': (r, shift) => (1 - r()) ** (-1 / 1.2) + shift,
  'blocky (7 distinct values)': (r, shift) => Math.floor(r() * 7 + shift),
};

function sample(name: string, n: number, seed: number, shift: number): Float64Array {
  const random = seeded(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = generators[name]!(random, shift);
  return out;
}

function sketchOf(values: Float64Array): QuantileSketch {
  const sketch = new QuantileSketch();
  sketch.updateMany(values);
  return sketch;
}

describe(QuantileSketch.name, () => {
  for (const name of Object.keys(generators)) {
    it(`estimates the KS statistic within the stated bound on ${name} data`, () => {
      const reference = sample(name, 400_000, 11, 0);
      const current = sample(name, 250_000, 29, 0.05);
      const exact = ksStatistic(reference.slice().sort(), current.slice().sort());
      const sutReference = sketchOf(reference);
      const sutCurrent = sketchOf(current);
      const bound = sutReference.rankErrorBound() + sutCurrent.rankErrorBound();
      const estimate = sketchKsStatistic(sutReference, sutCurrent);
      assert.ok(Math.abs(estimate - exact) <= bound, `|${estimate} - ${exact}| > ${bound}`);
    });
  }

  it('states a bound under 3% per sketch for a million values', () => {
    assert.ok(sketchOf(sample('uniform', 1_000_000, 5, 0)).rankErrorBound() < 0.03);
  });

  it('is exact (bound 0) before its first compaction', () => {
    const sut = sketchOf(Float64Array.from([3, 1, 2]));
    assert.deepEqual([sut.rankErrorBound(), sut.quantile(0.5), sut.cdf(2)], [0, 2, 2 / 3]);
  });

  it('keeps every single rank within its bound', () => {
    const values = sample('normal', 300_000, 8, 0);
    const sut = sketchOf(values);
    const sorted = values.slice().sort();
    for (let q = 0.01; q < 1; q += 0.01) {
      const index = Math.floor(q * sorted.length);
      assert.ok(Math.abs(sut.cdf(sorted[index]!) - (index + 1) / sorted.length) <= sut.rankErrorBound());
    }
  });

  it('gives the same sketch for single and bulk updates of the same stream', () => {
    const values = sample('uniform', 50_000, 2, 0);
    const single = new QuantileSketch();
    for (const v of values) single.update(v);
    assert.deepEqual(single.toJSON(), sketchOf(values).toJSON());
  });

  it('serialises to the same digest for the same input', () => {
    const digest = (): string => createHash('sha256').update(JSON.stringify(sketchOf(sample('normal', 700_000, 4, 0)))).digest('hex');
    assert.equal(digest(), digest());
  });

  it('round-trips through JSON', () => {
    const sut = sketchOf(sample('normal', 700_000, 4, 0));
    assert.deepEqual(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sut))).toJSON(), sut.toJSON());
  });

  it('merges into a sketch that still meets its bound', () => {
    const a = sample('normal', 300_000, 1, 0);
    const b = sample('normal', 300_000, 2, 0);
    const sut = sketchOf(a).merge(sketchOf(b));
    const all = new Float64Array([...a, ...b]).sort();
    assert.equal(sut.count, 600_000);
    const median = all[300_000]!;
    assert.ok(Math.abs(sut.cdf(median) - 300_001 / 600_000) <= sut.rankErrorBound());
  });

  it('rejects a tampered serialisation whose weights do not add up', () => {
    const json = sketchOf(Float64Array.from([1, 2, 3])).toJSON();
    assert.throws(() => QuantileSketch.fromJSON({ ...json, n: 4 }), /weights sum to 3, not n = 4/);
  });
});
