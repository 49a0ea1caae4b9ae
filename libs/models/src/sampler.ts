import type { SamplingConfig } from '@assay/db';

const MINUTE_MS = 60_000;

/** The sampling coin: stateless, so any thread may toss it. */
export function coinSays(sampling: SamplingConfig, random: () => number = Math.random): boolean {
  return sampling.probability >= 1 || random() < sampling.probability;
}

/**
 * The per-minute cap, the second half of the decision at ingest whether a matched span is kept
 * (the first is `coinSays`). Its counters live in this process (one ingest replica each), so N
 * replicas keep up to N × maxPerMinute; seen and sampled are counted exactly either way, which is
 * what unbiased rate estimates need.
 */
export class Sampler {
  private readonly kept = new Map<string, number>();
  private currentMinute = 0;

  /** The per-minute cap, for a span whose coin (`coinSays`) kept it; the coin may be tossed on another thread. */
  admit(modelId: string, version: string, minuteMs: number, maxPerMinute: number | null, nowMs = Date.now()): boolean {
    if (maxPerMinute === null) return true;
    this.forgetOldMinutes(nowMs);
    const key = `${modelId}\u0000${version}\u0000${minuteMs}`;
    const kept = this.kept.get(key) ?? 0;
    if (kept >= maxPerMinute) return false;
    this.kept.set(key, kept + 1);
    return true;
  }

  private forgetOldMinutes(nowMs: number): void {
    const minute = nowMs - (nowMs % MINUTE_MS);
    if (minute === this.currentMinute) return;
    this.currentMinute = minute;
    // Spans arrive a little late; counters of the last few minutes stay, older ones go.
    for (const key of this.kept.keys()) {
      if (Number(key.slice(key.lastIndexOf('\u0000') + 1)) < minute - 10 * MINUTE_MS) this.kept.delete(key);
    }
  }
}
