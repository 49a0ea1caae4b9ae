import { computeAggregates, evaluatePredicate, type AggregateRef, type Predicate, type Sample } from '@assay/policy';
import type { SignalProfile } from '@assay/stats';

function singleSignalOf(predicate: Predicate): string | null {
  switch (predicate.kind) {
    case 'compare':
    case 'in':
      return predicate.signal;
    case 'not':
      return singleSignalOf(predicate.operand);
    case 'and':
    case 'or': {
      const left = singleSignalOf(predicate.left);
      return left !== null && left === singleSignalOf(predicate.right) ? left : null;
    }
  }
}

function rateFromCategories(predicate: Predicate, signal: string, profile: SignalProfile): number | null {
  let matching = 0;
  let total = 0;
  for (const [label, count] of profile.categoryCounts()) {
    total += count;
    if (evaluatePredicate(predicate, { [signal]: label })) matching += count;
  }
  return total === 0 ? null : matching / total;
}

function fromSketch(ref: AggregateRef, profile: SignalProfile): number | null {
  switch (ref.fn) {
    case 'count':
      return profile.count;
    case 'sum':
      return profile.kind === 'numeric' ? profile.sum : null;
    case 'mean':
      return profile.mean();
    case 'stddev':
      return profile.standardDeviation();
    case 'min':
      return profile.min;
    case 'max':
      return profile.max;
    case 'quantile':
      return profile.kind === 'numeric' && profile.count > 0 && ref.q !== undefined ? profile.quantile(ref.q) : null;
    case 'rate':
      return null;
  }
}

/**
 * Aggregates over per-signal profiles, for windows too large to load. Profiles hold each signal
 * separately, so a rate whose predicate reads two signals cannot be computed from them: it is null
 * (insufficient data) and the caller falls back to samples when it can.
 */
export function aggregatesFromProfiles(
  refs: readonly AggregateRef[],
  profiles: ReadonlyMap<string, SignalProfile>,
  windowCount: number,
): Map<string, number | null> {
  const values = new Map<string, number | null>();
  for (const ref of refs) {
    if (values.has(ref.key)) continue;
    if (ref.fn === 'count' && ref.signal === undefined) {
      values.set(ref.key, windowCount);
      continue;
    }
    const signal = ref.fn === 'rate' ? (ref.predicate ? singleSignalOf(ref.predicate) : null) : ref.signal ?? null;
    const profile = signal === null ? undefined : profiles.get(signal);
    if (!profile || signal === null) {
      values.set(ref.key, ref.fn === 'count' ? 0 : null);
      continue;
    }
    const exact = profile.exactValues();
    if (exact !== null) {
      const samples: Sample[] = (exact as Array<number | string>).map((v) => ({ [signal]: v }));
      values.set(ref.key, computeAggregates([ref], samples).get(ref.key) ?? null);
    } else if (ref.fn === 'rate') {
      values.set(ref.key, profile.kind === 'categorical' ? rateFromCategories(ref.predicate!, signal, profile) : null);
    } else {
      values.set(ref.key, fromSketch(ref, profile));
    }
  }
  return values;
}
