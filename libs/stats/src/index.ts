export { StatsInputError } from './stats-input.error.js';
export {
  DEFAULT_ALPHA,
  DEFAULT_BINS,
  DEFAULT_THRESHOLDS,
  type PValueMethod,
  type CompareOptions,
  type ConcreteDriftMethod,
  type DriftMethod,
  type DriftResult,
  type Sample,
  type SampleValue,
  type SignalKind,
} from './drift-result.js';
export { alphaProblem, compare, compareMany, materialEffect, MAX_THRESHOLD, thresholdProblem } from './compare.js';
export { chooseMethod, type AutoChoice } from './auto-method.js';
export { NULL_REPLICATES, MAX_GRID_CELLS } from './calibration/null-distribution.js';
export { adjustPValues, type PValueAdjustment } from './adjust-p-values.js';
export { AUTO_SMALL_REFERENCE_MAX, AUTO_MAX_DISTINCT_FOR_CATEGORICAL } from './auto-method.js';
export { PSI_EMPTY_BIN_PROPORTION } from './methods/binned-distances.js';
export { KS_EXACT_MAX_N } from './methods/kolmogorov-smirnov.js';
export { MIN_NORMALISING_SD } from './methods/wasserstein.js';
export { compareProfiles } from './compare-profiles.js';
export { precomputeNulls, STORED_NULL_METHODS } from './reference-nulls.js';
export type { ReferenceNulls, StoredNull } from './calibration/stored-nulls.js';
export {
  SignalProfile,
  DEFAULT_MAX_CATEGORIES,
  DEFAULT_RESERVOIR_SIZE,
  OTHER_CATEGORY,
  type SignalProfileJSON,
  type SignalProfileOptions,
} from './signal-profile.js';
export { QuantileSketch, DEFAULT_SKETCH_K, SKETCH_ERROR_SIGMAS, type QuantileSketchJSON } from './sketch/quantile-sketch.js';
export { DistinctSketch, DEFAULT_DISTINCT_PRECISION, type DistinctSketchJSON } from './sketch/distinct-sketch.js';
export { encodeDistinctRegisters, mergeDistinctBytes, unionOfDistinctBytes } from './sketch/distinct-sketch-bytes.js';
export {
  moreCandidateCallsNeeded,
  proportionNonInferiority,
  welchNonInferiority,
  type MeanSummary,
  type NonInferiority,
  type ProportionSummary,
} from './tiering/non-inferiority.js';
export {
  summarise,
  summariseNumeric,
  summarisePair,
  SUMMARY_QUANTILE_LEVELS,
  SUMMARY_TOP_CATEGORIES,
  type CategoricalSummary,
  type CategoryShare,
  type NumericSummary,
  type ProfileSummary,
} from './profile-summary.js';
export { P_VALUE_METHODS } from './drift-result.js';
