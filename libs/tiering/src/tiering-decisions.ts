import { formatNumber } from '@assay/format';
import {
  adjustPValues, moreCandidateCallsNeeded, proportionNonInferiority, welchNonInferiority,
  type MeanSummary, type NonInferiority, type ProportionSummary,
} from '@assay/stats';

const DAYS_PER_MONTH = 30;
const DAY_MS = 86_400_000;
export const ERROR_RATE_SIGNAL = 'error_rate';

/** One quality signal of one model on one journey, over its sampled calls. */
export type QualitySignal =
  | { kind: 'mean'; summary: MeanSummary; higherIsBetter: boolean }
  /** `successes` are the calls labelled `pass`. */
  | { kind: 'proportion'; summary: ProportionSummary };

export interface ModelOnJourney {
  model: string;
  provider: string | null;
  /** Calls in the window, estimated from seen counts (exact when every call is seen). */
  calls: number;
  spendUsd: number;
  /** Grams CO2e per call where energy factors exist. */
  co2eGPerCall: number | null;
  /** Per signal name (`eval.<name>.score`, `eval.<name>.label`). */
  quality: Record<string, QualitySignal>;
  /** Sampled calls, and how many of them failed. */
  errors: { n: number; failed: number };
}

export interface TieringSettings {
  margin: number;
  alpha: number;
  windowMs: number;
}

export interface TierTest {
  signal: string;
  incumbent: number;
  candidate: number;
  difference: number;
  lowerBound: number;
  upperBound: number;
  pValue: number;
}

export type TierVerdict = 'switch' | 'keep' | 'insufficient';

export interface TierDecision {
  journey: string;
  incumbent: string;
  candidate: string;
  verdict: TierVerdict;
  tests: TierTest[];
  pValue: number;
  adjustedPValue: number;
  savingsUsdPerMonth: number;
  co2eSavedGPerMonth: number | null;
  moreCallsNeeded: number | null;
  sentence: string;
}

export const costPerCall = (model: Pick<ModelOnJourney, 'calls' | 'spendUsd'>): number => (model.calls > 0 ? model.spendUsd / model.calls : 0);

/** One test per quality signal both models have, and the error rate; null when a side has too few calls. */
function testsOf(incumbent: ModelOnJourney, candidate: ModelOnJourney, settings: TieringSettings): Array<{ test: TierTest; spreads: Spreads } | null> {
  const tests: Array<{ test: TierTest; spreads: Spreads } | null> = [];
  for (const signal of Object.keys(candidate.quality).sort()) {
    const mine = incumbent.quality[signal];
    const theirs = candidate.quality[signal];
    if (mine?.kind === 'mean' && theirs.kind === 'mean') tests.push(meanTest(signal, mine, theirs, settings));
    else if (mine?.kind === 'proportion' && theirs.kind === 'proportion') tests.push(proportionTest(signal, mine.summary, theirs.summary, false, settings));
  }
  const passing = (errors: ModelOnJourney['errors']): ProportionSummary => ({ n: errors.n, successes: errors.n - errors.failed });
  tests.push(proportionTest(ERROR_RATE_SIGNAL, passing(incumbent.errors), passing(candidate.errors), true, settings));
  return tests;
}

interface Spreads {
  candidateVariance: number;
  incumbentVariance: number;
  candidateCalls: number;
  incumbentCalls: number;
}

function meanTest(signal: string, incumbent: Extract<QualitySignal, { kind: 'mean' }>, candidate: Extract<QualitySignal, { kind: 'mean' }>, settings: TieringSettings) {
  const orient = (summary: MeanSummary): MeanSummary => (candidate.higherIsBetter ? summary : { ...summary, mean: -summary.mean });
  const result = welchNonInferiority(orient(candidate.summary), orient(incumbent.summary), settings.margin, settings.alpha);
  if (result === null) return null;
  return {
    test: testOf(signal, incumbent.summary.mean, candidate.summary.mean, result),
    spreads: { candidateVariance: candidate.summary.variance, incumbentVariance: incumbent.summary.variance, candidateCalls: candidate.summary.n, incumbentCalls: incumbent.summary.n },
  };
}

/** Shares of successes; for the error rate the values shown are failure shares, the test is on successes. */
function proportionTest(signal: string, incumbent: ProportionSummary, candidate: ProportionSummary, showFailures: boolean, settings: TieringSettings) {
  const result = proportionNonInferiority(candidate, incumbent, settings.margin, settings.alpha);
  if (result === null) return null;
  const share = (p: ProportionSummary): number => (showFailures ? 1 - p.successes / p.n : p.successes / p.n);
  const variance = (p: ProportionSummary): number => (p.successes / p.n) * (1 - p.successes / p.n);
  return {
    test: testOf(signal, share(incumbent), share(candidate), result),
    spreads: { candidateVariance: variance(candidate), incumbentVariance: variance(incumbent), candidateCalls: candidate.n, incumbentCalls: incumbent.n },
  };
}

