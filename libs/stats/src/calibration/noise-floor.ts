import { kolmogorovSurvival } from '../distributions/kolmogorov.js';
import { chiSquareSurvival, normalSurvival } from '../distributions/special-functions.js';
import type { ConcreteDriftMethod } from '../drift-result.js';
import { KS_EXACT_MAX_N, ksPValue } from '../methods/kolmogorov-smirnov.js';
import { findStoredNull, type ReferenceNulls } from './stored-nulls.js';
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
  /** Whether the grid holds categories (cheap to resample: one cell each) rather than numeric cells. */
  categorical: boolean;
  nReference: number;
  nCurrent: number;
  bins: number;
  statistic: number;
  alpha: number;
  /** Names the reference across calls (a baseline's digest): its nulls are then simulated once per size bucket and kept. */
  referenceKey?: string;
  /** Nulls computed when the baseline was stored (precomputeNulls); one that matches is used instead of a simulation. */
  stored?: ReferenceNulls;
}

/**
 * The window size a null is simulated at. Numeric grids past the reference's own size use the
 * reference's size: sqrt(mn/(m+n))·distance (PSI: mn/(m+n)·PSI) has nearly the same null for every
 * n ≥ m (measured within the noise of 10,000 replicates, ±3% at the upper 1% quantile, for normal,
 * lognormal, Student-t(3) and zero-inflated counts at m = 100 to 10,000; PSI at m = 100 is 20–25%
 * wider at n = m, on the safe side), so one null per baseline signal serves all large windows and can
 * be stored with the baseline. Categorical grids are cheap to simulate and their rare classes make the
 * scaled null drift with n (up to 10%), so they keep the window's own size bucket.
 */
export function simulatedWindowSize(categorical: boolean, nReference: number, nCurrent: number): number {
  const bucket = sizeBucket(nCurrent);
  return !categorical && bucket >= nReference ? nReference : bucket;
}

export function binningOf(method: ResampledMethod, bins: number): number {
  return method === 'wasserstein' || method === 'wasserstein_norm' ? 0 : bins;
}

/** The null of a method for a grid at these sizes, seeded from what it is of (so a re-run gives the same replicates). */
export function referenceNull(grid: ReferenceGrid, method: ResampledMethod, nReference: number, nSimulated: number, binning: number): NullDistribution {
  return simulateNull(grid, method, nReference, nSimulated, binning, `${method}|${binning}|${nReference}|${nSimulated}|${fingerprint(grid)}`);
}

/**
 * The p-value and noise floor of a distance from a null simulated at the reference's size and the
 * window's simulated size (simulatedWindowSize), the statistic rescaled from the window's exact size to that one.
 */
export function resampledCalibration(request: ResampleRequest): ResampledCalibration {
  const { method, categorical, nReference, nCurrent, bins, statistic, alpha, referenceKey, stored } = request;
  const simulated = simulatedWindowSize(categorical, nReference, nCurrent);
  const binning = binningOf(method, bins);
  const simulate = (): NullDistribution => {
    const kept = stored === undefined ? undefined : findStoredNull(stored, method, binning, nReference, simulated);
    return kept ?? referenceNull(request.grid(), method, nReference, simulated, binning);
  };
  const null_ = referenceKey === undefined ? simulate() : remember(nulls, `${referenceKey}|${method}|${binning}|${nReference}|${simulated}`, simulate);
  const scale = (effectiveSize(nReference, nCurrent) / effectiveSize(nReference, simulated)) ** scaleExponent(method);
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
