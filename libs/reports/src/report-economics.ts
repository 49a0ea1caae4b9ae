import type { ClientMetricTotals, ReportEconomicsRow } from '@assay/db';
import type { ReportEconomics } from './report-content.js';

export interface EconomicsInputs {
  sums: ReportEconomicsRow;
  providers: Array<{ provider: string; sampled: number; costUsd: number | null }>;
  counts: { seen: number; sampled: number };
  metrics: ClientMetricTotals | null;
}

/**
 * Requests, tokens and cost from the clients' GenAI metrics where they sent them for the period
 * (unsampled counts), else scaled from the sampled spans; latency, providers and energy always
 * from the samples.
 */
export function economicsOf({ sums, providers, counts, metrics }: EconomicsInputs): ReportEconomics {
  const sampledRequests = Math.max(counts.seen, sums.sampled);
  const scale = sums.sampled > 0 ? sampledRequests / sums.sampled : 1;
  const scaled = (v: number | null): number | null => (v === null ? null : v * scale);
  const shared = {
    sampled: sums.sampled,
    latencyMs: { p50: sums.latencyP50, p95: sums.latencyP95 },
    providers: providers.map((p) => ({ provider: p.provider, share: sums.sampled > 0 ? p.sampled / sums.sampled : 0, sampled: p.sampled, costUsd: scaled(p.costUsd) })),
    energyWh: scaled(sums.energyWh),
    co2eG: scaled(sums.co2eG),
  };
  if (metrics !== null) {
    return {
      ...shared,
      source: 'client_metrics',
      requests: metrics.operations,
      estimated: false,
      inputTokens: metrics.inputTokens,
      outputTokens: metrics.outputTokens,
      costUsd: metrics.costUsd,
    };
  }
  return {
    ...shared,
    source: 'samples',
    requests: sampledRequests,
    estimated: scale !== 1,
    inputTokens: Math.round(sums.inputTokens * scale),
    outputTokens: Math.round(sums.outputTokens * scale),
    costUsd: scaled(sums.costUsd),
  };
}
