export { StatsInputError } from './stats-input.error.js';
export {
  DEFAULT_BINS,
  DEFAULT_THRESHOLDS,
  type CompareOptions,
  type ConcreteDriftMethod,
  type DriftMethod,
  type DriftResult,
  type Sample,
  type SampleValue,
  type SignalKind,
} from './drift-result.js';
export { compare, compareMany } from './compare.js';
export { adjustPValues, type PValueAdjustment } from './adjust-p-values.js';
export { AUTO_SMALL_REFERENCE_MAX, AUTO_MAX_DISTINCT_FOR_CATEGORICAL } from './auto-method.js';
export { PSI_EMPTY_BIN_PROPORTION } from './methods/binned-distances.js';
export { KS_EXACT_MAX_N } from './methods/kolmogorov-smirnov.js';
