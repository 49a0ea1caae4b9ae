import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LocalCaps, coinSays, type CapDemand } from './sampler.js';

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

describe(LocalCaps.name, () => {
  const minute = Date.parse('2026-11-28T10:00:00Z');
  const demand = (version: string, wanted: number, minuteMs = minute, maxPerMinute = 5): CapDemand => ({ modelId: 'm1', version, minuteMs, maxPerMinute, wanted });

  it('grants up to the cap per model, version and minute, over successive requests', () => {
    const sut = new LocalCaps();
    assert.deepEqual(sut.grant([demand('v1', 3), demand('v2', 7), demand('v1', 1, minute + 60_000)], minute), [3, 5, 1]);
    assert.deepEqual(sut.grant([demand('v1', 3), demand('v2', 1)], minute), [2, 0]);
    assert.deepEqual(sut.grant([demand('v1', 1)], minute), [0]);
  });

  it('takes back what it granted to spans that were not stored', () => {
    const sut = new LocalCaps();
    const demands = [demand('v1', 4)];
    const granted = sut.grant(demands, minute);
    assert.deepEqual(granted, [4]);
    sut.release(demands, granted);
    assert.deepEqual(sut.grant([demand('v1', 9)], minute), [5]);
  });

  it('forgets the counters of minutes ten minutes behind the clock', () => {
    const sut = new LocalCaps();
    assert.deepEqual(sut.grant([demand('v1', 1, minute, 1)], minute), [1]);
    assert.deepEqual(sut.grant([demand('v1', 1, minute, 1)], minute + 5 * 60_000), [0]);
    assert.deepEqual(sut.grant([demand('v1', 1, minute, 1)], minute + 11 * 60_000), [1]);
  });
});
