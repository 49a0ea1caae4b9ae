// Turning samples into aligned histograms for the binned methods (chi-square, PSI, Jensen–Shannon, Hellinger).

/** A histogram of reference and current over the same bins, in the same order. */
export interface AlignedCounts {
  labels: string[];
  reference: number[];
  current: number[];
}

/**
 * The q-th quantile of sorted values with numpy's default linear interpolation, reproducing
 * numpy's arithmetic so that bin edges agree bit for bit on tied data.
 */
export function linearQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtualIndex = (n - 1) * q;
  const clamped = Math.min(Math.max(virtualIndex, 0), n - 1);
  const previousIndex = Math.floor(clamped);
  const nextIndex = Math.min(previousIndex + 1, n - 1);
  const gamma = clamped - previousIndex;
  const a = sorted[previousIndex]!;
  const b = sorted[nextIndex]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Interior edges at the reference's 1/bins … (bins-1)/bins quantiles, duplicates removed. */
export function quantileEdges(sortedReference: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = linearQuantile(sortedReference, i / bins);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** Number of sorted values <= x. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts per bin (-inf, e1], (e1, e2], …, (e_last, +inf). */
export function binCounts(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let previous = 0;
  for (const edge of edges) {
    const below = upperBound(sorted, edge);
    counts.push(below - previous);
    previous = below;
  }
  counts.push(sorted.length - previous);
  return counts;
}

export function numericBins(sortedReference: Float64Array, sortedCurrent: Float64Array, bins: number): AlignedCounts {
  const edges = quantileEdges(sortedReference, bins);
  const labels = [...edges.map((e) => `<=${e}`), edges.length ? `>${edges[edges.length - 1]}` : 'all'];
  return { labels, reference: binCounts(sortedReference, edges), current: binCounts(sortedCurrent, edges) };
}

/**
 * One bin per category seen in either sample, sorted by label. A category seen only in the current
 * window keeps its own bin with a reference count of zero (it is never dropped or merged).
 */
export function categoricalBins(reference: Map<string, number>, current: Map<string, number>): AlignedCounts {
  const labels = [...new Set([...reference.keys(), ...current.keys()])].sort();
  return {
    labels,
    reference: labels.map((l) => reference.get(l) ?? 0),
    current: labels.map((l) => current.get(l) ?? 0),
  };
}
