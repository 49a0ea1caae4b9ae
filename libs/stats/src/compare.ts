import { formatNumber, formatPValue } from '@assay/format';
import { chooseMethod } from './auto-method.js';
import { categoricalBins, numericBins, type AlignedCounts } from './binning.js';
import { calibrate } from './calibrate-result.js';
import { CHI2_MIN_EXPECTED, smallestExpectedCount } from './calibration/chi-square-null.js';
import { categoricalGrid, gridOfSorted, NULL_REPLICATES, type ReferenceGrid } from './calibration/null-distribution.js';
import {
  DEFAULT_ALPHA,
  DEFAULT_BINS,
  DEFAULT_THRESHOLDS,
  P_VALUE_METHODS,
  type CompareOptions,
  type ConcreteDriftMethod,
  type DriftMethod,
  type DriftResult,
  type PValueMethod,
  type Sample,
  type SignalKind,
} from './drift-result.js';
import {
  chiSquareHomogeneity,
  hellingerDistance,
  jensenShannonDistance,
  populationStabilityIndex,
} from './methods/binned-distances.js';
import { ksTwoSample } from './methods/kolmogorov-smirnov.js';
import { twoProportionZTest } from './methods/proportion-z-test.js';
import { MIN_NORMALISING_SD, sampleStandardDeviation, wassersteinDistance } from './methods/wasserstein.js';
import { categoryCounts, detectKind, sortedNumbers } from './sample-input.js';
import { StatsInputError } from './stats-input.error.js';

const METHODS: readonly DriftMethod[] = [
  'auto', 'ks', 'chi2', 'psi', 'jensenshannon', 'wasserstein', 'wasserstein_norm', 'hellinger', 'ztest',
];

/** What a drift method needs from a reference/current pair, whether raw samples, counts or sketches. */
export interface ComparablePair {
  readonly kind: SignalKind;
  readonly nReference: number;
  readonly nCurrent: number;
  counts(): [Map<string, number>, Map<string, number>];
  referenceSd(): number;
  distinctReference(): number;
  distinctCombined(): number;
  /** Numeric methods on numeric data (ks, wasserstein*, and binned distances on quantile bins). */
  measureNumeric(method: ConcreteDriftMethod, bins: number): Measurement;
  /** The reference as its null is drawn from: its numeric values and weights, or its categories. */
  referenceGrid(asCategories: boolean): ReferenceGrid;
  /** Set when the pair summarises rather than holds its data. */
  readonly errorBound: number | null;
}

/**
 * Both samples, converted once and shared between methods: numeric input is sorted a single time,
 * categories are counted a single time.
 */
export class PreparedPair implements ComparablePair {
  readonly errorBound = null;
  readonly kind: SignalKind;
  readonly nReference: number;
  readonly nCurrent: number;
  private sortedCache?: [Float64Array, Float64Array];
  private countsCache?: [Map<string, number>, Map<string, number>];
  private referenceSdCache?: number;

  constructor(
    private readonly reference: Sample,
    private readonly current: Sample,
    kind?: SignalKind,
  ) {
    this.kind = detectKind(reference, current, kind);
    this.nReference = reference.length;
    this.nCurrent = current.length;
    if (this.kind === 'numeric') this.sorted();
    else this.counts();
  }

  sorted(): [Float64Array, Float64Array] {
    if (this.kind !== 'numeric') {
      throw new StatsInputError('this method needs numeric values, but the signal is categorical');
    }
    this.sortedCache ??= [sortedNumbers(this.reference, 'reference'), sortedNumbers(this.current, 'current')];
    return this.sortedCache;
  }

  counts(): [Map<string, number>, Map<string, number>] {
    if (!this.countsCache) {
      if (this.kind === 'numeric') {
        const [a, b] = this.sorted();
        this.countsCache = [countSorted(a), countSorted(b)];
      } else {
        this.countsCache = [categoryCounts(this.reference, 'reference').counts, categoryCounts(this.current, 'current').counts];
      }
    }
    return this.countsCache;
  }

  referenceSd(): number {
    this.referenceSdCache ??= sampleStandardDeviation(this.sorted()[0]);
    return this.referenceSdCache;
  }

