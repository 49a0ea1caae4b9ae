import { StatsInputError } from './stats-input.error.js';

export type PValueAdjustment = 'none' | 'bonferroni' | 'bh';

/**
 * Adjusts a family of p-values for multiple testing. Nulls (tests without a p-value) stay null and
 * do not count towards the family size. 'bh' is Benjamini–Hochberg, as scipy.stats.false_discovery_control.
 */
export function adjustPValues(pValues: readonly (number | null)[], method: PValueAdjustment): (number | null)[] {
  if (method !== 'none' && method !== 'bonferroni' && method !== 'bh') {
    throw new StatsInputError(`adjustment method must be 'none', 'bonferroni' or 'bh', got ${String(method)}`);
  }
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new StatsInputError(`pValues[${index}] is ${String(p)}; p-values must lie in [0, 1]`);
    }
    present.push({ index, p });
  });
  const out: (number | null)[] = pValues.map((p) => p);
  const m = present.length;
  if (method === 'none' || m === 0) return out;
  if (method === 'bonferroni') {
    for (const { index, p } of present) out[index] = Math.min(1, p * m);
    return out;
  }
  const ranked = [...present].sort((a, b) => a.p - b.p);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const entry = ranked[rank - 1]!;
    running = Math.min(running, (entry.p * m) / rank);
    out[entry.index] = Math.min(1, running);
  }
  return out;
}
