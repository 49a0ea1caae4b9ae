// RFC 6962 §2.1 (RFC 9162 §2.1.1) Merkle tree hashing.
import { createHash } from 'node:crypto';
import { asPlainBytes } from '../bytes.js';

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export const HASH_SIZE = 32;

export function leafHash(entryBytes: Uint8Array): Uint8Array {
  return asPlainBytes(createHash('sha256').update(LEAF_PREFIX).update(entryBytes).digest());
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return asPlainBytes(createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest());
}

export function emptyRoot(): Uint8Array {
  return asPlainBytes(createHash('sha256').digest());
}

/** Root of the tree over the given leaf hashes; hashes every leaf, so it is for small trees and tests. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return emptyRoot();
  return rootOfRange(leafHashes, 0, leafHashes.length);
}

function rootOfRange(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const width = end - start;
  if (width === 1) return leafHashes[start]!;
  const split = start + largestPowerOfTwoBelow(width);
  return nodeHash(rootOfRange(leafHashes, start, split), rootOfRange(leafHashes, split, end));
}

/** The split point k of RFC 6962: the largest power of two strictly smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
