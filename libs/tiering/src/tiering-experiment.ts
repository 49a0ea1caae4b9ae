import { formatNumber } from '@assay/format';
import { moreCandidateCallsNeeded } from '@assay/stats';
import type { ModelOnJourney } from './tiering-decisions.js';
import type { TierExperiment } from './tiering-report.js';

const DAY_MS = 86_400_000;
const DAYS_PER_MONTH = 30;
/** Trial shares tried in turn: the smallest that settles the question within TARGET_DAYS is proposed. */
const TRIAL_SHARES = [0.05, 0.1, 0.2, 0.5];
const TARGET_DAYS = 14;
const MAX_DAYS = 3650;

export interface PricedModel {
  provider: string;
  model: string;
  inputPerMillion: number;
  cachedInputPerMillion: number | null;
  outputPerMillion: number;
}

export interface TokenMix {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

export function priceOfCall(price: PricedModel, mix: TokenMix): number {
  const cached = Math.min(mix.cachedInputTokens, mix.inputTokens);
  return ((mix.inputTokens - cached) * price.inputPerMillion + cached * (price.cachedInputPerMillion ?? price.inputPerMillion) + mix.outputTokens * price.outputPerMillion) / 1e6;
}

/**
 * A trial for a journey served by one model: the cheapest priced model of the project at the
 * journey's average token mix, if it is cheaper than what the journey pays now, with the share of
 * traffic and the days until every quality signal (and the error rate) has 80% power to show
 * non-inferiority, assuming the trial model is exactly as good. Both arms keep collecting during the
 * trial: the incumbent at 1 − share of the traffic, on top of what the window already holds.
 */
export function experimentFor(
  journey: string,
  incumbent: ModelOnJourney,
  mix: TokenMix,
  prices: readonly PricedModel[],
  settings: { margin: number; alpha: number; windowMs: number },
): TierExperiment | null {
  const current = incumbent.calls > 0 ? incumbent.spendUsd / incumbent.calls : 0;
  const options = prices
    .filter((p) => p.model !== incumbent.model)
    .map((p) => ({ price: p, perCall: priceOfCall(p, mix) }))
    .sort((a, b) => a.perCall - b.perCall || a.price.model.localeCompare(b.price.model));
  const cheapest = options[0];
  if (cheapest === undefined || !(cheapest.perCall < current)) return null;
  const windowDays = settings.windowMs / DAY_MS;
  const arms = evidenceArms(incumbent).map((arm) => ({ ...arm, perDay: arm.n / windowDays }));
  let chosen = { share: TRIAL_SHARES[TRIAL_SHARES.length - 1]!, days: MAX_DAYS };
  for (const share of TRIAL_SHARES) {
    const days = Math.max(...arms.map((arm) => daysNeeded(arm, share, settings)), 1);
    chosen = { share, days };
    if (days <= TARGET_DAYS) break;
  }
  const monthlySaving = incumbent.calls * ((DAYS_PER_MONTH * DAY_MS) / settings.windowMs) * (current - cheapest.perCall);
  const daysText = chosen.days >= MAX_DAYS ? `more than ${MAX_DAYS} days` : `${formatNumber(chosen.days)} days`;
  return {
    model: cheapest.price.model,
    provider: cheapest.price.provider,
    trafficShare: chosen.share,
    days: chosen.days,
    sentence:
      `${journey}: only ${incumbent.model} serves it; sending ${formatNumber(chosen.share, { unit: '%' })} of its traffic to ${cheapest.price.model} for ${daysText} ` +
      `would show whether it is within ${formatNumber(settings.margin)} on quality; moving all of it would save about ${formatNumber(monthlySaving, { unit: 'USD' })} a month.`,
  };
}

interface EvidenceArm {
  /** Sampled calls of the incumbent carrying the signal in the window. */
  n: number;
  variance: number;
  perDay: number;
}

function evidenceArms(incumbent: ModelOnJourney): Array<Omit<EvidenceArm, 'perDay'>> {
  const arms: Array<Omit<EvidenceArm, 'perDay'>> = [];
  // A share estimated at 0 or 1 would promise a trial of no calls: the spread is taken at (x + ½) / (n + 1).
  const shareVariance = (successes: number, n: number): number => {
    const p = (successes + 0.5) / (n + 1);
    return p * (1 - p);
  };
  for (const signal of Object.values(incumbent.quality)) {
    if (signal.kind === 'mean') arms.push({ n: signal.summary.n, variance: signal.summary.variance });
    else arms.push({ n: signal.summary.n, variance: shareVariance(signal.summary.successes, signal.summary.n) });
  }
  arms.push({ n: incumbent.errors.n, variance: shareVariance(incumbent.errors.n - incumbent.errors.failed, incumbent.errors.n) });
  return arms.filter((arm) => arm.n > 0);
}

/** The first whole day on which the trial has the power it needs, by bisection; MAX_DAYS when never. */
function daysNeeded(arm: EvidenceArm, share: number, settings: { margin: number; alpha: number }): number {
  const settled = (days: number): boolean => {
    const needed = moreCandidateCallsNeeded(
      {
        difference: 0,
        candidateVariance: arm.variance,
        incumbentVariance: arm.variance,
        candidateCalls: share * arm.perDay * days,
        incumbentCalls: arm.n + (1 - share) * arm.perDay * days,
      },
      settings.margin,
      settings.alpha,
    );
    return needed === 0;
  };
  if (!settled(MAX_DAYS)) return MAX_DAYS;
  let low = 0;
  let high = MAX_DAYS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (settled(middle)) high = middle;
    else low = middle;
  }
  return high;
}
