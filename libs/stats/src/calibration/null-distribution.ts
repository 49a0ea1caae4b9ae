import { linearQuantile } from '../binning.js';
import type { ConcreteDriftMethod } from '../drift-result.js';
import { hellingerDistance, jensenShannonDistance, populationStabilityIndex } from '../methods/binned-distances.js';
import { MIN_NORMALISING_SD } from '../methods/wasserstein.js';
import { CellSampler, SeededRandom, seedOf } from './seeded-random.js';

/** Distance methods, which have no closed-form null: theirs is simulated from the reference. */
export type ResampledMethod = Extract<ConcreteDriftMethod, 'wasserstein' | 'wasserstein_norm' | 'psi' | 'jensenshannon' | 'hellinger'>;

export const RESAMPLED_METHODS: ReadonlySet<ConcreteDriftMethod> = new Set(['wasserstein', 'wasserstein_norm', 'psi', 'jensenshannon', 'hellinger']);

/** Replicates per null: Monte Carlo p-values are multiples of 1/1000, and α·(B+1) is a whole number for α = 0.01, 0.05. */
export const NULL_REPLICATES = 999;
/** A reference with more distinct values is merged into at most this many cells of about equal weight. */
export const MAX_GRID_CELLS = 256;
/** The extreme values at each end are never merged: a distance's null tail is made by them. */
const UNMERGED_TAIL = 8;

/**
 * What a baseline stores, as the null sees it: numeric values (ascending) with their weights, from
 * every value kept or from the quantile sketch's step CDF; or category counts.
 */
export interface ReferenceGrid {
  readonly categorical: boolean;
  readonly values: Float64Array;
  readonly weights: Float64Array;
  readonly total: number;
}

/** A numeric grid from ascending distinct values and their weights (counts, or sketch weights). */
export function numericGrid(values: ArrayLike<number>, weights: ArrayLike<number>): ReferenceGrid {
  const length = values.length;
  let total = 0;
  for (let i = 0; i < length; i++) total += weights[i]!;
  if (length <= MAX_GRID_CELLS) {
    return { categorical: false, values: Float64Array.from(values), weights: Float64Array.from(weights), total };
  }
  const cellMass = total / (MAX_GRID_CELLS - 2 * UNMERGED_TAIL);
  const cellValues: number[] = [];
  const cellWeights: number[] = [];
  let mass = 0;
  let moment = 0;
  const flush = (): void => {
    if (mass === 0) return;
    cellValues.push(moment / mass);
    cellWeights.push(mass);
    mass = 0;
    moment = 0;
  };
  for (let i = 0; i < length; i++) {
    const w = weights[i]!;
    const tail = i < UNMERGED_TAIL || i >= length - UNMERGED_TAIL;
    if (tail || (mass > 0 && mass + w > cellMass)) flush();
    mass += w;
    moment += w * values[i]!;
    if (tail) flush();
  }
  flush();
  return { categorical: false, values: Float64Array.from(cellValues), weights: Float64Array.from(cellWeights), total };
}

/** Ascending distinct values of a sorted sample with their counts. */
export function gridOfSorted(sorted: Float64Array): ReferenceGrid {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
    else {
      values.push(sorted[i]!);
      counts.push(1);
    }
  }
  return numericGrid(values, counts);
}

export function categoricalGrid(counts: ReadonlyMap<string, number>): ReferenceGrid {
  const weights = Float64Array.from([...counts.values()].filter((c) => c > 0));
  return { categorical: true, values: new Float64Array(0), weights, total: weights.reduce((s, w) => s + w, 0) };
}

/** A simulated null: the statistic over NULL_REPLICATES pairs drawn from the reference at the pair's sizes. */
export interface NullDistribution {
  /** Ascending. */
  readonly replicates: Float64Array;
}

/**
 * Draws both samples from the reference, at the reference's and the current window's sizes (a
 * two-sample parametric bootstrap), so the null carries the baseline's own sampling noise as well
 * as the window's. Each draw is counts over the grid's cells (CellSampler): the cost per replicate
 * is the grid's size, whatever the sample sizes, past a few trials per cell.
 */
export function simulateNull(
  grid: ReferenceGrid,
  method: ResampledMethod,
  nReference: number,
  nCurrent: number,
  bins: number,
  seedText: string,
): NullDistribution {
  const random = new SeededRandom(seedOf(seedText));
  const cells = grid.weights.length;
  const a = new Float64Array(cells);
  const c = new Float64Array(cells);
  const replicates = new Float64Array(NULL_REPLICATES);
  const scratch = grid.categorical ? null : new BinScratch(cells, bins);
  const referenceSampler = new CellSampler(grid.weights, grid.total, nReference);
  const currentSampler = new CellSampler(grid.weights, grid.total, nCurrent);
  for (let r = 0; r < NULL_REPLICATES; r++) {
    referenceSampler.draw(random, a);
    currentSampler.draw(random, c);
    replicates[r] = replicateStatistic(grid, method, a, c, sum(a), sum(c), scratch);
  }
  replicates.sort();
  return { replicates };
}

