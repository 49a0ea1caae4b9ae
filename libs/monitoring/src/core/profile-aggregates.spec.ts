import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyRule, requiredAggregates } from '@assay/policy';
import { SignalProfile } from '@assay/stats';
import { aggregatesFromProfiles } from './profile-aggregates.js';

function refsOf(rule: string) {
  return requiredAggregates(parsePolicyRule(rule));
}

describe(aggregatesFromProfiles.name, () => {
  it('computes exact aggregates while the profile still holds every value', () => {
    const latency = new SignalProfile('numeric').addMany([100, 200, 300, 400, 500]);
    const values = aggregatesFromProfiles(refsOf('p50(latency_ms) + mean(latency_ms) + max(latency_ms) < count()'), new Map([['latency_ms', latency]]), 5);
    assert.deepEqual(Object.fromEntries(values), {
      'window:p50(latency_ms)': 300,
      'window:mean(latency_ms)': 300,
      'window:max(latency_ms)': 500,
      'window:count()': 5,
    });
  });

  it('computes a categorical rate from category counts past the reservoir', () => {
    const finish = new SignalProfile('categorical', { reservoirSize: 10 });
    for (let i = 0; i < 1000; i++) finish.add(i % 50 === 0 ? 'content_filter' : 'stop');
    const values = aggregatesFromProfiles(refsOf('rate(finish_reason == "content_filter") < 0.01'), new Map([['finish_reason', finish]]), 1000);
    assert.equal(values.get('window:rate(finish_reason == "content_filter")'), 0.02);
  });

  it('answers quantiles from the sketch within its error once values are folded', () => {
    const profile = new SignalProfile('numeric', { reservoirSize: 100 });
    for (let i = 1; i <= 100_000; i++) profile.add(i);
    const values = aggregatesFromProfiles(refsOf('p95(x) < 1'), new Map([['x', profile]]), 100_000);
    const p95 = values.get('window:p95(x)')!;
    assert.ok(Math.abs(p95 - 95_000) < 100_000 * 0.02, `p95 ${p95}`);
    const mean = aggregatesFromProfiles(refsOf('mean(x) < 1'), new Map([['x', profile]]), 100_000).get('window:mean(x)');
    assert.equal(mean, 50_000.5);
  });

  it('gives null, not NaN, for a signal the window never saw, and 0 for its count', () => {
    const values = aggregatesFromProfiles(refsOf('mean(missing) + count(missing) > 0'), new Map(), 0);
    assert.equal(values.get('window:mean(missing)'), null);
    assert.equal(values.get('window:count(missing)'), 0);
  });
});
