import type { Sample, SampleValue, SignalKind } from './drift-result.js';
import { categoryLabel } from './sample-input.js';
import { DEFAULT_SKETCH_K, QuantileSketch, type QuantileSketchJSON } from './sketch/quantile-sketch.js';
import { StatsInputError } from './stats-input.error.js';

export const DEFAULT_RESERVOIR_SIZE = 10_000;
export const DEFAULT_MAX_CATEGORIES = 1_000;
/** Categories first seen after `maxCategories` distinct ones are counted here instead. */
export const OTHER_CATEGORY = '__other__';

export interface SignalProfileOptions {
  /** While a profile has seen at most this many values it keeps them all and comparisons are exact. */
  reservoirSize?: number;
  maxCategories?: number;
  sketchK?: number;
  seed?: number;
}

export interface SignalProfileJSON {
  version: 1;
  kind: SignalKind;
  count: number;
  min: number | null;
  max: number | null;
  sum: number;
  sumSquares: number;
  reservoirSize: number;
  maxCategories: number;
  /** Every value seen, while count <= reservoirSize; otherwise null. */
  values: (number | string)[] | null;
  /** Null while `values` holds every value and there are at most `sketchK` of them (rebuilt from them when needed). */
  sketch: QuantileSketchJSON | null;
  /** The sketch's k, when `sketch` is left out. */
  sketchK?: number;
  categories: Record<string, number> | null;
  foldedCount: number;
}

/**
 * A mergeable, serialisable summary of one signal over a window or a baseline. A numeric profile's
 * quantile sketch is built only once its values no longer fit the reservoir, or when it is asked
 * for, from the kept values in arrival order: same values, same error guarantees. A profile of at
 * most k values (most per-minute rows the ingest writes) neither builds nor serialises one.
 */
export class SignalProfile {
  private n = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private total = 0;
  private totalSquares = 0;
  private values: (number | string)[] | null = [];
  private sketch: QuantileSketch | null = null;
  private readonly sketchK: number;
  private readonly seed: number | undefined;
  private readonly categories: Map<string, number> | null;
  private folded = 0;
  readonly reservoirSize: number;
  readonly maxCategories: number;

  constructor(
    readonly kind: SignalKind,
    options: SignalProfileOptions = {},
  ) {
    if (kind !== 'numeric' && kind !== 'categorical') {
      throw new StatsInputError(`profile kind must be 'numeric' or 'categorical', got ${String(kind)}`);
    }
    this.reservoirSize = positiveInteger(options.reservoirSize ?? DEFAULT_RESERVOIR_SIZE, 'reservoirSize', 0);
    this.maxCategories = positiveInteger(options.maxCategories ?? DEFAULT_MAX_CATEGORIES, 'maxCategories', 1);
    this.sketchK = options.sketchK ?? DEFAULT_SKETCH_K;
    this.seed = options.seed;
    if (!Number.isInteger(this.sketchK) || this.sketchK < 8 || this.sketchK > 65_536) {
      throw new StatsInputError(`sketch k must be an integer from 8 to 65536, got ${this.sketchK}`);
    }
    this.categories = kind === 'categorical' ? new Map() : null;
  }

  get count(): number {
    return this.n;
  }

  get min(): number | null {
    return this.kind === 'numeric' && this.n > 0 ? this.minValue : null;
  }

  get max(): number | null {
    return this.kind === 'numeric' && this.n > 0 ? this.maxValue : null;
  }

  get sum(): number {
    return this.total;
  }

  get sumSquares(): number {
    return this.totalSquares;
  }

  /** Share of observations folded into `__other__` because the category cap was reached. */
  get foldedFraction(): number {
    return this.n === 0 ? 0 : this.folded / this.n;
  }