function sum(counts: Float64Array): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k]!;
  return total;
}

function replicateStatistic(
  grid: ReferenceGrid,
  method: ResampledMethod,
  a: Float64Array,
  c: Float64Array,
  nReference: number,
  nCurrent: number,
  scratch: BinScratch | null,
): number {
  if (nReference === 0 || nCurrent === 0) return 0;
  if (grid.categorical) return binnedStatistic(method, a, c);
  if (method === 'wasserstein' || method === 'wasserstein_norm') {
    const x = grid.values;
    let cumA = 0;
    let cumC = 0;
    let distance = 0;
    let sum = 0;
    let squares = 0;
    for (let k = 0; k < x.length; k++) {
      cumA += a[k]!;
      cumC += c[k]!;
      sum += a[k]! * x[k]!;
      squares += a[k]! * x[k]! * x[k]!;
      if (k + 1 < x.length) distance += Math.abs(cumA / nReference - cumC / nCurrent) * (x[k + 1]! - x[k]!);
    }
    if (method === 'wasserstein') return distance;
    const variance = nReference > 1 ? Math.max(0, (squares - (sum * sum) / nReference) / (nReference - 1)) : 0;
    return distance / Math.max(Math.sqrt(variance), MIN_NORMALISING_SD);
  }
  return scratch!.statistic(method, grid.values, a, c, nReference);
}

function binnedStatistic(method: ResampledMethod, reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const r = reference as unknown as number[];
  const k = current as unknown as number[];
  return method === 'psi' ? populationStabilityIndex(r, k) : method === 'jensenshannon' ? jensenShannonDistance(r, k) : hellingerDistance(r, k);
}

/**
 * Reference-quantile bins of a replicate, as numericBins does on sorted samples: edges at the drawn
 * reference's linear-interpolated quantiles (ties removed), counts of values at or below each edge.
 */
class BinScratch {
  private readonly cumA: Float64Array;
  private readonly cumC: Float64Array;
  private readonly edges: number[] = [];
  private readonly binsA: number[] = [];
  private readonly binsC: number[] = [];

  constructor(
    cells: number,
    private readonly bins: number,
  ) {
    this.cumA = new Float64Array(cells);
    this.cumC = new Float64Array(cells);
  }

  statistic(method: ResampledMethod, x: Float64Array, a: Float64Array, c: Float64Array, nReference: number): number {
    const { cumA, cumC, edges, binsA, binsC } = this;
    let runA = 0;
    let runC = 0;
    for (let k = 0; k < x.length; k++) {
      runA += a[k]!;
      runC += c[k]!;
      cumA[k] = runA;
      cumC[k] = runC;
    }
    const valueAt = (index: number): number => x[firstAbove(cumA, index)]!;
    edges.length = 0;
    for (let i = 1; i < this.bins; i++) {
      const virtual = (nReference - 1) * (i / this.bins);
      const lower = Math.floor(virtual);
      const edge = linearQuantile([valueAt(lower), valueAt(Math.min(lower + 1, nReference - 1))], virtual - lower);
      if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
    }
    binsA.length = 0;
    binsC.length = 0;
    let previousA = 0;
    let previousC = 0;
    for (const edge of edges) {
      const cell = lastAtOrBelow(x, edge);
      const belowA = cell < 0 ? 0 : cumA[cell]!;
      const belowC = cell < 0 ? 0 : cumC[cell]!;
      binsA.push(belowA - previousA);
      binsC.push(belowC - previousC);
      previousA = belowA;
      previousC = belowC;
    }
    binsA.push(runA - previousA);
    binsC.push(runC - previousC);
    return binnedStatistic(method, binsA, binsC);
  }
}

/** First cell whose cumulative count exceeds `index` (the cell holding the index-th sorted value). */
function firstAbove(cumulative: Float64Array, index: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > index) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lastAtOrBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The noise floor: the replicate at the α upper tail. A statistic above it has a Monte Carlo
 * p-value of at most α; one at or below it, more than α.
 */
export function nullUpperQuantile(null_: NullDistribution, alpha: number): number {
  const { replicates } = null_;
  const above = Math.floor(alpha * (replicates.length + 1) + 1e-9);
  if (above <= 0) return replicates[replicates.length - 1]!;
  return replicates[replicates.length - above]!;
}

/** (1 + #{replicates ≥ statistic}) / (B + 1): never 0, and valid at any α. */
export function monteCarloPValue(null_: NullDistribution, statistic: number): number {
  const { replicates } = null_;
  let lo = 0;
  let hi = replicates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (replicates[mid]! < statistic) lo = mid + 1;
    else hi = mid;
  }
  return (1 + replicates.length - lo) / (replicates.length + 1);
}
