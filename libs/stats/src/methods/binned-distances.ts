import { chiSquareSurvival } from '../distributions/special-functions.js';

/** Zero proportions are floored to this in PSI only, where ln(0) would make the index infinite. */
export const PSI_EMPTY_BIN_PROPORTION = 1e-4;

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / total);
}

/** Population Stability Index Σ (c − r)·ln(c / r) over bin proportions. */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  const r = proportions(reference);
  const c = proportions(current);
  let psi = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]! === 0 ? PSI_EMPTY_BIN_PROPORTION : r[i]!;
    const ci = c[i]! === 0 ? PSI_EMPTY_BIN_PROPORTION : c[i]!;
    psi += (ci - ri) * Math.log(ci / ri);
  }
  return psi;
}

/** Jensen–Shannon distance with base-2 logarithms, as scipy.spatial.distance.jensenshannon(p, q, base=2). */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[]): number {
  const p = proportions(reference);
  const q = proportions(current);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += p[i]! * Math.log(p[i]! / m);
    if (q[i]! > 0) divergence += q[i]! * Math.log(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence / Math.LN2 / 2));
}

/** Hellinger distance (1/√2)·‖√p − √q‖₂, in [0, 1]. */
export function hellingerDistance(reference: readonly number[], current: readonly number[]): number {
  const p = proportions(reference);
  const q = proportions(current);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (Math.sqrt(p[i]!) - Math.sqrt(q[i]!)) ** 2;
  return Math.sqrt(sum / 2);
}

export interface ChiSquareOutcome {
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
  cramersV: number;
}

/**
 * Chi-square test of homogeneity of a 2×k table, as scipy.stats.chi2_contingency(correction=False).
 * Bins empty in both samples are dropped first (they carry no information and scipy rejects them).
 */
export function chiSquareHomogeneity(reference: readonly number[], current: readonly number[]): ChiSquareOutcome {
  const columns: [number, number][] = [];
  for (let i = 0; i < reference.length; i++) {
    if (reference[i]! + current[i]! > 0) columns.push([reference[i]!, current[i]!]);
  }
  const nReference = columns.reduce((s, [r]) => s + r, 0);
  const nCurrent = columns.reduce((s, [, c]) => s + c, 0);
  const total = nReference + nCurrent;
  const degreesOfFreedom = columns.length - 1;
  if (degreesOfFreedom === 0) return { statistic: 0, pValue: 1, degreesOfFreedom, cramersV: 0 };
  let statistic = 0;
  for (const [r, c] of columns) {
    const columnTotal = r + c;
    const expectedR = (nReference * columnTotal) / total;
    const expectedC = (nCurrent * columnTotal) / total;
    statistic += (r - expectedR) ** 2 / expectedR + (c - expectedC) ** 2 / expectedC;
  }
  return {
    statistic,
    pValue: chiSquareSurvival(statistic, degreesOfFreedom),
    degreesOfFreedom,
    cramersV: Math.sqrt(statistic / total),
  };
}
