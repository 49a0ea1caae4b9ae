import type { ConcreteDriftMethod, SignalKind } from './drift-result.js';

/** Evidently's published switch-over: at most this many reference values are judged on p-values. */
export const AUTO_SMALL_REFERENCE_MAX = 1000;
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
  if (nReference <= AUTO_SMALL_REFERENCE_MAX) {
    const size = `reference of ${nReference} values (<= ${AUTO_SMALL_REFERENCE_MAX}) is judged on a p-value`;
    if (continuous) return { method: 'ks', asCategories: false, reason: `auto chose ks: ${size}; signal is ${describeKind}` };
    if (distinctCombined <= 2) {
      return { method: 'ztest', asCategories: true, reason: `auto chose ztest: ${size}; signal is binary (${describeKind})` };
    }
    return { method: 'chi2', asCategories: true, reason: `auto chose chi2: ${size}; signal is ${describeKind}` };
  }
  const size = `reference of ${nReference} values (> ${AUTO_SMALL_REFERENCE_MAX}) is judged on an effect size, since p-values flag trivial differences at this size`;
  if (continuous) {
    return { method: 'wasserstein_norm', asCategories: false, reason: `auto chose wasserstein_norm: ${size}; signal is ${describeKind}` };
  }
  return { method: 'jensenshannon', asCategories: true, reason: `auto chose jensenshannon: ${size}; signal is ${describeKind}` };
}
