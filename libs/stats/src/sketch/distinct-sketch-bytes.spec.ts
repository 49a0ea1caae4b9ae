import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { StatsInputError } from '../stats-input.error.js';
import { DistinctSketch } from './distinct-sketch.js';
import { encodeDistinctRegisters, mergeDistinctBytes, unionOfDistinctBytes } from './distinct-sketch-bytes.js';

const P = 14;

function sketchOf(items: Iterable<string>): { registers: Uint8Array; sketch: DistinctSketch } {
  const registers = new Uint8Array(1 << P);
  const sketch = new DistinctSketch(P, registers);
  for (const item of items) sketch.addDigest(createHash('sha256').update(item).digest());
  return { registers, sketch };
}
const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `input ${from + i}`);

describe(encodeDistinctRegisters.name, () => {
  it('stores a small sketch sparse, a full one dense, and both read back as they were', () => {
    for (const [items, dense] of [[range(0, 100), false], [range(0, 200_000), true]] as const) {
      const { registers } = sketchOf(items);
      const bytes = encodeDistinctRegisters(P, registers);
      assert.equal(bytes.length === 2 + registers.length, dense);
      const back = new Uint8Array(1 << P);
      mergeDistinctBytes(bytes, P, back);
      assert.deepEqual(back, registers);
    }
  });
});

describe(unionOfDistinctBytes.name, () => {
  it('counts the union of the stored sketches, as one sketch of every item would', () => {
    const hours = [range(0, 3000), range(2000, 6000), range(5000, 9000)];
    const stored = hours.map((items) => encodeDistinctRegisters(P, sketchOf(items).registers));
    const whole = sketchOf(hours.flat());
    const sut = unionOfDistinctBytes(stored);
    assert.equal(sut.estimate(), whole.sketch.estimate());
    assert.ok(Math.abs(sut.estimate() - 9000) / 9000 < 3 * sut.standardError, String(sut.estimate()));
  });

  it('is an empty sketch without rows, and refuses bytes of another precision or shape', () => {
    assert.equal(unionOfDistinctBytes([]).estimate(), 0);
    assert.throws(() => unionOfDistinctBytes([encodeDistinctRegisters(12, new Uint8Array(1 << 12))], P), StatsInputError);
    assert.throws(() => unionOfDistinctBytes([Uint8Array.of(2, P, 0, 1)]), StatsInputError);
    assert.throws(() => unionOfDistinctBytes([Uint8Array.of(2, P, 0x40, 0, 1)]), StatsInputError);
  });
});