  distinctReference(): number {
    return this.kind === 'numeric' ? countDistinct(this.sorted()[0]) : this.counts()[0].size;
  }

  distinctCombined(): number {
    return combinedSize(...this.counts());
  }

  referenceGrid(asCategories: boolean): ReferenceGrid {
    return asCategories ? categoricalGrid(this.counts()[0]) : gridOfSorted(this.sorted()[0]);
  }

  measureNumeric(method: ConcreteDriftMethod, bins: number): Measurement {
    const [a, b] = this.sorted();
    switch (method) {
      case 'ks': {
        const ks = ksTwoSample(a, b);
        return {
          statistic: ks.statistic,
          pValue: ks.pValue,
          pValueMethod: ks.pValueMethod,
          effectSize: ks.statistic,
          detail: `${ks.pValueMethod} p-value`,
        };
      }
      case 'wasserstein':
      case 'wasserstein_norm':
        return wassersteinMeasurement(method, wassersteinDistance(a, b), this.referenceSd());
      default:
        return binnedMeasurement(method, numericBins(a, b, bins), false);
    }
  }
}

export function combinedSize(a: Map<string, number>, b: Map<string, number>): number {
  let extra = 0;
  for (const key of b.keys()) if (!a.has(key)) extra++;
  return a.size + extra;
}

export function wassersteinMeasurement(method: 'wasserstein' | 'wasserstein_norm', distance: number, sd: number): Measurement {
  const normalised = distance / Math.max(sd, MIN_NORMALISING_SD);
  const note = sd < MIN_NORMALISING_SD ? ` (reference sd ${formatNumber(sd)} floored to ${formatNumber(MIN_NORMALISING_SD)})` : '';
  return method === 'wasserstein'
    ? { statistic: distance, pValue: null, effectSize: normalised, detail: `effect size is the distance in reference sds${note}` }
    : { statistic: normalised, pValue: null, effectSize: normalised, detail: `distance ${formatNumber(distance)} over reference sd${note}` };
}

export function binnedMeasurement(method: ConcreteDriftMethod, bins: AlignedCounts, asCategories: boolean): Measurement {
  const fn = method === 'psi' ? populationStabilityIndex : method === 'jensenshannon' ? jensenShannonDistance : hellingerDistance;
  const statistic = fn(bins.reference, bins.current);
  const binning = asCategories ? `${bins.labels.length} categories` : `${bins.labels.length} reference-quantile bins`;
  return { statistic, pValue: null, effectSize: statistic, detail: binning };
}

function countDistinct(sorted: Float64Array): number {
  let distinct = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

function countSorted(sorted: Float64Array): Map<string, number> {
  const counts = new Map<string, number>();
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    counts.set(String(sorted[i]), j - i);
    i = j;
  }
  return counts;
}

/** Compares a current sample with a reference sample by one drift method (or `auto`). */
export function compare(reference: Sample, current: Sample, options: CompareOptions = {}): DriftResult {
  return compareMany(reference, current, [options.method ?? 'auto'], options)[0]!;
}

/** Runs several methods over the same pair, converting and sorting the input only once. */
export function compareMany(
  reference: Sample,
  current: Sample,
  methods: readonly DriftMethod[],
  options: Omit<CompareOptions, 'method'> = {},
): DriftResult[] {
  for (const method of methods) validateMethod(method);
  validateOptions(options, methods);
  const pair = new PreparedPair(reference, current, options.kind);
  return methods.map((method) => runMethod(pair, method, options));
}

export function validateMethod(method: unknown): asserts method is DriftMethod {
  if (!METHODS.includes(method as DriftMethod)) {
    throw new StatsInputError(`method must be one of ${METHODS.join(', ')}; got ${String(method)}`);
  }
}

/** Distances and raw Wasserstein in a signal's units stay far below this; past it, a threshold can never be reached. */
export const MAX_THRESHOLD = 1_000_000;

/**
 * Why a threshold cannot be used with a method, or null: every threshold is finite and at most
 * MAX_THRESHOLD, and a p-value method's is a probability (a p-value is always below a threshold above 1).
 */
