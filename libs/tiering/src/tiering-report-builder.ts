import type { JourneyCallCount, TieringSampleGroup } from '@assay/db';
import { DistinctSketch } from '@assay/stats';
import { journeyModelUsages, providerName, qualitySignalsOf, type JourneyModelUsage } from './journey-model-usage.js';
import { costPerCall, decideTiering, type ModelOnJourney } from './tiering-decisions.js';
import { experimentFor, type PricedModel } from './tiering-experiment.js';
import type { JourneyTierSummary, ModelTierSummary, ProviderSpend, TieringQuery, TieringReport } from './tiering-report.js';

const DAY_MS = 86_400_000;
const DAYS_PER_MONTH = 30;

/** The distinct inputs of one journey over every seen call in the window, merged from its hourly sketches. */
export interface JourneyInputs {
  callsWithInput: number;
  sketch: DistinctSketch;
}

export interface TieringEvidence {
  projectId: string;
  query: TieringQuery;
  /** The registered name of each model id. */
  modelNames: ReadonlyMap<string, string>;
  groups: readonly TieringSampleGroup[];
  counts: readonly JourneyCallCount[];
  inputs: ReadonlyMap<string, JourneyInputs>;
  prices: readonly PricedModel[];
  /** Quality signals whose project setting says a lower value is better. */
  lowerIsBetter: ReadonlySet<string>;
}

/** The tiering report of one window, from what the window's reads returned. */
export function buildTieringReport(evidence: TieringEvidence): TieringReport {
  const { query } = evidence;
  const windowMs = query.to.getTime() - query.from.getTime();
  const settings = { margin: query.margin, alpha: query.alpha, windowMs };
  const passLabels = labelsWithPass(evidence.groups);
  const usages = journeyModelUsages(evidence.groups, evidence.counts).map((usage) => ({
    ...usage,
    quality: Object.fromEntries(Object.entries(usage.quality).filter(([name]) => !name.endsWith('.label') || passLabels.has(name))),
  }));
  const byJourney = new Map<string, Array<{ usage: JourneyModelUsage; onJourney: ModelOnJourney }>>();
  for (const usage of usages) {
    const onJourney: ModelOnJourney = {
      model: evidence.modelNames.get(usage.modelId) ?? usage.modelId,
      provider: usage.provider,
      calls: usage.calls,
      spendUsd: usage.spendUsd,
      co2eGPerCall: usage.co2eGPerCall,
      quality: qualitySignalsOf(usage.quality, evidence.lowerIsBetter),
      errors: { n: usage.sampled, failed: usage.failed },
    };
    const list = byJourney.get(usage.journey) ?? [];
    list.push({ usage, onJourney });
    byJourney.set(usage.journey, list);
  }
  const decisions = decideTiering([...byJourney].map(([journey, models]) => ({ journey, models: models.map((m) => m.onJourney) })), settings);
  const monthFactor = (DAYS_PER_MONTH * DAY_MS) / windowMs;
  const journeys: JourneyTierSummary[] = [...byJourney].map(([journey, models]) => {
    const sorted = [...models].sort((a, b) => b.usage.spendUsd - a.usage.spendUsd || a.onJourney.model.localeCompare(b.onJourney.model));
    const spendUsd = sorted.reduce((total, m) => total + m.usage.spendUsd, 0);
    const inputTokens = sorted.reduce((total, m) => total + m.usage.inputTokens, 0);
    const cachedInputTokens = sorted.reduce((total, m) => total + m.usage.cachedInputTokens, 0);
    const repeat = repeatOf(evidence.inputs.get(journey));
    const providers = new Set(sorted.filter((m) => m.usage.calls > 0).map((m) => providerName(m.usage.provider)));
    return {
      journey,
      calls: sorted.reduce((total, m) => total + m.usage.calls, 0),
      spendUsd,
      repeatShare: repeat?.share ?? null,
      repeatShareError: repeat?.error ?? null,
      exactCacheSavingsUsdPerMonth: repeat === null ? null : repeat.share * spendUsd * monthFactor,
      cachedInputShare: inputTokens > 0 ? cachedInputTokens / inputTokens : null,
      singleProvider: providers.size === 1,
      models: sorted.map(({ usage, onJourney }) => modelSummary(usage, onJourney)),
      decisions: decisions.filter((d) => d.journey === journey),
      experiment: sorted.length === 1 ? experimentFor(journey, sorted[0]!.onJourney, tokenMix(sorted[0]!.usage), evidence.prices, settings) : null,
    };
  });
  journeys.sort((a, b) => b.spendUsd - a.spendUsd || a.journey.localeCompare(b.journey));
  const providers = providerSpends(journeys);
  return {
    projectId: evidence.projectId,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    margin: query.margin,
    alpha: query.alpha,
    journeys,
    providers,
    hhi: providers.reduce((total, p) => total + p.spendShare ** 2, 0),
  };
}

function labelsWithPass(groups: readonly TieringSampleGroup[]): Set<string> {
  const names = new Set<string>();
  for (const g of groups) for (const [name, sums] of Object.entries(g.quality)) if (name.endsWith('.label') && sums.sum > 0) names.add(name);
  return names;
}

function modelSummary(usage: JourneyModelUsage, onJourney: ModelOnJourney): ModelTierSummary {
  const scores: Record<string, number> = {};
  for (const [name, signal] of Object.entries(onJourney.quality)) {
    scores[name] = signal.kind === 'mean' ? signal.summary.mean : signal.summary.successes / signal.summary.n;
  }
  return {
    model: onJourney.model,
    provider: usage.provider,
    calls: usage.calls,
    spendUsd: usage.spendUsd,
    costPerCallUsd: costPerCall(usage),
    latencyP50Ms: usage.latencyP50Ms,
    latencyP95Ms: usage.latencyP95Ms,
    errorRate: usage.sampled > 0 ? usage.failed / usage.sampled : null,
    scores,
  };
}

function tokenMix(usage: JourneyModelUsage): { inputTokens: number; cachedInputTokens: number; outputTokens: number } {
  const calls = Math.max(1, usage.tokenCalls);
  return { inputTokens: usage.inputTokens / calls, cachedInputTokens: usage.cachedInputTokens / calls, outputTokens: usage.outputTokens / calls };
}

function repeatOf(inputs: JourneyInputs | undefined): { share: number; error: number } | null {
  if (inputs === undefined || inputs.callsWithInput <= 0) return null;
  const distinct = Math.min(inputs.sketch.estimate(), inputs.callsWithInput);
  return { share: Math.max(0, 1 - distinct / inputs.callsWithInput), error: inputs.sketch.standardError };
}

function providerSpends(journeys: readonly JourneyTierSummary[]): ProviderSpend[] {
  const totals = new Map<string, { calls: number; spendUsd: number }>();
  for (const journey of journeys) {
    for (const model of journey.models) {
      const total = totals.get(providerName(model.provider)) ?? { calls: 0, spendUsd: 0 };
      total.calls += model.calls;
      total.spendUsd += model.spendUsd;
      totals.set(providerName(model.provider), total);
    }
  }
  const spend = [...totals.values()].reduce((total, p) => total + p.spendUsd, 0);
  return [...totals]
    .map(([provider, p]) => ({ provider, calls: p.calls, spendUsd: p.spendUsd, spendShare: spend > 0 ? p.spendUsd / spend : 0 }))
    .sort((a, b) => b.spendUsd - a.spendUsd || a.provider.localeCompare(b.provider));
}
