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
