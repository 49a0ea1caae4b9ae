import type { TierDecision } from './tiering-decisions.js';

export const TIERING_PREDICATE_TYPE = 'https://assay.dev/tiering-report/v1';
export const NO_JOURNEY = '(none)';
export const OTHER_JOURNEY = '(other)';

export interface TieringQuery {
  from: Date;
  to: Date;
  margin: number;
  alpha: number;
}

export interface ModelTierSummary {
  model: string;
  provider: string | null;
  /** Estimated from seen counts: exact when every call is seen. */
  calls: number;
  spendUsd: number;
  costPerCallUsd: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  /** Per quality signal (`eval.<name>.score`: mean; `eval.<name>.label`: share of `pass`). */
  scores: Record<string, number>;
}

/** A trial of the cheapest priced model, for a journey served by one model only. */
export interface TierExperiment {
  model: string;
  provider: string | null;
  /** Share of the journey's traffic to route to the trial model. */
  trafficShare: number;
  /** Days at current volume until the trial has the calls a decision needs. */
  days: number;
  sentence: string;
}

export interface JourneyTierSummary {
  journey: string;
  calls: number;
  spendUsd: number;
  /** 1 − distinct inputs / calls with input content, over every seen call; null without input content. */
  repeatShare: number | null;
  /** Relative standard error of the distinct-count sketch behind repeatShare. */
  repeatShareError: number | null;
  /** What an exact cache of repeated inputs would save a month at current volume and prices. */
  exactCacheSavingsUsdPerMonth: number | null;
  cachedInputShare: number | null;
  /** Every call of the journey went to one provider. */
  singleProvider: boolean;
  models: ModelTierSummary[];
  decisions: TierDecision[];
  experiment: TierExperiment | null;
}

export interface ProviderSpend {
  provider: string;
  calls: number;
  spendUsd: number;
  spendShare: number;
}

export interface TieringReport {
  projectId: string;
  from: string;
  to: string;
  margin: number;
  alpha: number;
  journeys: JourneyTierSummary[];
  providers: ProviderSpend[];
  /** Herfindahl–Hirschman index of provider spend shares, 0–1. */
  hhi: number;
}
