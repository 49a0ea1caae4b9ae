import { kolmogorovSurvival } from '../distributions/kolmogorov.js';
import { chiSquareSurvival, normalSurvival } from '../distributions/special-functions.js';
import type { ConcreteDriftMethod } from '../drift-result.js';
import { KS_EXACT_MAX_N, ksPValue } from '../methods/kolmogorov-smirnov.js';
import {
  monteCarloPValue,
  nullUpperQuantile,
  simulateNull,
  type NullDistribution,
  type ReferenceGrid,
  type ResampledMethod,
} from './null-distribution.js';

/**
 * Past this product of sizes, the exact KS distribution is too dear to invert for a noise floor
 * (each evaluation is O(n₁·n₂/gcd)); the asymptotic one stands in, as it does for the p-value past KS_EXACT_MAX_N.
 */
const KS_EXACT_FLOOR_MAX_PRODUCT = 1_000_000;
const CACHE_LIMIT = 2048;

const floors = new Map<string, number>();
const nulls = new Map<string, NullDistribution>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = make();
  cache.set(key, value);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return value;
}

/** Smallest x in [lo, hi] with survival(x) <= alpha, for a survival function decreasing in x. */
function invertSurvival(survival: (x: number) => number, alpha: number, lo: number, hi: number, iterations = 60): number {
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    if (survival(mid) <= alpha) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The α upper quantile of the two-sample KS statistic D for these sizes (the D at which p = α). */
export function ksNoiseFloor(nReference: number, nCurrent: number, alpha: number): number {
  return remember(floors, `ks|${nReference}|${nCurrent}|${alpha}`, () => {
    const exactIsCheap = Math.max(nReference, nCurrent) > KS_EXACT_MAX_N || nReference * nCurrent <= KS_EXACT_FLOOR_MAX_PRODUCT;
    if (exactIsCheap) return invertSurvival((d) => ksPValue(d, nReference, nCurrent).pValue, alpha, 0, 1, 40);
    const [m, n] = nReference >= nCurrent ? [nReference, nCurrent] : [nCurrent, nReference];
    const effectiveN = Math.round((m * n) / (m + n));
    return invertSurvival((d) => kolmogorovSurvival(effectiveN, d), alpha, 0, 1, 40);
  });
}

/** The α upper quantile of χ² with these degrees of freedom. */
export function chiSquareNoiseFloor(degreesOfFreedom: number, alpha: number): number {
  if (degreesOfFreedom <= 0) return 0;
  return remember(floors, `chi2|${degreesOfFreedom}|${alpha}`, () =>
    invertSurvival((x) => chiSquareSurvival(x, degreesOfFreedom), alpha, 0, degreesOfFreedom + 40 * Math.sqrt(2 * degreesOfFreedom) + 200),
  );
}

/** The |z| past which a two-sided z-test's p-value is below α. */
export function zNoiseFloor(alpha: number): number {
  return remember(floors, `z|${alpha}`, () => invertSurvival((z) => 2 * normalSurvival(z), alpha, 0, 40));
}

/** Window sizes share a null when they agree to two significant digits (at most 5% apart). */
export function sizeBucket(n: number): number {
  if (n <= 100) return n;
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / magnitude) * magnitude;
}

/**
 * How a method's null scales with the effective size mn/(m+n): distances shrink as its square root,
 * PSI (a divergence, a squared distance) as the size itself.
 */
function scaleExponent(method: ResampledMethod): number {
  return method === 'psi' ? 1 : 0.5;
}

function effectiveSize(m: number, n: number): number {
  return (m * n) / (m + n);
}

export interface ResampledCalibration {
  pValue: number;
  noiseFloor: number;
}

export interface ResampleRequest {
  method: ResampledMethod;
  grid: () => ReferenceGrid;
  nReference: number;
  nCurrent: number;
  bins: number;
  statistic: number;
  alpha: number;
  /** Names the reference across calls (a baseline's digest): its nulls are then simulated once per size bucket and kept. */
  referenceKey?: string;
}

/**
 * The p-value and noise floor of a distance from a null simulated at the reference's size and the
 * window's size bucket, the statistic rescaled from the window's exact size to the bucket's.
 */
export function resampledCalibration(request: ResampleRequest): ResampledCalibration {
  const { method, nReference, nCurrent, bins, statistic, alpha, referenceKey } = request;
  const bucket = sizeBucket(nCurrent);
  const binning = method === 'wasserstein' || method === 'wasserstein_norm' ? 0 : bins;
  const simulate = (): NullDistribution => {
    const grid = request.grid();
    return simulateNull(grid, method, nReference, bucket, binning, `${method}|${binning}|${nReference}|${bucket}|${fingerprint(grid)}`);
  };
  const null_ = referenceKey === undefined ? simulate() : remember(nulls, `${referenceKey}|${method}|${binning}|${nReference}|${bucket}`, simulate);
  const scale = (effectiveSize(nReference, nCurrent) / effectiveSize(nReference, bucket)) ** scaleExponent(method);
  return {
    pValue: monteCarloPValue(null_, statistic * scale),
    noiseFloor: nullUpperQuantile(null_, alpha) / scale,
  };
}

function fingerprint(grid: ReferenceGrid): string {
  let a = 0;
  let b = 0;
  for (let i = 0; i < grid.weights.length; i++) {
    a += grid.weights[i]! * (i + 1);
    if (!grid.categorical) b += grid.weights[i]! * grid.values[i]!;
  }
  return `${grid.categorical ? 'c' : 'n'}${grid.weights.length}:${grid.total}:${a}:${b}`;
}

export function isResampled(method: ConcreteDriftMethod): method is ResampledMethod {
  return method === 'wasserstein' || method === 'wasserstein_norm' || method === 'psi' || method === 'jensenshannon' || method === 'hellinger';
}
