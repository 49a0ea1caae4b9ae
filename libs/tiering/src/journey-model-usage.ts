import { LATENCY_BUCKET_RATIO, type JourneyCallCount, type QualitySignalSums, type TieringSampleGroup } from '@assay/db';
import type { MeanSummary } from '@assay/stats';
import type { QualitySignal } from './tiering-decisions.js';

export const UNKNOWN_PROVIDER = '(unknown)';

/** What the window holds for one model on one journey: its sampled calls and its seen counts together. */
export interface JourneyModelUsage {
  modelId: string;
  journey: string;
  provider: string | null;
  /** Calls in the window: seen counts where the journey counts have them, else the stored samples. */
  calls: number;
  /** Sampled calls stored in the window. */
  sampled: number;
  failed: number;
  spendUsd: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  tokenCalls: number;
  co2eGPerCall: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  quality: Record<string, QualitySignalSums>;
}

interface Accumulator {
  groups: TieringSampleGroup[];
  sampled: number;
}

const keyOf = (modelId: string, journey: string): string => `${modelId}\u0000${journey}`;

/**
 * Folds the grouped sample sums and the seen counts into one usage per model and journey. Spend is
 * the sampled calls' cost scaled by seen / sampled, so that a journey sampled at 25% reports four
 * times the cost of what was stored.
 */
export function journeyModelUsages(groups: readonly TieringSampleGroup[], counts: readonly JourneyCallCount[]): JourneyModelUsage[] {
  const byPair = new Map<string, Accumulator>();
  for (const group of groups) {
    const key = keyOf(group.modelId, group.journey);
    const pair = byPair.get(key) ?? { groups: [], sampled: 0 };
    pair.groups.push(group);
    pair.sampled += group.sampled;
    byPair.set(key, pair);
  }
  const seen = new Map(counts.map((c) => [keyOf(c.modelId, c.journey), c]));
  const usages: JourneyModelUsage[] = [];
  for (const [key, pair] of byPair) usages.push(usageOf(pair, seen.get(key) ?? null));
  // Seen calls with no stored sample (sampling kept none) still count as traffic with unknown cost.
  for (const [key, count] of seen) {
    if (!byPair.has(key) && count.seen > 0) usages.push(unsampledUsage(count));
  }
  return usages;
}

function usageOf(pair: Accumulator, count: JourneyCallCount | null): JourneyModelUsage {
  const first = pair.groups[0]!;
  const calls = count !== null && count.seen > 0 ? count.seen : pair.sampled;
  const denominator = count !== null && count.sampled > 0 ? count.sampled : pair.sampled;
  const scale = denominator > 0 ? calls / denominator : 0;
  const sum = (pick: (g: TieringSampleGroup) => number): number => pair.groups.reduce((total, g) => total + pick(g), 0);
  const co2eCalls = sum((g) => g.co2eCalls);
  const [latencyP50Ms, latencyP95Ms] = latencyQuantiles(pair.groups, [0.5, 0.95]);
  return {
    modelId: first.modelId,
    journey: first.journey,
    provider: majorityProvider(pair.groups),
    calls,
    sampled: pair.sampled,
    failed: sum((g) => g.failed),
    spendUsd: sum((g) => g.costUsd) * scale,
    inputTokens: sum((g) => g.inputTokens),
    cachedInputTokens: sum((g) => g.cachedInputTokens),
    outputTokens: sum((g) => g.outputTokens),
    tokenCalls: sum((g) => g.tokenCalls),
    co2eGPerCall: co2eCalls > 0 ? sum((g) => g.co2eG) / co2eCalls : null,
    latencyP50Ms,
    latencyP95Ms,
    quality: mergedQuality(pair.groups),
  };
}

function unsampledUsage(count: JourneyCallCount): JourneyModelUsage {
  return {
    modelId: count.modelId,
    journey: count.journey,
    provider: null,
    calls: count.seen,
    sampled: 0,
    failed: 0,
    spendUsd: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    tokenCalls: 0,
    co2eGPerCall: null,
    latencyP50Ms: null,
    latencyP95Ms: null,
    quality: {},
  };
}

function majorityProvider(groups: readonly TieringSampleGroup[]): string | null {
  const calls = new Map<string | null, number>();
  for (const g of groups) calls.set(g.provider, (calls.get(g.provider) ?? 0) + g.sampled);
  let best: string | null = null;
  let most = -1;
  for (const [provider, n] of calls) {
    if (provider !== null && (n > most || (n === most && best !== null && provider < best))) {
      best = provider;
      most = n;
    }
  }
  return best;
}

function mergedQuality(groups: readonly TieringSampleGroup[]): Record<string, QualitySignalSums> {
  const merged: Record<string, QualitySignalSums> = {};
  for (const g of groups) {
    for (const [name, sums] of Object.entries(g.quality)) {
      const into = (merged[name] ??= { n: 0, sum: 0, sumSquares: 0 });
      into.n += sums.n;
      into.sum += sums.sum;
      into.sumSquares += sums.sumSquares;
    }
  }
  return merged;
}

/** Nearest-rank quantiles (the value at rank ⌈q·n⌉) from the latency buckets, each the middle of its bucket. */
export function latencyQuantiles(groups: readonly TieringSampleGroup[], quantiles: readonly number[]): Array<number | null> {
  const counts = new Map<number, number>();
  for (const g of groups) if (g.latencyBucket !== null) counts.set(g.latencyBucket, (counts.get(g.latencyBucket) ?? 0) + g.sampled);
  const buckets = [...counts].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((n, [, c]) => n + c, 0);
  return quantiles.map((q) => {
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let below = 0;
    for (const [bucket, count] of buckets) {
      below += count;
      if (below >= rank) return LATENCY_BUCKET_RATIO ** (bucket + 0.5);
    }
    return null;
  });
}

/**
 * Scores become means (sample variance from the sums), labels the share of `pass`; a score whose
 * signal setting says lower is better is tested the other way round.
 */
export function qualitySignalsOf(quality: Record<string, QualitySignalSums>, lowerIsBetter: ReadonlySet<string>): Record<string, QualitySignal> {
  const signals: Record<string, QualitySignal> = {};
  for (const [name, sums] of Object.entries(quality)) {
    if (name.endsWith('.label')) signals[name] = { kind: 'proportion', summary: { n: sums.n, successes: sums.sum } };
    else signals[name] = { kind: 'mean', summary: meanSummary(sums), higherIsBetter: !lowerIsBetter.has(name) };
  }
  return signals;
}

export function meanSummary(sums: QualitySignalSums): MeanSummary {
  const mean = sums.n > 0 ? sums.sum / sums.n : 0;
  const variance = sums.n > 1 ? Math.max(0, (sums.sumSquares - sums.sum * mean) / (sums.n - 1)) : 0;
  return { n: sums.n, mean, variance };
}

export const providerName = (provider: string | null): string => provider ?? UNKNOWN_PROVIDER;
