import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulatedWindowSize } from './calibration/noise-floor.js';
import { compareProfiles } from './compare-profiles.js';
import type { ConcreteDriftMethod } from './drift-result.js';
import { precomputeNulls, STORED_NULL_METHODS } from './reference-nulls.js';
import { SignalProfile } from './signal-profile.js';

function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const profileOf = (n: number, seed: number, shift = 0, reservoirSize?: number): SignalProfile => {
  const next = gaussian(seed);
  return new SignalProfile('numeric', reservoirSize === undefined ? {} : { reservoirSize }).addMany(Array.from({ length: n }, () => next() + shift));
};

describe(precomputeNulls.name, () => {
  const reference = profileOf(2_000, 1);
  const stored = precomputeNulls(reference)!;

  it('stores one null per resampled numeric method, at the baseline size', () => {
    assert.deepEqual(stored.nulls.map((n) => [n.method, n.nReference, n.nSimulated]), STORED_NULL_METHODS.map((m) => [m, 2_000, 2_000]));
    assert.equal(precomputeNulls(new SignalProfile('categorical').addMany(['a', 'b'])), null);
  });

  for (const method of STORED_NULL_METHODS) {
    it(`gives ${method} the same p-value and noise floor as a null simulated on the spot, exact and sketched windows alike`, () => {
      for (const current of [profileOf(3_000, 2, 0.05), profileOf(50_000, 3, 0.02, 256)]) {
        const options = { method: method as ConcreteDriftMethod };
        const fresh = compareProfiles(reference, current, options);
        const kept = compareProfiles(reference, current, { ...options, referenceNulls: stored });
        assert.deepEqual([kept.pValue, kept.noiseFloor, kept.statistic], [fresh.pValue, fresh.noiseFloor, fresh.statistic]);
      }
    });
  }

  it('is used where it matches: a tampered replicate changes the p-value', () => {
    const current = profileOf(5_000, 4, 0.05);
    const entry = stored.nulls.find((n) => n.method === 'wasserstein_norm')!;
    const flat = { ...stored, nulls: [{ ...entry, replicates: Buffer.from(new Float64Array(999).fill(1e9).buffer).toString('base64') }] };
    const sut = compareProfiles(reference, current, { method: 'wasserstein_norm', referenceNulls: flat });
    assert.equal(sut.pValue, 1);
  });

  it('ignores a malformed entry and resamples instead', () => {
    const current = profileOf(5_000, 5);
    const broken = { ...stored, nulls: stored.nulls.map((n) => ({ ...n, replicates: 'AAAA' })) };
    const fresh = compareProfiles(reference, current, { method: 'psi' });
    assert.equal(compareProfiles(reference, current, { method: 'psi', referenceNulls: broken }).pValue, fresh.pValue);
  });
});

describe(simulatedWindowSize.name, () => {
  it("serves numeric windows at least the baseline's size from the baseline-size null, and smaller ones per size bucket", () => {
    assert.deepEqual(
      [simulatedWindowSize(false, 10_000, 100_000), simulatedWindowSize(false, 10_000, 10_000), simulatedWindowSize(false, 10_000, 1_234), simulatedWindowSize(true, 1_000, 5_000)],
      [10_000, 10_000, 1_200, 5_000],
    );
  });
});
