// A KLL quantile sketch (Karnin, Lang & Liberty 2016) with seeded randomness and a tracked rank-error variance.
import { StatsInputError } from '../stats-input.error.js';
import { sortFloat64 } from './sort-float64.js';

export const DEFAULT_SKETCH_K = 400;
/**
 * The stated bound is this many standard deviations of the accumulated rank error. Each compaction
 * adds an independent, zero-mean error of at most its item weight, so by Hoeffding a rank estimate is
 * off by more than 5σ with probability below 2·e^(−12.5) ≈ 7.5e-6.
 */
export const SKETCH_ERROR_SIGMAS = 5;
const CAPACITY_DECAY = 2 / 3;
const MIN_LEVEL_CAPACITY = 8;
// Level 0 is allowed a larger buffer: it costs little memory and makes updates cheaper.
const MIN_LEVEL0_CAPACITY = 1024;
const DEFAULT_SEED = 0x2545f491;

export interface QuantileSketchJSON {
  k: number;
  n: number;
  min: number | null;
  max: number | null;
  /** Σ over compactions of (item weight)², the variance bound of any rank estimate. */
  rankVariance: number;
  rngState: number;
  levels: number[][];
  samplerLevel: number;
  /** Values of the sampler's unfinished block, each of weight 1. */
  pending: number[];
}

export class QuantileSketch {
  private levels: Float64Array[] = [new Float64Array(MIN_LEVEL0_CAPACITY)];
  private sizes: number[] = [0];
  private n = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private rankVariance = 0;
  private rngState: number;
  private level0Capacity: number;
  /**
   * KLL's sampler: once n >= k², each block of 2^samplerLevel incoming values keeps one value chosen
   * uniformly at random, entering the compactor at level samplerLevel. It adds at most B²/4 rank variance
   * per block of B values, below the compactors' own (n/k)² growth, and saves most of the sorting work.
   */
  private samplerLevel = 0;
  private pending = new Float64Array(1);
  private pendingSize = 0;
  private view?: { values: Float64Array; cumulative: Float64Array };

  constructor(
    readonly k: number = DEFAULT_SKETCH_K,
    seed: number = DEFAULT_SEED,
  ) {
    if (!Number.isInteger(k) || k < 8 || k > 65_536) throw new StatsInputError(`sketch k must be an integer from 8 to 65536, got ${k}`);
    this.rngState = seed >>> 0 || DEFAULT_SEED;
    this.level0Capacity = this.capacity(0);
    this.levels[0] = new Float64Array(this.level0Capacity);
  }

  get count(): number {
    return this.n;
  }

  get min(): number {
    return this.minValue;
  }

  get max(): number {
    return this.maxValue;
  }

  /** Adds one finite value (the caller validates). */
  update(value: number): void {
    this.n++;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    this.view = undefined;
    if (this.samplerLevel === 0) {
      let size = this.sizes[0]!;
      this.levels[0]![size++] = value;
      this.sizes[0] = size;
      if (size >= this.level0Capacity) this.compress();
      return;
    }
    this.pending[this.pendingSize++] = value;
    if (this.pendingSize === this.pending.length) this.flushBlock();
  }

  updateMany(values: Float64Array): void {
    let min = this.minValue;
    let max = this.maxValue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.minValue = min;
    this.maxValue = max;
    this.view = undefined;
    let offset = 0;
    while (offset < values.length) {
      if (this.samplerLevel === 0) {
        const size = this.sizes[0]!;
        const take = Math.min(this.level0Capacity - size, values.length - offset);
        this.levels[0]!.set(values.subarray(offset, offset + take), size);
        this.sizes[0] = size + take;
        this.n += take;
        offset += take;
        if (this.sizes[0]! >= this.level0Capacity) this.compress();
      } else {
        const block = this.pending.length;
        if (this.pendingSize === 0 && values.length - offset >= block) {
          const chosen = values[offset + this.nextIndex(block)]!;
          this.n += block;
          offset += block;
          this.commitBlock(chosen, block);
          continue;
        }
        this.pending[this.pendingSize++] = values[offset++]!;
        this.n++;
        if (this.pendingSize === block) this.flushBlock();
      }
    }
  }

