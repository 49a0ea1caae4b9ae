import { chiSquareConditionalNull } from './calibration/chi-square-null.js';
import { chiSquareNoiseFloor, isResampled, ksNoiseFloor, resampledCalibration, zNoiseFloor } from './calibration/noise-floor.js';
import { categoricalGrid, nullUpperQuantile } from './calibration/null-distribution.js';
import type { ComparablePair, Measurement } from './compare.js';
import type { CompareOptions, ConcreteDriftMethod, PValueMethod } from './drift-result.js';

/**
 * Where a result's p-value and noise floor come from: the test's own null (KS, χ², z), χ²'s null at
 * its margins when expected counts are small, or a null resampled for a distance.
 */
export function calibrate(
  pair: ComparablePair,
  method: ConcreteDriftMethod,
  asCategories: boolean,
  bins: number,
  measured: Measurement,
  alpha: number,
  { referenceKey, referenceNulls }: Pick<CompareOptions, 'referenceKey' | 'referenceNulls'>,
): { pValue: number; noiseFloor: number; pValueMethod: PValueMethod } {
  if (isResampled(method)) {
    const pooled = asCategories ? pooledIfUnseen(...pair.counts()) : null;
    const { pValue, noiseFloor } = resampledCalibration({
      method,
      grid: () => (pooled ? categoricalGrid(pooled) : pair.referenceGrid(asCategories)),
      categorical: asCategories,
      nReference: pair.nReference,
      nCurrent: pair.nCurrent,
      bins,
      statistic: measured.statistic,
      alpha,
      referenceKey: referenceKey === undefined || pooled ? undefined : `${referenceKey}|${asCategories ? 'c' : 'n'}`,
      stored: asCategories ? undefined : referenceNulls,
    });
    return { pValue, noiseFloor, pValueMethod: 'resampled' };
  }
  if (method === 'chi2' && measured.smallExpectedCounts) {
    const { pValue, null_ } = chiSquareConditionalNull(measured.smallExpectedCounts.reference, measured.smallExpectedCounts.current);
    return { pValue, noiseFloor: nullUpperQuantile(null_, alpha), pValueMethod: 'resampled' };
  }
  const noiseFloor =
    method === 'ks'
      ? ksNoiseFloor(pair.nReference, pair.nCurrent, alpha)
      : method === 'chi2'
        ? chiSquareNoiseFloor(measured.degreesOfFreedom ?? 0, alpha)
        : zNoiseFloor(alpha);
  return { pValue: measured.pValue ?? 1, noiseFloor, pValueMethod: 'asymptotic' };
}

/** The pooled counts when the current sample holds a category the reference lacks: a null drawn from the reference alone could never produce it. */
function pooledIfUnseen(reference: Map<string, number>, current: Map<string, number>): Map<string, number> | null {
  let unseen = false;
  for (const [category, count] of current) if (count > 0 && !((reference.get(category) ?? 0) > 0)) unseen = true;
  if (!unseen) return null;
  const pooled = new Map(reference);
  for (const [category, count] of current) pooled.set(category, (pooled.get(category) ?? 0) + count);
  return pooled;
}
