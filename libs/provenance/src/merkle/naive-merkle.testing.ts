// Reference implementations for the Merkle tests, written straight from the recursive
// definitions in RFC 6962 §2.1 and kept apart from the stored-subtree code under test.
import { createHash } from 'node:crypto';

export function naiveHash(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function naiveLeafHash(entry: Uint8Array): Uint8Array {
  return naiveHash(Uint8Array.of(0), entry);
}

function splitPoint(n: number): number {
  return 2 ** Math.ceil(Math.log2(n) - 1);
}

/** MTH(D[n]) over leaf entries (not hashes). */
export function naiveRoot(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0) return naiveHash();
  if (entries.length === 1) return naiveLeafHash(entries[0]!);
  const k = splitPoint(entries.length);
  return naiveHash(Uint8Array.of(1), naiveRoot(entries.slice(0, k)), naiveRoot(entries.slice(k)));
}

/** PATH(m, D[n]). */
export function naivePath(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  if (entries.length <= 1) return [];
  const k = splitPoint(entries.length);
  return m < k
    ? [...naivePath(m, entries.slice(0, k)), naiveRoot(entries.slice(k))]
    : [...naivePath(m - k, entries.slice(k)), naiveRoot(entries.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function naiveConsistency(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  if (m === 0 || m === entries.length) return [];
  return subproof(m, entries, true);
}

function subproof(m: number, entries: readonly Uint8Array[], whole: boolean): Uint8Array[] {
  const n = entries.length;
  if (m === n) return whole ? [] : [naiveRoot(entries)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, entries.slice(0, k), whole), naiveRoot(entries.slice(k))]
    : [...subproof(m - k, entries.slice(k), false), naiveRoot(entries.slice(0, k))];
}

export function entriesOf(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new TextEncoder().encode(`entry ${i}`));
}

/** Copies of `hashes`, each with one byte changed, tagged with where the change is. */
export function* withOneByteFlipped(hashes: readonly Uint8Array[]): Generator<[string, Uint8Array[]]> {
  for (let element = 0; element < hashes.length; element++) {
    for (let byte = 0; byte < hashes[element]!.byteLength; byte++) {
      const copy = hashes.map((hash) => Uint8Array.from(hash));
      copy[element]![byte]! ^= 0x01;
      yield [`element ${element} byte ${byte}`, copy];
    }
  }
}
