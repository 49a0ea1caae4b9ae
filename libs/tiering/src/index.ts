export {
  ERROR_RATE_SIGNAL,
  costPerCall,
  decideTiering,
  type ModelOnJourney,
  type QualitySignal,
  type TierDecision,
  type TierTest,
  type TieringSettings,
  type TierVerdict,
} from './tiering-decisions.js';
export {
  NO_JOURNEY,
  OTHER_JOURNEY,
  TIERING_PREDICATE_TYPE,
  type JourneyTierSummary,
  type ModelTierSummary,
  type ProviderSpend,
  type TierExperiment,
  type TieringQuery,
  type TieringReport,
} from './tiering-report.js';
export { buildTieringReport, type JourneyInputs, type TieringEvidence } from './tiering-report-builder.js';
export { experimentFor, priceOfCall, type PricedModel, type TokenMix } from './tiering-experiment.js';
export { journeyModelUsages, latencyQuantiles, UNKNOWN_PROVIDER, type JourneyModelUsage } from './journey-model-usage.js';
export {
  DEFAULT_TIERING_ALPHA,
  DEFAULT_TIERING_MARGIN,
  MAX_TIERING_ALPHA,
  MAX_TIERING_MARGIN,
  TieringService,
  type TieringRequest,
} from './tiering.service.js';
export { TieringModule } from './tiering.module.js';
