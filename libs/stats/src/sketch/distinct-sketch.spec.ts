import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DistinctSketch } from './distinct-sketch.js';

function digest(item: string): Buffer {
  return createHash('sha256').update(item).digest();
}

function sketchOf(items: Iterable<string>, precision?: number): DistinctSketch {
  const sketch = new DistinctSketch(precision);
  for (const item of items) sketch.addDigest(digest(item));
  return sketch;
}

function* range(from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) yield `input ${i}`;
}

describe('DistinctSketch', () => {
  it('is exact or nearly so for small counts, and 0 when empty', () => {
    assert.equal(new DistinctSketch().estimate(), 0);
    for (const n of [1, 2, 10, 100]) assert.ok(Math.abs(sketchOf(range(0, n)).estimate() - n) < 0.02 * n + 0.5, `n = ${n}`);
  });

  it('stays within four standard errors at 1k to 1M distinct items, repeats not counted', () => {
    for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
      const sketch = sketchOf(range(0, n));
      for (const item of range(0, Math.min(n, 50_000))) sketch.addDigest(digest(item));
      const error = Math.abs(sketch.estimate() - n) / n;
      assert.ok(error < 4 * sketch.standardError, `n = ${n}: relative error ${error.toFixed(4)} vs σ ${sketch.standardError.toFixed(4)}`);
    }
  });

  it('merges to the union and survives JSON', () => {
    const a = sketchOf(range(0, 60_000));
    const b = sketchOf(range(40_000, 100_000));
    a.merge(b);
    assert.deepEqual(a.toJSON(), sketchOf(range(0, 100_000)).toJSON());
    const copy = DistinctSketch.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    assert.equal(copy.estimate(), a.estimate());
    assert.ok(Math.abs(copy.estimate() - 100_000) / 100_000 < 4 * copy.standardError);
  });

  it('refuses a bad precision, a foreign merge and corrupt registers', () => {
    assert.throws(() => new DistinctSketch(3), /precision must be a whole number from 4 to 18/);
    assert.throws(() => new DistinctSketch(14).merge(new DistinctSketch(12)), /cannot merge a precision-12 sketch/);
    assert.throws(() => DistinctSketch.fromJSON({ precision: 4, registers: Buffer.alloc(16, 70).toString('base64') }), /register value 70 exceeds 61/);
    assert.throws(() => DistinctSketch.fromJSON({ precision: 4, registers: Buffer.alloc(8).toString('base64') }), /has 16 registers, got 8/);
  });
});
