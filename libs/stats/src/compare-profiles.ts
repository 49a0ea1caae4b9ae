import { linearQuantile } from './binning.js';
import { categoricalGrid, gridOfSorted, numericGrid, type ReferenceGrid } from './calibration/null-distribution.js';
import {
  binnedMeasurement,
  combinedSize,
  compare,
  runMethod,
  validateMethod,
  validateOptions,
  wassersteinMeasurement,
  type ComparablePair,
  type Measurement,
} from './compare.js';
import type { CompareOptions, ConcreteDriftMethod, DriftResult, SignalKind } from './drift-result.js';
import { DEFAULT_BINS } from './drift-result.js';
import { ksPValue } from './methods/kolmogorov-smirnov.js';
import { MIN_NORMALISING_SD } from './methods/wasserstein.js';
import { sortedNumbers } from './sample-input.js';
import type { SignalProfile } from './signal-profile.js';
import type { QuantileSketch } from './sketch/quantile-sketch.js';
import { StatsInputError } from './stats-input.error.js';

/**
 * Compares two profiles: exactly (through `compare`) while both still hold every value, otherwise from
 * their category counts or quantile sketches, with `exact: false` and the error bound.
 */
export function compareProfiles(reference: SignalProfile, current: SignalProfile, options: CompareOptions = {}): DriftResult {
  const method = options.method ?? 'auto';
  validateMethod(method);
  validateOptions(options, [method]);
  if (reference.kind !== current.kind) {
    throw new StatsInputError(`cannot compare a ${reference.kind} reference profile with a ${current.kind} current profile`);
  }
  if (reference.count === 0) throw new StatsInputError('reference profile is empty: at least one value is needed');
  if (current.count === 0) throw new StatsInputError('current profile is empty: at least one value is needed');
  const referenceValues = reference.exactValues();
  const currentValues = current.exactValues();
  if (referenceValues && currentValues) {
    return compare(referenceValues, currentValues, { ...options, method, kind: reference.kind });
  }
  const pair = reference.kind === 'categorical' ? new CountsPair(reference, current) : new SketchPair(reference, current);
  return runMethod(pair, method, options);
}

/** Categorical profiles: counts are exact unless categories past the cap were folded into `__other__`. */
class CountsPair implements ComparablePair {
  readonly kind: SignalKind = 'categorical';
  readonly nReference: number;
  readonly nCurrent: number;
  readonly errorBound: number | null;
  private readonly pairCounts: [Map<string, number>, Map<string, number>];

  constructor(reference: SignalProfile, current: SignalProfile) {
    this.nReference = reference.count;
    this.nCurrent = current.count;
    this.pairCounts = [reference.categoryCounts(), current.categoryCounts()];
    const folded = reference.foldedFraction + current.foldedFraction;
    this.errorBound = folded > 0 ? folded : null;
  }

  counts(): [Map<string, number>, Map<string, number>] {
    return this.pairCounts;
  }

  referenceSd(): number {
    throw new StatsInputError('a standard deviation needs numeric values, but the signal is categorical');
  }

  distinctReference(): number {
    return this.pairCounts[0].size;
  }

  distinctCombined(): number {
    return combinedSize(...this.pairCounts);
  }

  measureNumeric(method: ConcreteDriftMethod): Measurement {
    throw new StatsInputError(`${method} needs numeric values, but the signal is categorical`);
  }

  referenceGrid(): ReferenceGrid {
    return categoricalGrid(this.pairCounts[0]);
  }
}

/**
 * Numeric profiles past their reservoir: every method works on the sketches' step CDFs, whose
 * normalised ranks are each within their rankErrorBound of the truth. The pair's errorBound is the
 * sum of both bounds: it bounds the KS statistic's error and each bin proportion's cumulative error.
 */
class SketchPair implements ComparablePair {
  readonly kind: SignalKind = 'numeric';
  readonly nReference: number;
  readonly nCurrent: number;
  readonly errorBound: number;
  private readonly sketches: [QuantileSketch, QuantileSketch];
  private countsCache?: [Map<string, number>, Map<string, number>];

  constructor(
    private readonly reference: SignalProfile,
    current: SignalProfile,
  ) {
    this.nReference = reference.count;
    this.nCurrent = current.count;
    this.sketches = [reference.quantileSketch(), current.quantileSketch()];
    this.errorBound = this.sketches[0].rankErrorBound() + this.sketches[1].rankErrorBound();
  }

