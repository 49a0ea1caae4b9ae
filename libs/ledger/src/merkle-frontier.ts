import { emptyRoot, nodeHash } from '@assay/provenance';

/**
 * The right edge of a growing RFC 6962 tree: one perfect-subtree hash per set bit of its size.
 * Leaves are appended in order and the root of the tree so far is available at any time, in
 * O(log n) memory, so a whole log can be re-hashed as a stream.
 */
export class MerkleFrontier {
  readonly #levels: number[] = [];
  readonly #hashes: Uint8Array[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  append(leafHash: Uint8Array): void {
    let level = 0;
    let hash = leafHash;
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      this.#levels.pop();
      hash = nodeHash(this.#hashes.pop()!, hash);
      level += 1;
    }
    this.#levels.push(level);
    this.#hashes.push(hash);
    this.#size += 1;
  }

  root(): Uint8Array {
    if (this.#hashes.length === 0) return emptyRoot();
    let hash = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) hash = nodeHash(this.#hashes[i]!, hash);
    return hash;
  }
}
