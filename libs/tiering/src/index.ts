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
