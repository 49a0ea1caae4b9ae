import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextAttemptDelayMs, parseRetryAfter } from './retry-schedule.js';

const SPEC = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

describe(nextAttemptDelayMs.name, () => {
  it('follows the schedule with up to 20% jitter and stops after the last attempt', () => {
    assert.equal(nextAttemptDelayMs(1, SPEC, null, () => 0), 5_000);
    assert.equal(nextAttemptDelayMs(1, SPEC, null, () => 0.999), 5_999);
    assert.equal(nextAttemptDelayMs(2, SPEC, null, () => 0.5), 330_000);
    assert.equal(nextAttemptDelayMs(9, SPEC, null, () => 0), 86_400_000);
    assert.equal(nextAttemptDelayMs(10, SPEC, null, () => 0), null);
  });

  it('waits at least as long as Retry-After asks, up to a day', () => {
    assert.equal(nextAttemptDelayMs(1, SPEC, 120, () => 0), 120_000);
    assert.equal(nextAttemptDelayMs(1, SPEC, 1, () => 0), 5_000);
    assert.equal(nextAttemptDelayMs(1, SPEC, 10 ** 9, () => 0), 86_400_000);
  });
});

describe(parseRetryAfter.name, () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now), 60);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});