export function thresholdProblem(method: DriftMethod, threshold: number): string | null {
  if (!(Number.isFinite(threshold) && threshold >= 0 && threshold <= MAX_THRESHOLD)) {
    return `threshold must be a finite number from 0 to ${MAX_THRESHOLD}, got ${String(threshold)}`;
  }
  if (method !== 'auto' && P_VALUE_METHODS.has(method) && threshold > 1) {
    return `threshold of ${method} is an effect size (${EFFECT_NAMES[method as keyof typeof EFFECT_NAMES]}): at most 1, got ${threshold}`;
  }
  return null;
}

export function alphaProblem(alpha: number): string | null {
  return Number.isFinite(alpha) && alpha > 0 && alpha < 1 ? null : `alpha must be a number between 0 and 1 (exclusive), got ${String(alpha)}`;
}

export function validateOptions(options: Omit<CompareOptions, 'method'>, methods: readonly DriftMethod[] = ['auto']): void {
  const alpha = options.alpha === undefined ? null : alphaProblem(options.alpha);
  if (alpha) throw new StatsInputError(alpha);
  for (const method of methods) {
    const problem = options.threshold === undefined ? null : thresholdProblem(method, options.threshold);
    if (problem) throw new StatsInputError(problem);
  }
  if (options.bins !== undefined && !(Number.isInteger(options.bins) && options.bins >= 2 && options.bins <= 1000)) {
    throw new StatsInputError(`bins must be an integer from 2 to 1000, got ${String(options.bins)}`);
  }
}