  add(value: SampleValue): this {
    if (this.kind === 'numeric') {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new StatsInputError(`numeric profile got ${describe(value)}; values must be finite numbers`);
      }
      if (!this.sketch && this.values!.length >= this.reservoirSize) this.buildSketch();
      this.addNumber(value);
      this.sketch?.update(value);
    } else {
      this.addLabel(categoryLabel(value, 'value', this.n));
    }
    return this;
  }

  addMany(values: Sample): this {
    if (this.kind === 'numeric') {
      const numbers = values instanceof Float64Array ? values : new Float64Array(values.length);
      if (!(values instanceof Float64Array)) {
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v !== 'number') throw new StatsInputError(`values[${i}] is ${describe(v)}; numeric profiles take numbers`);
          numbers[i] = v;
        }
      }
      for (let i = 0; i < numbers.length; i++) {
        if (!Number.isFinite(numbers[i]!)) throw new StatsInputError(`values[${i}] is ${numbers[i]}; drop or impute missing and infinite values first`);
      }
      if (!this.sketch && this.values!.length + numbers.length > this.reservoirSize) this.buildSketch();
      for (let i = 0; i < numbers.length; i++) this.addNumber(numbers[i]!);
      this.sketch?.updateMany(numbers);
    } else {
      for (let i = 0; i < values.length; i++) this.addLabel(categoryLabel(values[i], 'values', i));
    }
    return this;
  }

  merge(other: SignalProfile): this {
    if (other.kind !== this.kind) throw new StatsInputError(`cannot merge a ${other.kind} profile into a ${this.kind} profile`);
    const combined = this.n + other.n;
    const fits = this.values !== null && other.values !== null && combined <= this.reservoirSize;
    if (this.kind === 'numeric' && (!fits || this.sketch || other.sketch)) this.buildSketch().merge(other.buildSketch());
    this.values = fits ? [...this.values!, ...other.values!] : null;
    this.n = combined;
    this.total += other.total;
    this.totalSquares += other.totalSquares;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    if (this.categories) {
      for (const [label, count] of other.categories!) this.countLabel(label, count);
      this.folded += other.folded;
    }
    return this;
  }

  mean(): number | null {
    return this.kind === 'numeric' && this.n > 0 ? this.total / this.n : null;
  }

  /** Sample standard deviation (ddof = 1) from the exact sums; 0 below two values. */
  standardDeviation(): number | null {
    if (this.kind !== 'numeric' || this.n === 0) return null;
    if (this.n < 2) return 0;
    const variance = (this.totalSquares - (this.total * this.total) / this.n) / (this.n - 1);
    return Math.sqrt(Math.max(0, variance));
  }

  quantile(q: number): number {
    if (this.kind !== 'numeric') throw new StatsInputError('quantiles are defined for numeric profiles only');
    if (this.values) {
      if (this.values.length === 0) throw new StatsInputError('quantile of an empty profile is undefined');
      if (!(q >= 0 && q <= 1)) throw new StatsInputError(`quantile q must lie in [0, 1], got ${q}`);
      const sorted = Float64Array.from(this.values as number[]).sort();
      return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
    }
    return this.buildSketch().quantile(q);
  }

  /** Every value seen, in arrival order, while count <= reservoirSize; otherwise null. */
  exactValues(): number[] | string[] | null {
    return this.values ? ([...this.values] as number[] | string[]) : null;
  }

  categoryCounts(): Map<string, number> {
    if (!this.categories) throw new StatsInputError('category counts are defined for categorical profiles only');
    return new Map(this.categories);
  }

  quantileSketch(): QuantileSketch {
    if (this.kind !== 'numeric') throw new StatsInputError('quantile sketches are kept for numeric profiles only');
    return this.buildSketch();
  }

  // Up to k values a sketch is those values, so a reader rebuilds it for nothing; past that, a
  // window merging many minutes would rebuild (and compact) one per row, so it is written out.
  private sketchFromValuesIsCheap(): boolean {
    return this.values !== null && this.n <= this.sketchK;
  }

  private buildSketch(): QuantileSketch {
    if (!this.sketch) {
      this.sketch = new QuantileSketch(this.sketchK, this.seed);
      if (this.values && this.values.length > 0) this.sketch.updateMany(Float64Array.from(this.values as number[]));
    }
    return this.sketch;
  }

  toJSON(): SignalProfileJSON {
    return {
      version: 1,
      kind: this.kind,
      count: this.n,
      min: this.min,
      max: this.max,
      sum: this.total,
      sumSquares: this.totalSquares,
      reservoirSize: this.reservoirSize,
      maxCategories: this.maxCategories,
      values: this.values ? [...this.values] : null,
      sketch: this.kind === 'numeric' && !this.sketchFromValuesIsCheap() ? this.buildSketch().toJSON() : null,
      ...(this.kind === 'numeric' && this.sketchFromValuesIsCheap() ? { sketchK: this.sketchK } : {}),
      categories: this.categories ? Object.fromEntries([...this.categories].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : null,
      foldedCount: this.folded,
    };
  }

  static fromJSON(json: SignalProfileJSON): SignalProfile {
    if (json === null || typeof json !== 'object' || json.version !== 1) throw new StatsInputError('not a serialised signal profile (version 1)');
    const profile = new SignalProfile(json.kind, {
      reservoirSize: json.reservoirSize,
      maxCategories: json.maxCategories,
      sketchK: json.sketch?.k ?? json.sketchK,
    });
    if (!Number.isInteger(json.count) || json.count < 0) throw new StatsInputError('serialised profile has an invalid count');
    profile.n = json.count;
    profile.minValue = json.min ?? Infinity;
    profile.maxValue = json.max ?? -Infinity;
    profile.total = json.sum;
    profile.totalSquares = json.sumSquares;
    if (json.values !== null && (!Array.isArray(json.values) || json.values.length !== json.count)) {
      throw new StatsInputError('serialised profile values do not match its count');
    }
    profile.values = json.values ? [...json.values] : null;
    if (json.kind === 'numeric') {
      if (!json.sketch && !json.values) throw new StatsInputError('serialised numeric profile has neither values nor a sketch');
      // A sketch left out is rebuilt from the values, which must then be numbers.
      if (!json.sketch && json.values!.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new StatsInputError('serialised numeric profile has a value that is not a finite number');
      }
      if (json.sketch) {
        const sketch = QuantileSketch.fromJSON(json.sketch);
        if (sketch.count !== json.count) throw new StatsInputError('serialised profile sketch count does not match its count');
        profile.sketch = sketch;
      }
    } else {
      for (const [label, count] of Object.entries(json.categories ?? {})) {
        if (!Number.isInteger(count) || count < 0) throw new StatsInputError(`serialised category ${label} has an invalid count`);
        profile.categories!.set(label, count);
      }
      profile.folded = json.foldedCount;
    }
    return profile;
  }

  private addNumber(value: number): void {
    this.n++;
    this.total += value;
    this.totalSquares += value * value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    this.keep(value);
  }

  private addLabel(label: string): void {
    this.n++;
    this.countLabel(label, 1);
    this.keep(label);
  }

  private keep(value: number | string): void {
    if (!this.values) return;
    if (this.values.length < this.reservoirSize) this.values.push(value);
    else this.values = null;
  }

  private countLabel(label: string, count: number): void {
    const categories = this.categories!;
    if (categories.has(label) || (label !== OTHER_CATEGORY && categories.size - (categories.has(OTHER_CATEGORY) ? 1 : 0) < this.maxCategories)) {
      categories.set(label, (categories.get(label) ?? 0) + count);
      return;
    }
    categories.set(OTHER_CATEGORY, (categories.get(OTHER_CATEGORY) ?? 0) + count);
    this.folded += count;
  }
}

function positiveInteger(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new StatsInputError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'number' ? String(value) : `a ${typeof value}`;
}
