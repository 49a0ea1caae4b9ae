/** Wasserstein-1 distance ∫|F_a − F_b| between two sorted samples, as scipy.stats.wasserstein_distance. */
export function wassersteinDistance(sortedA: Float64Array, sortedB: Float64Array): number {
  const n1 = sortedA.length;
  const n2 = sortedB.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = Math.min(sortedA[0]!, sortedB[0]!);
  let cdfA = 0;
  let cdfB = 0;
  while (i < n1 || j < n2) {
    const a = i < n1 ? sortedA[i]! : Infinity;
    const b = j < n2 ? sortedB[j]! : Infinity;
    const value = a <= b ? a : b;
    total += Math.abs(cdfA - cdfB) * (value - previous);
    while (i < n1 && sortedA[i]! <= value) i++;
    while (j < n2 && sortedB[j]! <= value) j++;
    cdfA = i / n1;
    cdfB = j / n2;
    previous = value;
  }
  return total;
}

/** Sample standard deviation (ddof = 1); 0 for a single value. */
export function sampleStandardDeviation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / (n - 1));
}

/** Floor on the normalising standard deviation so a constant reference does not divide by zero (as Evidently). */
export const MIN_NORMALISING_SD = 1e-3;
