import type { Sample, SignalKind } from './drift-result.js';
import { StatsInputError } from './stats-input.error.js';

export interface NumericSample {
  kind: 'numeric';
  sorted: Float64Array;
}

export interface CategoricalSample {
  kind: 'categorical';
  counts: Map<string, number>;
  n: number;
  binary: boolean;
}

export type PreparedSample = NumericSample | CategoricalSample;

/** Inspects both samples together so that they share one kind. */
export function detectKind(reference: Sample, current: Sample, kind?: SignalKind): SignalKind {
  if (reference.length === 0) throw new StatsInputError('reference is empty: at least one value is needed');
  if (current.length === 0) throw new StatsInputError('current is empty: at least one value is needed');
  if (kind !== undefined) {
    if (kind !== 'numeric' && kind !== 'categorical') {
      throw new StatsInputError(`kind must be 'numeric' or 'categorical', got ${String(kind)}`);
    }
    return kind;
  }
  if (reference instanceof Float64Array && current instanceof Float64Array) return 'numeric';
  let sawNumber = false;
  let sawOther = false;
  for (const [name, sample] of [['reference', reference], ['current', current]] as const) {
    if (sample instanceof Float64Array) {
      sawNumber = true;
      continue;
    }
    for (let i = 0; i < sample.length; i++) {
      const value = sample[i];
      if (typeof value === 'number') sawNumber = true;
      else if (typeof value === 'string' || typeof value === 'boolean') sawOther = true;
      else throw new StatsInputError(`${name}[${i}] is ${describe(value)}; values must be numbers, strings or booleans`);
      if (sawNumber && sawOther) {
        throw new StatsInputError(
          `${name} mixes numbers with strings or booleans (at index ${i}); pass kind: 'categorical' to compare them as labels`,
        );
      }
    }
  }
  return sawNumber ? 'numeric' : 'categorical';
}

export function sortedNumbers(sample: Sample, name: string): Float64Array {
  const out = sample instanceof Float64Array ? new Float64Array(sample) : new Float64Array(sample.length);
  if (!(sample instanceof Float64Array)) {
    for (let i = 0; i < sample.length; i++) {
      const value = sample[i];
      if (typeof value !== 'number') {
        throw new StatsInputError(`${name}[${i}] is ${describe(value)}; numeric comparison needs numbers`);
      }
      out[i] = value;
    }
  }
  for (let i = 0; i < out.length; i++) {
    const value = out[i]!;
    if (!Number.isFinite(value)) {
      throw new StatsInputError(`${name}[${i}] is ${value}; drop or impute missing and infinite values first`);
    }
    // Typed-array sort orders -0 before 0; folding it keeps ties (and quantile edges) as numpy has them.
    if (value === 0) out[i] = 0;
  }
  return out.sort();
}

export function categoryLabel(value: unknown, name: string, index: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new StatsInputError(`${name}[${index}] is ${value}; drop or impute missing and infinite values first`);
    }
    return String(value);
  }
  throw new StatsInputError(`${name}[${index}] is ${describe(value)}; values must be numbers, strings or booleans`);
}

export function categoryCounts(sample: Sample, name: string): CategoricalSample {
  const counts = new Map<string, number>();
  let binary = sample.length > 0 && !(sample instanceof Float64Array);
  for (let i = 0; i < sample.length; i++) {
    const value = sample[i];
    if (typeof value !== 'boolean') binary = false;
    const label = categoryLabel(value, name, i);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return { kind: 'categorical', counts, n: sample.length, binary };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  return `a ${typeof value}`;
}