  counts(): [Map<string, number>, Map<string, number>] {
    this.countsCache ??= [weightsByValue(this.sketches[0]), weightsByValue(this.sketches[1])];
    return this.countsCache;
  }

  referenceSd(): number {
    return this.reference.standardDeviation() ?? 0;
  }

  distinctReference(): number {
    return this.sketches[0].sortedView().values.length;
  }

  referenceGrid(asCategories: boolean): ReferenceGrid {
    return asCategories ? categoricalGrid(this.counts()[0]) : numericReferenceGrid(this.reference);
  }

  distinctCombined(): number {
    return combinedSize(...this.counts());
  }

  measureNumeric(method: ConcreteDriftMethod, bins: number): Measurement {
    const [a, b] = this.sketches;
    switch (method) {
      case 'ks': {
        const statistic = sketchKsStatistic(a, b);
        const ks = ksPValue(statistic, this.nReference, this.nCurrent);
        return {
          statistic: ks.statistic,
          pValue: ks.pValue,
          pValueMethod: ks.pValueMethod,
          effectSize: ks.statistic,
          detail: `${ks.pValueMethod} p-value of the sketched statistic`,
        };
      }
      case 'wasserstein':
      case 'wasserstein_norm': {
        const measurement = wassersteinMeasurement(method, sketchWasserstein(a, b), this.referenceSd());
        // |∫(F̂a − F̂b) − ∫(Fa − Fb)| <= (εa + εb) · (span of both samples).
        const span = Math.max(a.max, b.max) - Math.min(a.min, b.min);
        const distanceBound = this.errorBound * span;
        const bound = method === 'wasserstein' ? distanceBound : distanceBound / Math.max(this.referenceSd(), MIN_NORMALISING_SD);
        return { ...measurement, errorBound: bound };
      }
      default: {
        const edges = sketchQuantileEdges(a, bins || DEFAULT_BINS);
        const reference = sketchBinCounts(a, edges);
        const current = sketchBinCounts(b, edges);
        const labels = [...edges.map((e) => `<=${e}`), 'rest'];
        return binnedMeasurement(method, { labels, reference, current }, false);
      }
    }
  }
}

/**
 * A numeric profile as its null is drawn from: every value while it holds them (whatever the window
 * holds, so that the null is one per baseline signal and can be stored with it), else its sketch's step CDF.
 */
export function numericReferenceGrid(profile: SignalProfile): ReferenceGrid {
  const exact = profile.exactValues();
  if (exact) return gridOfSorted(sortedNumbers(exact, 'reference'));
  const { values, cumulative } = profile.quantileSketch().sortedView();
  const weights = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) weights[i] = cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0);
  return numericGrid(values, weights);
}

function weightsByValue(sketch: QuantileSketch): Map<string, number> {
  const { values, cumulative } = sketch.sortedView();
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) counts.set(String(values[i]), cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0));
  return counts;
}

function mergedPoints(a: QuantileSketch, b: QuantileSketch): Float64Array {
  const va = a.sortedView().values;
  const vb = b.sortedView().values;
  const points = new Float64Array(va.length + vb.length);
  points.set(va);
  points.set(vb, va.length);
  return points.sort();
}

export function sketchKsStatistic(a: QuantileSketch, b: QuantileSketch): number {
  let d = 0;
  for (const x of mergedPoints(a, b)) d = Math.max(d, Math.abs(a.cdf(x) - b.cdf(x)));
  return d;
}

function sketchWasserstein(a: QuantileSketch, b: QuantileSketch): number {
  const points = mergedPoints(a, b);
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const width = points[i + 1]! - points[i]!;
    if (width > 0) total += Math.abs(a.cdf(points[i]!) - b.cdf(points[i]!)) * width;
  }
  return total;
}

function sketchQuantileEdges(sketch: QuantileSketch, bins: number): number[] {
  const { values } = sketch.sortedView();
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = values.length === sketch.count ? linearQuantile(values, i / bins) : sketch.quantile(i / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

function sketchBinCounts(sketch: QuantileSketch, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let previous = 0;
  for (const edge of edges) {
    const below = sketch.cdf(edge) * sketch.count;
    counts.push(below - previous);
    previous = below;
  }
  counts.push(sketch.count - previous);
  return counts;
}