function testOf(signal: string, incumbent: number, candidate: number, result: NonInferiority): TierTest {
  return { signal, incumbent, candidate, difference: result.difference, lowerBound: result.lowerBound, upperBound: result.upperBound, pValue: result.pValue };
}

interface PendingDecision extends Omit<TierDecision, 'adjustedPValue' | 'verdict' | 'sentence'> {
  spreads: Spreads | null;
  complete: boolean;
}

/**
 * Every pair of models on each journey where the candidate costs less per call than the incumbent,
 * decided by intersection–union (the largest of its tests' p-values), Benjamini–Hochberg across all
 * the decisions given: `switch` at an adjusted p ≤ α; `keep` when some test's upper bound lies below
 * −margin (the incumbent is needed); otherwise `insufficient`, with the further candidate calls the
 * deciding test needs for 80% power.
 */
export function decideTiering(journeys: ReadonlyArray<{ journey: string; models: readonly ModelOnJourney[] }>, settings: TieringSettings): TierDecision[] {
  const pending: PendingDecision[] = [];
  const monthFactor = (DAYS_PER_MONTH * DAY_MS) / settings.windowMs;
  for (const { journey, models } of journeys) {
    for (const incumbent of models) {
      for (const candidate of models) {
        const saving = costPerCall(incumbent) - costPerCall(candidate);
        if (candidate === incumbent || !(saving > 0)) continue;
        const tests = testsOf(incumbent, candidate, settings);
        const present = tests.filter((t): t is NonNullable<typeof t> => t !== null);
        // The deciding test is the weakest one; a test that could not be run leaves the decision open.
        const deciding = present.reduce<(typeof present)[number] | null>((worst, t) => (worst === null || t.test.pValue > worst.test.pValue ? t : worst), null);
        const complete = present.length === tests.length;
        pending.push({
          journey,
          incumbent: incumbent.model,
          candidate: candidate.model,
          tests: present.map((t) => t.test),
          pValue: complete && deciding !== null ? deciding.test.pValue : 1,
          savingsUsdPerMonth: incumbent.calls * monthFactor * saving,
          co2eSavedGPerMonth:
            incumbent.co2eGPerCall !== null && candidate.co2eGPerCall !== null ? incumbent.calls * monthFactor * (incumbent.co2eGPerCall - candidate.co2eGPerCall) : null,
          moreCallsNeeded: null,
          spreads: deciding?.spreads ?? null,
          complete,
        });
      }
    }
  }
  const adjusted = adjustPValues(pending.map((d) => d.pValue), 'bh');
  return pending.map((decision, i) => finish(decision, adjusted[i] ?? 1, settings));
}

function finish(pending: PendingDecision, adjustedPValue: number, settings: TieringSettings): TierDecision {
  const { spreads, complete, ...decision } = pending;
  const needed = decision.tests.find((t) => t.upperBound < -settings.margin);
  const verdict: TierVerdict = complete && adjustedPValue <= settings.alpha ? 'switch' : needed !== undefined ? 'keep' : 'insufficient';
  const deciding = decision.tests.reduce<TierTest | null>((worst, t) => (worst === null || t.pValue > worst.pValue ? t : worst), null);
  const moreCallsNeeded =
    verdict === 'insufficient' && deciding !== null && spreads !== null
      ? moreCandidateCallsNeeded({ difference: deciding.difference, ...spreads }, settings.margin, settings.alpha)
      : null;
  const full: TierDecision = { ...decision, verdict, adjustedPValue, moreCallsNeeded, sentence: '' };
  full.sentence = sentenceOf(full, needed ?? null, settings);
  return full;
}

const usd = (value: number): string => formatNumber(value, { unit: 'USD' });
const signed = (value: number): string => formatNumber(value, { signed: true });

function sentenceOf(decision: TierDecision, needed: TierTest | null, settings: TieringSettings): string {
  const { journey, incumbent, candidate } = decision;
  const margin = formatNumber(settings.margin);
  if (decision.verdict === 'switch') {
    const ranges = decision.tests.map((t) => `${t.signal} ${signed(t.lowerBound)}…${signed(t.upperBound)}`).join(', ');
    return `${journey}: ${candidate} is within ${margin} of ${incumbent} on quality (${ranges}); moving ${journey} saves ${usd(decision.savingsUsdPerMonth)} a month.`;
  }
  if (decision.verdict === 'keep' && needed !== null) {
    return `${journey}: keep ${incumbent}: ${candidate} is worse on ${needed.signal} by ${formatNumber(-needed.upperBound)} to ${formatNumber(-needed.lowerBound)}, past the margin of ${margin}.`;
  }
  const more = decision.moreCallsNeeded === null ? 'more calls alone may not settle it' : `about ${formatNumber(decision.moreCallsNeeded)} more ${candidate} calls would settle it`;
  return `${journey}: not enough evidence that ${candidate} is within ${margin} of ${incumbent} (adjusted p = ${formatNumber(decision.adjustedPValue)}); ${more}; it would save ${usd(decision.savingsUsdPerMonth)} a month.`;
}
