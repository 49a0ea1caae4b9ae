// RFC 6962 §2.1.1–2.1.2 (RFC 9162 §2.1.3–2.1.4) proof generation from stored perfect subtrees.
//
// Every hash in a proof is MTH(D[start:end]) for some subtree range. Such a range either is a
// perfect subtree (stored) or splits, by the RFC's own recursion, into perfect subtrees of
// decreasing size along its right edge; its hash is those folded from the right. So a proof needs
// O(log n) stored nodes and at most O(log n) hashing, whatever the size of the log.
import { emptyRoot, largestPowerOfTwoBelow, nodeHash } from './merkle-hash.js';
import { requireNode, type NodeId, type NodeStore } from './node-store.js';

interface LeafRange {
  start: number;
  end: number;
}

/** Stored nodes needed by `inclusionProof(index, size, store)`. */
export function inclusionProofPlan(index: number, size: number): NodeId[] {
  return planOf(inclusionRanges(index, size));
}

/** Stored nodes needed by `consistencyProof(size1, size2, store)`. */
export function consistencyProofPlan(size1: number, size2: number): NodeId[] {
  return planOf(consistencyRanges(size1, size2));
}

/** Stored nodes needed by `rootAt(size, store)`. */
export function rootPlan(size: number): NodeId[] {
  assertSize(size, 'size');
  return size === 0 ? [] : perfectSubtreesOf({ start: 0, end: size });
}

/** The audit path of leaf `index` in the tree of `size` leaves, leaf side first (RFC 9162 PATH). */
export function inclusionProof(index: number, size: number, store: NodeStore): Uint8Array[] {
  return inclusionRanges(index, size).map((range) => rangeHash(range, store));
}

/** Proof that the tree of `size1` leaves is a prefix of the tree of `size2` (RFC 9162 PROOF). */
export function consistencyProof(size1: number, size2: number, store: NodeStore): Uint8Array[] {
  return consistencyRanges(size1, size2).map((range) => rangeHash(range, store));
}

export function rootAt(size: number, store: NodeStore): Uint8Array {
  assertSize(size, 'size');
  return size === 0 ? emptyRoot() : rangeHash({ start: 0, end: size }, store);
}

function inclusionRanges(index: number, size: number): LeafRange[] {
  assertSize(size, 'size');
  assertSize(index, 'index');
  if (index >= size) throw new RangeError(`leaf index ${index} is not below tree size ${size}`);
  const siblings: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      siblings.push({ start: split, end });
      end = split;
    } else {
      siblings.push({ start, end: split });
      start = split;
    }
  }
  return siblings.reverse();
}

function consistencyRanges(size1: number, size2: number): LeafRange[] {
  assertSize(size1, 'size1');
  assertSize(size2, 'size2');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  // SUBPROOF(m, D[start:end], b), unrolled; `old` is m relative to `start`.
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size2;
  let old = size1;
  let oldIsWholeSubtree = true;
  for (;;) {
    if (old === end - start) {
      if (!oldIsWholeSubtree) ranges.push({ start, end });
      break;
    }
    const half = largestPowerOfTwoBelow(end - start);
    if (old <= half) {
      ranges.push({ start: start + half, end });
      end = start + half;
    } else {
      ranges.push({ start, end: start + half });
      start += half;
      old -= half;
      oldIsWholeSubtree = false;
    }
  }
  return ranges.reverse();
}

function rangeHash(range: LeafRange, store: NodeStore): Uint8Array {
  const parts = perfectSubtreesOf(range);
  let hash = fetch(parts[parts.length - 1]!, store);
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(fetch(parts[i]!, store), hash);
  return hash;
}

/** The aligned perfect subtrees covering the range, largest (leftmost) first. */
function perfectSubtreesOf({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let cursor = start;
  while (cursor < end) {
    let width = 1;
    let level = 0;
    while (width * 2 <= end - cursor && cursor % (width * 2) === 0) {
      width *= 2;
      level += 1;
    }
    nodes.push({ level, index: cursor / width });
    cursor += width;
  }
  return nodes;
}

function planOf(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Set<string>();
  const plan: NodeId[] = [];
  for (const range of ranges) {
    for (const node of perfectSubtreesOf(range)) {
      const key = `${node.level}/${node.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      plan.push(node);
    }
  }
  return plan;
}

function fetch(node: NodeId, store: NodeStore): Uint8Array {
  return requireNode(store.get(node.level, node.index) as Uint8Array | undefined, node.level, node.index);
}

function assertSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}
