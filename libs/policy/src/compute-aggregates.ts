import { evaluateRule, type RuleEvaluation } from './evaluate.js';
import { isPresent, evaluatePredicate, predicateSignals } from './predicate.js';
import type { AggregateRef, PolicyRule, Sample } from './policy-rule.js';
import { requiredAggregates } from './references.js';

/**
 * Exact values of the given aggregates over an in-memory list of samples, keyed by `ref.key`.
 * The source of a ref is not consulted: pass window refs with window samples and baseline
 * refs with baseline samples.
 *
 * - Numeric aggregates read the finite numbers of their signal and skip anything else.
 * - `count()` counts samples; `count(s)` counts samples where `s` is present (any type).
 * - `sum` of nothing is 0; `mean`, `min`, `max` and quantiles of nothing are null;
 *   `stddev` (ddof 1, like numpy's `std(ddof=1)`) needs two values.
 * - Quantiles interpolate linearly between order statistics, like numpy's default method.
 * - `rate(p)` = samples matching p / samples where at least one signal p reads is present,
 *   so a rate over finish_reason is not diluted by spans that carry no finish reason;
 *   null when no sample carries any of them.
 */
export function computeAggregates(refs: readonly AggregateRef[], samples: readonly Sample[]): Map<string, number | null> {
  const columns = new SignalColumns(samples);
  const result = new Map<string, number | null>();
  for (const ref of refs) if (!result.has(ref.key)) result.set(ref.key, computeOne(ref, samples, columns));
  return result;
}

/** Evaluates a rule directly on samples: the window's, and the baseline's when the rule needs them. */
export function evaluateRuleOnSamples(
  rule: PolicyRule,
  window: readonly Sample[],
  baseline: readonly Sample[] = [],
): RuleEvaluation {
  const refs = requiredAggregates(rule);
  const values = new Map([
    ...computeAggregates(refs.filter((ref) => ref.source === 'window'), window),
    ...computeAggregates(refs.filter((ref) => ref.source === 'baseline'), baseline),
  ]);
  return evaluateRule(rule, (ref) => values.get(ref.key) ?? null);
}

function computeOne(ref: AggregateRef, samples: readonly Sample[], columns: SignalColumns): number | null {
  if (ref.fn === 'rate') return ref.predicate === undefined ? null : rate(ref.predicate, samples);
  const signal = ref.signal;
  if (signal === undefined) return ref.fn === 'count' ? samples.length : null;
  if (ref.fn === 'count') return samples.reduce((n, sample) => (isPresent(sample[signal]) ? n + 1 : n), 0);
  const values = columns.numbers(signal);
  switch (ref.fn) {
    case 'sum':
      return compensatedSum(values);
    case 'mean':
      return values.length === 0 ? null : compensatedSum(values) / values.length;
    case 'stddev':
      return sampleStandardDeviation(values);
    case 'min':
    case 'max':
    case 'quantile': {
      const sorted = columns.sortedNumbers(signal);
      if (sorted.length === 0) return null;
      if (ref.fn === 'min') return sorted[0];
      if (ref.fn === 'max') return sorted[sorted.length - 1];
      return ref.q === undefined ? null : quantileOfSorted(sorted, ref.q);
    }
  }
}

class SignalColumns {
  private readonly numeric = new Map<string, number[]>();
  private readonly sorted = new Map<string, Float64Array>();

  constructor(private readonly samples: readonly Sample[]) {}

  numbers(signal: string): number[] {
    let values = this.numeric.get(signal);
    if (values === undefined) {
      values = [];
      for (const sample of this.samples) {
        const value = sample[signal];
        if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
      }
      this.numeric.set(signal, values);
    }
    return values;
  }

  sortedNumbers(signal: string): Float64Array {
    let sorted = this.sorted.get(signal);
    if (sorted === undefined) {
      sorted = Float64Array.from(this.numbers(signal)).sort();
      this.sorted.set(signal, sorted);
    }
    return sorted;
  }
}

function rate(predicate: NonNullable<AggregateRef['predicate']>, samples: readonly Sample[]): number | null {
  const signals = predicateSignals(predicate);
  let matching = 0;
  let carrying = 0;
  for (const sample of samples) {
    if (!signals.some((signal) => isPresent(sample[signal]))) continue;
    carrying++;
    if (evaluatePredicate(predicate, sample)) matching++;
  }
  return carrying === 0 ? null : matching / carrying;
}

// Neumaier's compensated summation: cost columns summed over a large window otherwise drift
// in the last digits, which a `==` rule or a replayed verdict would notice.
function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

function sampleStandardDeviation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = compensatedSum(values) / values.length;
  return Math.sqrt(compensatedSum(values.map((value) => (value - mean) ** 2)) / (values.length - 1));
}

/** numpy's default ('linear') quantile, including its two-sided interpolation. */
function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const index = (sorted.length - 1) * q;
  const below = Math.floor(index);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = index - below;
  const low = sorted[below];
  const high = sorted[above];
  const difference = high - low;
  return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction;
}