  private flushBlock(): void {
    const block = this.pending.length;
    const chosen = this.pending[this.nextIndex(block)]!;
    this.pendingSize = 0;
    this.commitBlock(chosen, block);
  }

  private commitBlock(chosen: number, block: number): void {
    this.rankVariance += (block * block) / 4;
    this.push(this.samplerLevel, chosen);
    if (this.sizes[this.samplerLevel]! >= this.capacity(this.samplerLevel)) this.compress();
    this.adjustSampler();
  }

  private adjustSampler(): void {
    const kSquared = this.k * this.k;
    if (this.n < kSquared) return;
    const level = Math.floor(Math.log2((2 * this.n) / kSquared));
    if (level > this.samplerLevel && this.pendingSize === 0) {
      this.samplerLevel = level;
      this.pending = new Float64Array(2 ** level);
    }
  }

  merge(other: QuantileSketch): this {
    if (other.k !== this.k) throw new StatsInputError(`cannot merge sketches with different k (${this.k} and ${other.k})`);
    for (let h = 0; h < other.levels.length; h++) {
      for (let i = 0; i < other.sizes[h]!; i++) this.push(h, other.levels[h]![i]!);
    }
    for (let i = 0; i < other.pendingSize; i++) this.push(0, other.pending[i]!);
    this.n += other.n;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.rankVariance += other.rankVariance;
    this.view = undefined;
    this.compress();
    return this;
  }

  /** Bound on |estimated − true| normalised rank (a fraction of count) for any query; 0 while nothing was compacted. */
  rankErrorBound(): number {
    return this.n === 0 ? 0 : (SKETCH_ERROR_SIGMAS * Math.sqrt(this.rankVariance)) / this.n;
  }

  /** Estimated fraction of values <= x. */
  cdf(x: number): number {
    if (this.n === 0) return 0;
    const { values, cumulative } = this.sortedView();
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : cumulative[lo - 1]! / this.n;
  }

  /** Smallest retained value whose estimated cumulative fraction reaches q. */
  quantile(q: number): number {
    if (this.n === 0) throw new StatsInputError('quantile of an empty sketch is undefined');
    if (!(q >= 0 && q <= 1)) throw new StatsInputError(`quantile q must lie in [0, 1], got ${q}`);
    if (q === 0) return this.minValue;
    if (q === 1) return this.maxValue;
    const { values, cumulative } = this.sortedView();
    const target = q * this.n;
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  }

