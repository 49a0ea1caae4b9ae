import { mean, quantileSorted } from 'simple-statistics';
import type { SignalProfile } from './signal-profile.js';

/** The levels of `NumericSummary.quantiles`: every 5%, enough to draw an ECDF or a histogram of the distribution. */
export const SUMMARY_QUANTILE_LEVELS: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);
export const SUMMARY_TOP_CATEGORIES = 8;

export interface NumericSummary {
  kind: 'numeric';
  count: number;
  /** False when the quantiles come from the profile's sketch rather than from every value. */
  exact: boolean;
  mean: number | null;
  standardDeviation: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  /** At SUMMARY_QUANTILE_LEVELS: linear interpolation (numpy's default) when exact. */
  quantiles: number[];
}

export interface CategoryShare {
  category: string;
  count: number;
  share: number;
}

export interface CategoricalSummary {
  kind: 'categorical';
  count: number;
  exact: boolean;
  /** Largest first. */
  categories: CategoryShare[];
  /** Share of the categories not listed. */
  otherShare: number;
}

export type ProfileSummary = NumericSummary | CategoricalSummary;

export function summariseNumeric(profile: SignalProfile): NumericSummary {
  const values = profile.exactValues() as number[] | null;
  const empty = profile.count === 0;
  let quantile: (q: number) => number;
  if (values) {
    const sorted = [...values].sort((a, b) => a - b);
    quantile = (q) => quantileSorted(sorted, q);
  } else {
    quantile = (q) => profile.quantile(q);
  }
  return {
    kind: 'numeric',
    count: profile.count,
    exact: values !== null,
    mean: empty ? null : values ? mean(values) : profile.mean(),
    standardDeviation: profile.standardDeviation(),
    min: profile.min,
    max: profile.max,
    p50: empty ? null : quantile(0.5),
    p95: empty ? null : quantile(0.95),
    quantiles: empty ? [] : SUMMARY_QUANTILE_LEVELS.map(quantile),
  };
}

function categorical(counts: Map<string, number>, total: number, listed: readonly string[], exact: boolean): CategoricalSummary {
  const categories = listed.map((category) => {
    const count = counts.get(category) ?? 0;
    return { category, count, share: total > 0 ? count / total : 0 };
  });
  const listedCount = categories.reduce((n, c) => n + c.count, 0);
  return { kind: 'categorical', count: total, exact, categories, otherShare: total > 0 ? (total - listedCount) / total : 0 };
}

/**
 * The baseline's and the current window's summaries, side by side. Categorical ones list the same
 * categories in both (those with the largest share in either), so that their shares can be compared.
 */
export function summarisePair(
  reference: SignalProfile,
  current: SignalProfile,
  topCategories = SUMMARY_TOP_CATEGORIES,
): { baseline: ProfileSummary; current: ProfileSummary } {
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    return { baseline: summariseNumeric(reference), current: summariseNumeric(current) };
  }
  if (reference.kind === 'categorical' && current.kind === 'categorical') {
    const a = reference.categoryCounts();
    const b = current.categoryCounts();
    const largest = new Map<string, number>();
    for (const [counts, total] of [[a, reference.count], [b, current.count]] as const) {
      for (const [category, count] of counts) largest.set(category, Math.max(largest.get(category) ?? 0, total > 0 ? count / total : 0));
    }
    const listed = [...largest]
      .sort(([x, sx], [y, sy]) => sy - sx || (x < y ? -1 : x > y ? 1 : 0))
      .slice(0, topCategories)
      .map(([category]) => category);
    const exact = reference.foldedFraction === 0 && current.foldedFraction === 0;
    return { baseline: categorical(a, reference.count, listed, exact), current: categorical(b, current.count, listed, exact) };
  }
  return { baseline: summarise(reference), current: summarise(current) };
}

export function summarise(profile: SignalProfile, topCategories = SUMMARY_TOP_CATEGORIES): ProfileSummary {
  if (profile.kind === 'numeric') return summariseNumeric(profile);
  const counts = profile.categoryCounts();
  const listed = [...counts].sort(([x, cx], [y, cy]) => cy - cx || (x < y ? -1 : x > y ? 1 : 0)).slice(0, topCategories).map(([c]) => c);
  return categorical(counts, profile.count, listed, profile.foldedFraction === 0);
}
