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
  /** p-value methods drift when p < threshold; distance methods when statistic >= threshold. */
  threshold?: number;
  kind?: SignalKind;
  /** Number of reference-quantile bins for PSI, Jensen–Shannon and Hellinger on numeric data. */
  bins?: number;
}

export interface DriftResult {
  method: ConcreteDriftMethod;
  statistic: number;
  pValue: number | null;
  threshold: number;
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

export const P_VALUE_METHODS: ReadonlySet<ConcreteDriftMethod> = new Set(['ks', 'chi2', 'ztest']);

export const DEFAULT_THRESHOLDS: Readonly<Record<ConcreteDriftMethod, number>> = {
  ks: 0.05,
  chi2: 0.05,
  ztest: 0.05,
  psi: 0.1,
  jensenshannon: 0.1,
  wasserstein_norm: 0.1,
  // Raw Wasserstein is in the signal's units; the default is 0.1 reference standard deviations (see README).
  wasserstein: 0.1,
  hellinger: 0.1,
};

export const DEFAULT_BINS = 10;
