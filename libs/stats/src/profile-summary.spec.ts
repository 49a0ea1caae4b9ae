import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, summarisePair, SUMMARY_QUANTILE_LEVELS } from './profile-summary.js';
import { SignalProfile } from './signal-profile.js';

const numeric = (values: number[], reservoirSize?: number): SignalProfile => new SignalProfile('numeric', { reservoirSize }).addMany(values);
const labels = (values: string[]): SignalProfile => new SignalProfile('categorical').addMany(values);

describe(summarise.name, () => {
  it("gives numpy's linear quantiles, the mean and the count of exact numeric values", () => {
    const sut = summarise(numeric([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]));
    assert.equal(sut.kind, 'numeric');
    if (sut.kind !== 'numeric') return;
    // numpy.percentile(range(1, 11), [50, 95]) = [5.5, 9.55]
    assert.equal(sut.count, 10);
    assert.equal(sut.exact, true);
    assert.equal(sut.mean, 5.5);
    assert.equal(sut.p50, 5.5);
    assert.ok(Math.abs(sut.p95! - 9.55) < 1e-12, String(sut.p95));
    assert.equal(sut.quantiles.length, SUMMARY_QUANTILE_LEVELS.length);
    assert.deepEqual([sut.quantiles[0], sut.quantiles[20]], [1, 10]);
    assert.deepEqual([sut.min, sut.max], [1, 10]);
  });

  it('reads the quantiles of a profile past its reservoir from the sketch, within its error', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => i);
    const sut = summarise(numeric(values, 100));
    assert.equal(sut.kind, 'numeric');
    if (sut.kind !== 'numeric') return;
    assert.equal(sut.exact, false);
    assert.equal(sut.mean, 9999.5);
    assert.ok(Math.abs(sut.p50! - 10_000) < 400, String(sut.p50));
    assert.ok(Math.abs(sut.p95! - 19_000) < 400, String(sut.p95));
  });

  it('lists categories largest first with their shares, and the share of the rest', () => {
    const sut = summarise(labels(['stop', 'stop', 'stop', 'length', 'tool_call']), 2);
    assert.deepEqual(sut, {
      kind: 'categorical', count: 5, exact: true,
      categories: [{ category: 'stop', count: 3, share: 0.6 }, { category: 'length', count: 1, share: 0.2 }],
      otherShare: 0.2,
    });
  });
});

describe(summarisePair.name, () => {
  it('lists the same categories on both sides, including one only the current window has', () => {
    const sut = summarisePair(labels(['stop', 'stop', 'stop', 'length']), labels(['content_filter', 'content_filter', 'stop', 'stop']), 2);
    assert.deepEqual(sut.baseline.kind === 'categorical' && sut.baseline.categories.map((c) => [c.category, c.share]), [['stop', 0.75], ['content_filter', 0]]);
    assert.deepEqual(sut.current.kind === 'categorical' && sut.current.categories.map((c) => [c.category, c.share]), [['stop', 0.5], ['content_filter', 0.5]]);
    assert.equal(sut.baseline.kind === 'categorical' && sut.baseline.otherShare, 0.25);
  });
});
