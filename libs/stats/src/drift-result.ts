import type { ReferenceNulls } from './calibration/stored-nulls.js';
export type DriftMethod =
  | 'auto'
  | 'ks'
  | 'chi2'
  | 'psi'
  | 'jensenshannon'
  | 'wasserstein'
  | 'wasserstein_norm'
  | 'hellinger'
  | 'ztest';

export type ConcreteDriftMethod = Exclude<DriftMethod, 'auto'>;

export type SignalKind = 'numeric' | 'categorical';

export type SampleValue = number | string | boolean;

export type Sample = readonly SampleValue[] | Float64Array;

export interface CompareOptions {
  method?: DriftMethod;
  /** Materiality: the smallest effect worth calling drift, in the units of the method's effect (see materialEffect). */
  threshold?: number;
  /** Significance: the false-alarm rate allowed per check on unchanged traffic (before any multiple-testing correction). */
  alpha?: number;
  /** Names the reference across calls (a baseline signal's digest), so its simulated nulls are kept and reused. */
  referenceKey?: string;
  /** Nulls stored with the baseline signal (precomputeNulls); used where one matches the sizes. */
  referenceNulls?: ReferenceNulls;
  kind?: SignalKind;
  /** Number of reference-quantile bins for PSI, Jensen–Shannon and Hellinger on numeric data. */
  bins?: number;
}

export interface DriftResult {
  method: ConcreteDriftMethod;
  statistic: number;
  /** Every method has one: from the test's exact or asymptotic null, or from a null resampled from the reference. */
  pValue: number | null;
  pValueMethod: PValueMethod;
  /** The statistic's upper α quantile under no change at these sizes: what sampling noise alone reaches. */
  noiseFloor: number | null;
  alpha: number;
  threshold: number;
  /** p <= alpha. */
  significant: boolean;
  /** The effect (materialEffect) at or past the threshold. */
  material: boolean;
  /** Significant and material. */
  drifted: boolean;
  effectSize: number | null;
  nReference: number;
  nCurrent: number;
  /** False when computed from sketches rather than from every value. */
  exact: boolean;
  /** Bound on the error of `statistic` when not exact (see README), else null. */
  errorBound: number | null;
  reason: string;
  /** Chi-square only. */
  degreesOfFreedom?: number;
}

export type PValueMethod = 'exact' | 'asymptotic' | 'resampled';

/** Methods whose p-value comes from a closed-form null; the others' null is simulated from the reference. */
export const P_VALUE_METHODS: ReadonlySet<ConcreteDriftMethod> = new Set(['ks', 'chi2', 'ztest']);

/**
 * One check in a hundred on unchanged traffic may be called significant (see README): stricter than
 * the 0.05 peers use, since a monitor is checked over and over and each false alarm pages someone.
 */
export const DEFAULT_ALPHA = 0.01;

/**
 * Materiality thresholds. Distances keep the peers' 0.1; KS's D, Cramér's V and a difference of
 * proportions are effects of their own: 5% of the probability mass moved, a V of 0.05, and one
 * percentage point.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<ConcreteDriftMethod, number>> = {
  ks: 0.05,
  chi2: 0.05,
  ztest: 0.01,
  psi: 0.1,
  jensenshannon: 0.1,
  wasserstein_norm: 0.1,
  // Raw Wasserstein is in the signal's units; the default is 0.1 reference standard deviations (see README).
  wasserstein: 0.1,
  hellinger: 0.1,
};

export const DEFAULT_BINS = 10;
