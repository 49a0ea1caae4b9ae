import { normalSurvival } from '../distributions/special-functions.js';

export interface ZTestOutcome {
  statistic: number;
  pValue: number;
  difference: number;
}

/** Two-sided pooled two-proportion z-test of successes/n in the current versus the reference sample. */
export function twoProportionZTest(
  referenceSuccesses: number,
  nReference: number,
  currentSuccesses: number,
  nCurrent: number,
): ZTestOutcome {
  const pReference = referenceSuccesses / nReference;
  const pCurrent = currentSuccesses / nCurrent;
  const pooled = (referenceSuccesses + currentSuccesses) / (nReference + nCurrent);
  const variance = pooled * (1 - pooled) * (1 / nReference + 1 / nCurrent);
  const difference = pCurrent - pReference;
  // Both samples all-success or all-failure: no variation to test, so no evidence of a difference.
  if (variance <= 0) return { statistic: 0, pValue: 1, difference };
  const statistic = difference / Math.sqrt(variance);
  return { statistic, pValue: Math.min(1, 2 * normalSurvival(Math.abs(statistic))), difference };
}