export function runMethod(pair: ComparablePair, requested: DriftMethod, options: Omit<CompareOptions, 'method'>): DriftResult {
  let method: ConcreteDriftMethod;
  let asCategories = pair.kind === 'categorical';
  let prefix = '';
  if (requested === 'auto') {
    const choice = chooseMethod({
      kind: pair.kind,
      nReference: pair.nReference,
      distinctReference: pair.distinctReference(),
      distinctCombined: pair.distinctCombined(),
    });
    method = choice.method;
    asCategories = choice.asCategories;
    prefix = `${choice.reason}. `;
  } else {
    method = requested;
    if (method === 'chi2' || method === 'ztest') asCategories = true;
  }
  const base: { nReference: number; nCurrent: number; exact: boolean; errorBound: number | null } = {
    nReference: pair.nReference,
    nCurrent: pair.nCurrent,
    exact: pair.errorBound === null,
    errorBound: pair.errorBound,
  };
  if (!asCategories && pair.kind === 'categorical') {
    throw new StatsInputError(`${method} needs numeric values, but the signal is categorical`);
  }
  const bins = options.bins ?? DEFAULT_BINS;
  const { errorBound, pValueMethod, ...measured } = asCategories ? measureCategories(pair, method) : pair.measureNumeric(method, bins);
  if (errorBound !== undefined) base.errorBound = errorBound;
  let threshold = options.threshold ?? DEFAULT_THRESHOLDS[method];
  if (method === 'wasserstein' && options.threshold === undefined) {
    threshold = DEFAULT_THRESHOLDS.wasserstein * Math.max(pair.referenceSd(), MIN_NORMALISING_SD);
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const calibration = calibrate(pair, method, asCategories, bins, measured, alpha, options);
  const { smallExpectedCounts: _counts, ...reported } = measured;
  const appliedPValueMethod = calibration.pValueMethod === 'resampled' ? 'resampled' : (pValueMethod ?? calibration.pValueMethod);
  return verdict({ ...base, ...reported, ...calibration, pValueMethod: appliedPValueMethod, method, threshold, alpha }, prefix);
}

const EFFECT_NAMES: Readonly<Record<'ks' | 'chi2' | 'ztest', string>> = {
  ks: 'the KS distance D',
  chi2: "Cramér's V",
  ztest: 'the absolute difference of proportions',
};

/**
 * The effect a threshold is compared with, in the threshold's units: raw Wasserstein's threshold is
 * in the signal's units like its statistic; the tests' are their effect sizes; the other distances'
 * are the distances themselves.
 */
export function materialEffect(result: Pick<DriftResult, 'method' | 'statistic' | 'effectSize'>): number {
  if (result.method === 'chi2' || result.method === 'ztest') return Math.abs(result.effectSize ?? 0);
  return result.statistic;
}

export interface Measurement {
  statistic: number;
  pValue: number | null;
  pValueMethod?: PValueMethod;
  effectSize: number | null;
  detail: string;
  degreesOfFreedom?: number;
  /** Overrides the pair's rank-error bound when the statistic is in other units. */
  errorBound?: number;
  /** χ²'s table, when some expected count is below CHI2_MIN_EXPECTED: its null is then drawn at its margins. */
  smallExpectedCounts?: { reference: number[]; current: number[] };
}

function measureCategories(pair: ComparablePair, method: ConcreteDriftMethod): Measurement {
  const bins = categoricalBins(...pair.counts());
  switch (method) {
    case 'chi2': {
      const chi = chiSquareHomogeneity(bins.reference, bins.current);
      const counted = bins.reference.every(Number.isInteger) && bins.current.every(Number.isInteger);
      const small = counted && smallestExpectedCount(bins.reference, bins.current) < CHI2_MIN_EXPECTED;
      return {
        statistic: chi.statistic,
        pValue: chi.pValue,
        pValueMethod: 'asymptotic',
        effectSize: chi.cramersV,
        degreesOfFreedom: chi.degreesOfFreedom,
        detail: small
          ? `${chi.degreesOfFreedom} degrees of freedom, expected counts below ${CHI2_MIN_EXPECTED}: p-value from ${NULL_REPLICATES} tables with the same margins; effect size is Cramér's V`
          : `${chi.degreesOfFreedom} degrees of freedom; effect size is Cramér's V`,
        ...(small ? { smallExpectedCounts: { reference: bins.reference, current: bins.current } } : {}),
      };
    }
    case 'ztest': {
      if (bins.labels.length > 2) {
        throw new StatsInputError(`ztest needs a binary signal, but the samples hold ${bins.labels.length} distinct values`);
      }
      const successIndex = bins.labels.includes('true') ? bins.labels.indexOf('true') : 0;
      const label = bins.labels[successIndex]!;
      const z = twoProportionZTest(bins.reference[successIndex]!, pair.nReference, bins.current[successIndex]!, pair.nCurrent);
      return {
        statistic: z.statistic,
        pValue: z.pValue,
        pValueMethod: 'asymptotic',
        effectSize: z.difference,
        detail: `proportion of "${label}"; effect size is current minus reference proportion`,
      };
    }
    case 'psi':
    case 'jensenshannon':
    case 'hellinger':
      return binnedMeasurement(method, bins, true);
    default:
      throw new StatsInputError(`${method} needs numeric values, but the signal is categorical`);
  }
}

export function verdict(
  partial: Omit<DriftResult, 'drifted' | 'reason' | 'significant' | 'material'> & { detail: string },
  prefix: string,
): DriftResult {
  const { detail, ...result } = partial;
  const pValue = result.pValue ?? 1;
  const significant = pValue <= result.alpha;
  const effect = materialEffect(result);
  const material = effect >= result.threshold;
  const drifted = significant && material;
  const floor = result.noiseFloor === null ? '' : `, noise floor ${formatNumber(result.noiseFloor)}`;
  const noise = `${formatPValue(pValue)} ${significant ? '<=' : '>'} alpha ${formatNumber(result.alpha)}${floor}`;
  const size = `${effectLabel(result.method)} ${formatNumber(effect)} ${material ? '>=' : '<'} threshold ${formatNumber(result.threshold)}`;
  const test = drifted
    ? `significant (${noise}) and material (${size})`
    : !significant
      ? `within sampling noise (${noise})`
      : `significant (${noise}) but not material (${size})`;
  const approximation = result.exact ? '' : `; approximate, error bound ${formatNumber(result.errorBound ?? 0)}`;
  const reason = `${prefix}${drifted ? 'drift' : 'no drift'}: ${result.method} = ${formatNumber(result.statistic)}, ${test} (${detail}${approximation})`;
  return { ...result, significant, material, drifted, reason };
}

function effectLabel(method: ConcreteDriftMethod): string {
  return method === 'chi2' ? "Cramér's V" : method === 'ztest' ? '|difference|' : 'effect';
}