  /** Retained values in ascending order with their cumulative weights (the sketch's step CDF). */
  sortedView(): { values: Float64Array; cumulative: Float64Array } {
    if (this.view) return this.view;
    let total = this.pendingSize;
    for (const size of this.sizes) total += size;
    const order = new Float64Array(total);
    const weightOf = new Map<number, number>();
    let at = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const weight = 2 ** h;
      for (let i = 0; i < this.sizes[h]!; i++) {
        const v = this.levels[h]![i]!;
        order[at++] = v;
        weightOf.set(v, (weightOf.get(v) ?? 0) + weight);
      }
    }
    for (let i = 0; i < this.pendingSize; i++) {
      const v = this.pending[i]!;
      order[at++] = v;
      weightOf.set(v, (weightOf.get(v) ?? 0) + 1);
    }
    order.sort();
    const values: number[] = [];
    const cumulative: number[] = [];
    let running = 0;
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      if (i > 0 && v === order[i - 1]) continue;
      running += weightOf.get(v)!;
      values.push(v);
      cumulative.push(running);
    }
    this.view = { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative) };
    return this.view;
  }

  retainedCount(): number {
    return this.sizes.reduce((s, x) => s + x, this.pendingSize);
  }

  toJSON(): QuantileSketchJSON {
    return {
      k: this.k,
      n: this.n,
      min: this.n ? this.minValue : null,
      max: this.n ? this.maxValue : null,
      rankVariance: this.rankVariance,
      rngState: this.rngState,
      levels: this.levels.map((level, h) => Array.from(level.subarray(0, this.sizes[h]))),
      samplerLevel: this.samplerLevel,
      pending: Array.from(this.pending.subarray(0, this.pendingSize)),
    };
  }

  static fromJSON(json: QuantileSketchJSON): QuantileSketch {
    const valid =
      json !== null && typeof json === 'object' && Array.isArray(json.levels) && Number.isInteger(json.n) &&
      json.n >= 0 && Number.isFinite(json.rankVariance) && Number.isInteger(json.rngState) &&
      Number.isInteger(json.samplerLevel) && json.samplerLevel >= 0 && json.samplerLevel <= 52 &&
      Array.isArray(json.pending) && json.pending.length < Math.max(1, 2 ** json.samplerLevel) &&
      json.pending.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!valid) throw new StatsInputError('not a serialised quantile sketch');
    const sketch = new QuantileSketch(json.k, json.rngState);
    sketch.rngState = json.rngState >>> 0;
    let weight = 0;
    json.levels.forEach((level, h) => {
      if (!Array.isArray(level) || !level.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new StatsInputError(`serialised sketch level ${h} holds a value that is not a finite number`);
      }
      for (const v of level) sketch.push(h, v);
      weight += level.length * 2 ** h;
    });
    sketch.samplerLevel = json.samplerLevel;
    sketch.pending = new Float64Array(2 ** json.samplerLevel);
    sketch.pending.set(json.pending);
    sketch.pendingSize = json.pending.length;
    weight += json.pending.length;
    if (weight !== json.n) throw new StatsInputError(`serialised sketch weights sum to ${weight}, not n = ${json.n}`);
    sketch.n = json.n;
    sketch.minValue = json.min ?? Infinity;
    sketch.maxValue = json.max ?? -Infinity;
    sketch.rankVariance = json.rankVariance;
    sketch.level0Capacity = sketch.capacity(0);
    return sketch;
  }

  private capacity(h: number): number {
    const depth = this.levels.length - 1 - h;
    const decayed = Math.max(MIN_LEVEL_CAPACITY, Math.ceil(this.k * CAPACITY_DECAY ** Math.max(0, depth)));
    return h === 0 ? Math.max(decayed, MIN_LEVEL0_CAPACITY) : decayed;
  }

  private push(h: number, value: number): void {
    while (this.levels.length <= h) {
      this.levels.push(new Float64Array(MIN_LEVEL_CAPACITY));
      this.sizes.push(0);
    }
    let level = this.levels[h]!;
    const size = this.sizes[h]!;
    if (size === level.length) {
      const grown = new Float64Array(level.length * 2);
      grown.set(level);
      this.levels[h] = level = grown;
    }
    level[size] = value;
    this.sizes[h] = size + 1;
  }

  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      if (this.sizes[h]! >= this.capacity(h)) this.compact(h);
    }
    this.level0Capacity = this.capacity(0);
    if (this.levels[0]!.length < this.level0Capacity) {
      const grown = new Float64Array(this.level0Capacity);
      grown.set(this.levels[0]!.subarray(0, this.sizes[0]));
      this.levels[0] = grown;
    }
    if (this.pendingSize === 0) this.adjustSampler();
  }

  // Halves a level: sorts it and promotes every other item, starting at a random offset, with double weight.
  private compact(h: number): void {
    const size = this.sizes[h]!;
    const items = this.levels[h]!;
    sortFloat64(items, 0, size);
    const pairs = Math.floor(size / 2);
    const offset = this.nextBit();
    const keep = size % 2 === 1 ? items[size - 1]! : 0;
    for (let i = 0; i < pairs; i++) this.push(h + 1, items[2 * i + offset]!);
    // push() may have reallocated nothing at level h, so `items` still aliases it.
    this.sizes[h] = 0;
    if (size % 2 === 1) this.levels[h]![this.sizes[h]!++] = keep;
    this.rankVariance += 4 ** h;
  }

  private nextBit(): number {
    return this.nextRandom() & 1;
  }

  /** Uniform integer in [0, bound) for a power-of-two bound. */
  private nextIndex(bound: number): number {
    return this.nextRandom() & (bound - 1);
  }

  // xorshift32: seeded, so the same input always yields the same sketch and the same serialised digest.
  private nextRandom(): number {
    let x = this.rngState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rngState = x >>> 0;
    return this.rngState;
  }
}
