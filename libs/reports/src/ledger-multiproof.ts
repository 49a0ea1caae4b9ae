import type { NodeId } from '@assay/provenance';

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** First position in the sorted `indexes` at or after `value`. */
function lowerBound(indexes: readonly number[], value: number): number {
  let lo = 0;
  let hi = indexes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indexes[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The perfect subtrees of a tree of `size` leaves whose hashes, with the leaf hashes of `included`
 * (sorted, distinct, each < size), determine the RFC 6962 root: the largest ones holding no included leaf.
 */
export function multiproofPlan(included: readonly number[], size: number): NodeId[] {
  const plan: NodeId[] = [];
  const walk = (lo: number, hi: number): void => {
    const width = hi - lo;
    const first = lowerBound(included, lo);
    const holds = first < included.length && included[first]! < hi;
    if (!holds && isPowerOfTwo(width)) {
      const level = Math.log2(width);
      plan.push({ level, index: lo / width });
      return;
    }
    if (width === 1) return;
    const k = largestPowerOfTwoBelow(width);
    walk(lo, lo + k);
    walk(lo + k, hi);
  };
  if (size > 0) walk(0, size);
  return plan;
}
