import type { SamplingConfig } from '@assay/db';

const MINUTE_MS = 60_000;

/** The sampling coin: stateless, so any thread may toss it. */
export function coinSays(sampling: SamplingConfig, random: () => number = Math.random): boolean {
  return sampling.probability >= 1 || random() < sampling.probability;
}

/** Spans of one model, version and minute whose coin kept them, asking for room under the cap. */
export interface CapDemand {
  modelId: string;
  version: string;
  minuteMs: number;
  maxPerMinute: number;
  wanted: number;
}

/**
 * The per-minute cap counted in this process alone: the ingest's fallback while the counters
 * shared by every replica (in Redis) cannot be reached.
 */
export class LocalCaps {
  private readonly kept = new Map<string, number>();
  private currentMinute = 0;

  /** How many of each demand's spans may be kept. */
  grant(demands: readonly CapDemand[], nowMs = Date.now()): number[] {
    this.forgetOldMinutes(nowMs);
    return demands.map((demand) => {
      const key = capKey(demand);
      const kept = this.kept.get(key) ?? 0;
      const granted = Math.max(0, Math.min(demand.wanted, demand.maxPerMinute - kept));
      if (granted > 0) this.kept.set(key, kept + granted);
      return granted;
    });
  }

  /** Gives back room granted to spans that were not stored after all. */
  release(demands: readonly CapDemand[], granted: readonly number[]): void {
    demands.forEach((demand, i) => {
      const key = capKey(demand);
      const kept = this.kept.get(key);
      if (kept !== undefined && granted[i] > 0) this.kept.set(key, Math.max(0, kept - granted[i]));
    });
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

export function capKey(demand: Pick<CapDemand, 'modelId' | 'version' | 'minuteMs'>): string {
  return `${demand.modelId}\u0000${demand.version}\u0000${demand.minuteMs}`;
}
