import { binningOf, referenceNull } from './calibration/noise-floor.js';
import type { ResampledMethod } from './calibration/null-distribution.js';
import { encodeNull, type ReferenceNulls } from './calibration/stored-nulls.js';
import { numericReferenceGrid } from './compare-profiles.js';
import { DEFAULT_BINS } from './drift-result.js';
import type { SignalProfile } from './signal-profile.js';

/** Every numeric distance whose null is resampled, at the default binning: what a monitor on the signal may use. */
export const STORED_NULL_METHODS: readonly ResampledMethod[] = ['wasserstein_norm', 'wasserstein', 'psi', 'jensenshannon', 'hellinger'];

/**
 * The nulls a check of this baseline signal needs for any window at least as large as the baseline
 * (simulatedWindowSize), computed once when the baseline is stored so that a first check does not
 * pay for them. Categorical signals get none: their nulls cost little and depend on the window's size.
 */
export function precomputeNulls(profile: SignalProfile): ReferenceNulls | null {
  if (profile.kind !== 'numeric' || profile.count === 0) return null;
  const grid = numericReferenceGrid(profile);
  const size = profile.count;
  const nulls = STORED_NULL_METHODS.map((method) => {
    const bins = binningOf(method, DEFAULT_BINS);
    return encodeNull(method, bins, size, size, referenceNull(grid, method, size, size, bins));
  });
  return { version: 1, nulls };
}
