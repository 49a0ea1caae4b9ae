import { logGamma } from '../distributions/special-functions.js';
import { NULL_REPLICATES, type NullDistribution } from './null-distribution.js';
import { SeededRandom, seedOf } from './seeded-random.js';

/** Cochran's rule: below this expected count in some cell, χ²'s asymptotic null is not to be trusted. */
export const CHI2_MIN_EXPECTED = 5;
/** Past this mean a hypergeometric draw is taken from its normal approximation (the cell is then large). */
const INVERSION_MAX_MEAN = 40;

/** Columns with a count in either row, as scipy keeps them. */
function occupied(reference: readonly number[], current: readonly number[]): { totals: number[]; current: number[] } {
  const totals: number[] = [];
  const kept: number[] = [];
  for (let j = 0; j < reference.length; j++) {
    if (reference[j]! + current[j]! > 0) {
      totals.push(reference[j]! + current[j]!);
      kept.push(current[j]!);
    }
  }
  return { totals, current: kept };
}

/** The smallest expected count of the 2×k table (margins fixed), over columns with any count. */
export function smallestExpectedCount(reference: readonly number[], current: readonly number[]): number {
  const { totals, current: row } = occupied(reference, current);
  const n = row.reduce((s, c) => s + c, 0);
  const total = totals.reduce((s, t) => s + t, 0);
  const m = total - n;
  let smallest = Infinity;
  for (const t of totals) smallest = Math.min(smallest, (Math.min(m, n) * t) / total);
  return smallest;
}

/** Pearson's χ² of a 2×k table from its current row, the margins fixed: Σ (x − e)²·N²/(m·n·t). */
function statisticOf(row: ArrayLike<number>, totals: readonly number[], m: number, n: number): number {
  const total = m + n;
  let chi = 0;
  for (let j = 0; j < totals.length; j++) {
    const expected = (n * totals[j]!) / total;
    chi += ((row[j]! - expected) ** 2 * total * total) / (m * n * totals[j]!);
  }
  return chi;
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Successes in `draws` taken without replacement from `population` items of which `successes` count. */
function hypergeometric(random: SeededRandom, population: number, successes: number, draws: number): number {
  if (draws === 0 || successes === 0) return 0;
  if (successes === population) return draws;
  if (draws === population) return successes;
  if (2 * successes > population) return draws - hypergeometric(random, population, population - successes, draws);
  if (2 * draws > population) return successes - hypergeometric(random, population, successes, population - draws);
  const mean = (draws * successes) / population;
  const upper = Math.min(draws, successes);
  if (mean >= INVERSION_MAX_MEAN) {
    const share = successes / population;
    const sd = Math.sqrt((draws * share * (1 - share) * (population - draws)) / (population - 1));
    return Math.min(upper, Math.max(0, Math.round(mean + sd * random.gaussian())));
  }
  let probability = Math.exp(logChoose(population - successes, draws) - logChoose(population, draws));
  let cumulative = probability;
  const u = random.uniform();
  let x = 0;
  while (u > cumulative && x < upper) {
    probability *= ((successes - x) * (draws - x)) / ((x + 1) * (population - successes - draws + x + 1));
    x++;
    cumulative += probability;
  }
  return x;
}

export interface ChiSquareMonteCarlo {
  statistic: number;
  pValue: number;
  null_: NullDistribution;
}

/**
 * χ² of homogeneity against its exact null given the table's margins, by Monte Carlo: NULL_REPLICATES
 * tables with the same row and column totals, each current row drawn without replacement from the
 * pooled counts (a permutation of the pooled data, as R's chisq.test(simulate.p.value = TRUE)). Used
 * where expected counts fall below CHI2_MIN_EXPECTED and the asymptotic null calls too much drift.
 */
export function chiSquareConditionalNull(reference: readonly number[], current: readonly number[]): ChiSquareMonteCarlo {
  const { totals, current: observed } = occupied(reference, current);
  const n = observed.reduce((s, c) => s + c, 0);
  const total = totals.reduce((s, t) => s + t, 0);
  const m = total - n;
  const statistic = statisticOf(observed, totals, m, n);
  const random = new SeededRandom(seedOf(`chi2|${totals.join(',')}|${observed.join(',')}`));
  const row = new Float64Array(totals.length);
  const replicates = new Float64Array(NULL_REPLICATES);
  for (let r = 0; r < NULL_REPLICATES; r++) {
    let population = total;
    let draws = n;
    for (let j = 0; j < totals.length; j++) {
      row[j] = j === totals.length - 1 ? draws : hypergeometric(random, population, totals[j]!, draws);
      population -= totals[j]!;
      draws -= row[j]!;
    }
    replicates[r] = statisticOf(row, totals, m, n);
  }
  replicates.sort();
  // Replicates equal to the observed table must count as at least as extreme, whatever the rounding.
  const tolerance = 1e-9 * Math.max(1, statistic);
  let atLeast = 0;
  for (let r = 0; r < NULL_REPLICATES; r++) if (replicates[r]! >= statistic - tolerance) atLeast++;
  return { statistic, pValue: (1 + atLeast) / (NULL_REPLICATES + 1), null_: { replicates } };
}
