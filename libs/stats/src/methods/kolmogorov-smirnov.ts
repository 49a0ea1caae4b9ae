import { kolmogorovSurvival } from '../distributions/kolmogorov.js';

/** scipy's ks_2samp(method='auto') computes an exact p-value while both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

export interface KsOutcome {
  statistic: number;
  pValue: number;
  pValueMethod: 'exact' | 'asymptotic';
}

/** Largest vertical gap between the two empirical CDFs; inputs must be sorted ascending. */
export function ksStatistic(sortedA: Float64Array, sortedB: Float64Array): number {
  const n1 = sortedA.length;
  const n2 = sortedB.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const a = i < n1 ? sortedA[i]! : Infinity;
    const b = j < n2 ? sortedB[j]! : Infinity;
    const value = a <= b ? a : b;
    while (i < n1 && sortedA[i]! <= value) i++;
    while (j < n2 && sortedB[j]! <= value) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  return Math.max(maxDiff, Math.min(1, -minDiff));
}

/** Two-sided two-sample KS test as scipy.stats.ks_2samp(method='auto'). */
export function ksTwoSample(sortedA: Float64Array, sortedB: Float64Array): KsOutcome {
  return ksPValue(ksStatistic(sortedA, sortedB), sortedA.length, sortedB.length);
}

export function ksPValue(statistic: number, n1: number, n2: number): KsOutcome {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = exactKsPValue(statistic, n1, n2);
    if (exact) return { ...exact, pValueMethod: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effectiveN = Math.round((m * n) / (m + n));
  const pValue = kolmogorovSurvival(effectiveN, statistic);
  return { statistic, pValue: Math.min(1, Math.max(0, pValue)), pValueMethod: 'asymptotic' };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function exactKsPValue(statistic: number, n1: number, n2: number): { statistic: number; pValue: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(statistic * lcm);
  const snapped = h / lcm;
  if (h === 0) return { statistic: snapped, pValue: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInsideMethod(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return null;
  return { statistic: snapped, pValue: p };
}

// Pr(D_{n,n} >= h/n) by the alternating reflection sum, evaluated Horner-style to avoid cancellation.
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

// Hodges' inside method with Viehmann's (2021) recursion that yields 1 - p directly.
function outerProbabilityInsideMethod(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const lengthA = Math.min(2 * maxJ + 2, n + 1);
  const a = new Float64Array(lengthA).fill(1);
  for (let j = minJ; j < maxJ; j++) a[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      value = (a[jj + minJ - lastMinJ]! * i + value * j) / (i + j);
      a[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) a.fill(1, maxJ - minJ, maxJ - minJ + (lastLength - currentLength));
  }
  return a[maxJ - minJ - 1]!;
}
