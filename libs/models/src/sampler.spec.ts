import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, coinSays } from './sampler.js';

describe('coinSays', () => {
  it('keeps a span when the draw falls below the probability, and always at probability 1', () => {
    const draws = [0.05, 0.1, 0.5];
    assert.deepEqual(
      draws.map((d) => coinSays({ probability: 0.1, maxPerMinute: null }, () => d)),
      [true, false, false],
    );
    assert.equal(coinSays({ probability: 1, maxPerMinute: null }, () => 0.999), true);
  });
});

describe(Sampler.name, () => {
  const minute = Date.parse('2026-11-28T10:00:00Z');

  it('admits up to the cap per model, version and minute, and everything without a cap', () => {
    const sut = new Sampler();
    const admitted = (version: string, minuteMs: number): boolean => sut.admit('m1', version, minuteMs, 2, minute);

    assert.deepEqual(
      [admitted('v1', minute), admitted('v1', minute), admitted('v1', minute), admitted('v2', minute), admitted('v1', minute + 60_000)],
      [true, true, false, true, true],
    );
    assert.equal([1, 2, 3, 4].every(() => sut.admit('m1', 'v1', minute, null, minute)), true);
  });

  it('forgets the counters of minutes ten minutes behind the clock', () => {
    const sut = new Sampler();
    assert.equal(sut.admit('m1', 'v1', minute, 1, minute), true);
    assert.equal(sut.admit('m1', 'v1', minute, 1, minute + 5 * 60_000), false);
    assert.equal(sut.admit('m1', 'v1', minute, 1, minute + 11 * 60_000), true);
  });
});
