import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustPValues } from './adjust-p-values.js';

describe(adjustPValues.name, () => {
  it('leaves nulls in place and out of the family size', () => {
    assert.deepEqual(adjustPValues([0.01, null, 0.02], 'bonferroni'), [0.02, null, 0.04]);
  });

  it('returns the p-values unchanged for none', () => {
    assert.deepEqual(adjustPValues([0.3, 0.01], 'none'), [0.3, 0.01]);
  });

  it('caps Bonferroni at 1', () => {
    assert.deepEqual(adjustPValues([0.6, 0.7], 'bonferroni'), [1, 1]);
  });

  it('rejects a p-value outside [0, 1]', () => {
    assert.throws(() => adjustPValues([1.5], 'bh'), /pValues\[0\] is 1.5/);
  });

  it('rejects an unknown method', () => {
    assert.throws(() => adjustPValues([0.5], 'holm' as 'bh'), /'none', 'bonferroni' or 'bh'/);
  });
});
