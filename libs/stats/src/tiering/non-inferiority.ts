import { normalSurvival } from '../distributions/special-functions.js';
import { normalUpperQuantile, studentTSurvival, studentTUpperQuantile } from '../distributions/student-t.js';

/** A quality signal's mean over calls: `variance` is the sample variance (n − 1 denominator). */
export interface MeanSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Calls and how many of them were a success (a `pass` label, or not an error). */
export interface ProportionSummary {
  n: number;
  successes: number;
}

/**
 * Candidate − incumbent, oriented so that positive means the candidate is better; the two-sided
 * 1 − 2α interval; and the one-sided p-value of H0: difference ≤ −margin (the candidate is worse by
 * more than the margin).
 */
export interface NonInferiority {
  difference: number;
  lowerBound: number;
  upperBound: number;
  pValue: number;
}

const POWER = 0.8;
const BISECTION_STEPS = 100;
const EDGE = 1e-12;

/** Welch's t with Welch–Satterthwaite degrees of freedom; null below two calls a side. */
export function welchNonInferiority(candidate: MeanSummary, incumbent: MeanSummary, margin: number, alpha: number): NonInferiority | null {
  if (candidate.n < 2 || incumbent.n < 2) return null;
  const candidatePart = candidate.variance / candidate.n;
  const incumbentPart = incumbent.variance / incumbent.n;
  const standardError = Math.sqrt(candidatePart + incumbentPart);
  const difference = candidate.mean - incumbent.mean;
  if (standardError === 0) return { difference, lowerBound: difference, upperBound: difference, pValue: difference > -margin ? 0 : 1 };
  const degreesOfFreedom = (candidatePart + incumbentPart) ** 2 / (candidatePart ** 2 / (candidate.n - 1) + incumbentPart ** 2 / (incumbent.n - 1));
  const critical = studentTUpperQuantile(alpha, degreesOfFreedom);
  return {
    difference,
    lowerBound: difference - critical * standardError,
    upperBound: difference + critical * standardError,
    pValue: studentTSurvival((difference + margin) / standardError, degreesOfFreedom),
  };
}

/**
 * The Miettinen–Nurminen score test of a difference of proportions (with its N / (N − 1) variance
 * correction) and the interval that inverts it; defined at rates of 0 and 1 and for one call a side.
 */
export function proportionNonInferiority(candidate: ProportionSummary, incumbent: ProportionSummary, margin: number, alpha: number): NonInferiority | null {
  if (candidate.n < 1 || incumbent.n < 1) return null;
  const difference = candidate.successes / candidate.n - incumbent.successes / incumbent.n;
  const critical = normalUpperQuantile(alpha);
  const z = (delta: number): number => scoreStatistic(candidate, incumbent, delta);
  return {
    difference,
    lowerBound: z(-1 + EDGE) <= critical ? -1 : root((delta) => z(delta) - critical, -1 + EDGE, Math.min(difference, 1 - EDGE)),
    upperBound: z(1 - EDGE) >= -critical ? 1 : root((delta) => z(delta) + critical, Math.max(difference, -1 + EDGE), 1 - EDGE),
    pValue: normalSurvival(z(-margin)),
  };
}

/** The Miettinen–Nurminen z for H0: p_candidate − p_incumbent = delta. */
export function scoreStatistic(candidate: ProportionSummary, incumbent: ProportionSummary, delta: number): number {
  const [p1, p2] = restrictedRates(candidate, incumbent, delta);
  const total = candidate.n + incumbent.n;
  const variance = ((p1 * (1 - p1)) / candidate.n + (p2 * (1 - p2)) / incumbent.n) * (total / (total - 1));
  const excess = candidate.successes / candidate.n - incumbent.successes / incumbent.n - delta;
  if (!(variance > 0)) return excess > 0 ? Infinity : excess < 0 ? -Infinity : 0;
  return excess / Math.sqrt(variance);
}

/**
 * The rates that maximise the binomial likelihood subject to p_candidate − p_incumbent = delta: the
 * root of Farrington and Manning's cubic (1990), in the trigonometric form Miettinen and Nurminen give.
 */
export function restrictedRates(candidate: ProportionSummary, incumbent: ProportionSummary, delta: number): [number, number] {
  const ratio = incumbent.n / candidate.n;
  const p1Hat = candidate.successes / candidate.n;
  const p2Hat = incumbent.successes / incumbent.n;
  const a = 1 + ratio;
  const b = -(1 + ratio + p1Hat + ratio * p2Hat + delta * (ratio + 2));
  const c = delta * delta + delta * (2 * p1Hat + ratio + 1) + p1Hat + ratio * p2Hat;
  const d = -p1Hat * delta * (1 + delta);
  const v = b ** 3 / (3 * a) ** 3 - (b * c) / (6 * a * a) + d / (2 * a);
  const uSquared = b ** 2 / (3 * a) ** 2 - c / (3 * a);
  const u = (v >= 0 ? 1 : -1) * Math.sqrt(Math.max(0, uSquared));
  const cosine = u === 0 ? 1 : Math.max(-1, Math.min(1, v / u ** 3));
  const w = (Math.PI + Math.acos(cosine)) / 3;
  const p1 = clamp01(2 * u * Math.cos(w) - b / (3 * a));
  return [p1, clamp01(p1 - delta)];
}

/**
 * Further candidate calls for 80% power at the observed difference and spreads (normal
 * approximation), given the incumbent's calls as they are; null when no number of candidate calls
 * can reach it (the candidate looks worse than the margin, or the incumbent's own noise is too large).
 */
export function moreCandidateCallsNeeded(
  observed: { difference: number; candidateVariance: number; incumbentVariance: number; candidateCalls: number; incumbentCalls: number },
  margin: number,
  alpha: number,
): number | null {
  const effect = observed.difference + margin;
  if (!(effect > 0)) return null;
  const allowed = (effect / (normalUpperQuantile(alpha) + normalUpperQuantile(1 - POWER))) ** 2 - observed.incumbentVariance / observed.incumbentCalls;
  if (!(allowed > 0)) return null;
  const needed = observed.candidateVariance / allowed;
  return Math.max(0, Math.ceil(needed - observed.candidateCalls));
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/** The x in [low, high] where the decreasing `f` crosses 0. */
function root(f: (x: number) => number, low: number, high: number): number {
  let lo = low;
  let hi = high;
  for (let i = 0; i < BISECTION_STEPS && hi - lo > 1e-14; i++) {
    const middle = (lo + hi) / 2;
    if (f(middle) > 0) lo = middle;
    else hi = middle;
  }
  return (lo + hi) / 2;
}
