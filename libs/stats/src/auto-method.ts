import type { ConcreteDriftMethod, SignalKind } from './drift-result.js';

/** Evidently's published switch-over: at most this many reference values are judged on p-values. */
export const AUTO_SMALL_REFERENCE_MAX = 1000;
/**
 * Continuous signals are judged by the normalised Wasserstein distance from a baseline of this many
 * values up: its null is resampled from the baseline, and bench:calibration checks that null from
 * 100 values on. Below, KS, whose null is exact whatever the baseline.
 */
export const AUTO_MIN_RESAMPLED_REFERENCE = 100;
/** Numeric signals with at most this many distinct reference values are treated as categorical. */
export const AUTO_MAX_DISTINCT_FOR_CATEGORICAL = 5;

export interface AutoChoice {
  method: ConcreteDriftMethod;
  reason: string;
  /** Whether a numeric signal is to be compared as categories. */
  asCategories: boolean;
}

export interface AutoFacts {
  kind: SignalKind;
  nReference: number;
  distinctReference: number;
  /** Distinct values or categories over both samples. */
  distinctCombined: number;
}

export function chooseMethod(facts: AutoFacts): AutoChoice {
  const { kind, nReference, distinctReference, distinctCombined } = facts;
  const continuous = kind === 'numeric' && distinctReference > AUTO_MAX_DISTINCT_FOR_CATEGORICAL;
  const describeKind = continuous
    ? `numeric with ${distinctReference} distinct reference values (> ${AUTO_MAX_DISTINCT_FOR_CATEGORICAL})`
    : kind === 'numeric'
      ? `numeric with only ${distinctReference} distinct reference values, treated as categories`
      : `categorical with ${distinctCombined} categories`;
  if (continuous) return chooseContinuous(nReference, describeKind);
  if (nReference <= AUTO_SMALL_REFERENCE_MAX) {
    const size = `reference of ${nReference} values (<= ${AUTO_SMALL_REFERENCE_MAX}) is judged on a p-value`;
    if (distinctCombined <= 2) {
      return { method: 'ztest', asCategories: true, reason: `auto chose ztest: ${size}; signal is binary (${describeKind})` };
    }
    return { method: 'chi2', asCategories: true, reason: `auto chose chi2: ${size}; signal is ${describeKind}` };
  }
  const size = `reference of ${nReference} values (> ${AUTO_SMALL_REFERENCE_MAX}) is judged on an effect size, since p-values flag trivial differences at this size`;
  return { method: 'jensenshannon', asCategories: true, reason: `auto chose jensenshannon: ${size}; signal is ${describeKind}` };
}

// bench:calibration, +0.25 sd at a 1,000-value window against a 1,000-value baseline: KS 98%, the
// normalised Wasserstein distance 100%, both within their false-alarm intervals at alpha.
function chooseContinuous(nReference: number, describeKind: string): AutoChoice {
  if (nReference < AUTO_MIN_RESAMPLED_REFERENCE) {
    return {
      method: 'ks',
      asCategories: false,
      reason: `auto chose ks: signal is ${describeKind}; a reference of ${nReference} values (< ${AUTO_MIN_RESAMPLED_REFERENCE}) is too few to resample a null from, and KS's null is exact`,
    };
  }
  return {
    method: 'wasserstein_norm',
    asCategories: false,
    reason:
      `auto chose wasserstein_norm: signal is ${describeKind}; with a reference of ${nReference} values (>= ${AUTO_MIN_RESAMPLED_REFERENCE}) its null is resampled ` +
      'from the baseline, and the distance in reference sds detects mean and scale shifts more often than KS at the same alpha',
  };
}
