import { nodeHash, HASH_SIZE } from './merkle-hash.js';

/**
 * A perfect subtree of the log: the node at `level` L and `index` i covers the leaves
 * [i·2^L, (i+1)·2^L). Level 0 nodes are the leaf hashes.
 */
export interface NodeId {
  level: number;
  index: number;
}

export interface StoredNode extends NodeId {
  hash: Uint8Array;
}

/** Synchronous access to stored perfect-subtree hashes; throws when a node is not there. */
export interface NodeStore {
  get(level: number, index: number): Uint8Array;
}

export type NodeLookup = NodeStore | ((level: number, index: number) => Uint8Array);

/**
 * The nodes that become complete when leaf `leafIndex` is appended: the leaf itself, then each
 * parent whose right child has just completed. `lookup` must hold every node completed by the
 * earlier leaves (when appending a batch, include the nodes returned for earlier leaves of it).
 * Each call reads at most log2(size) stored nodes and hashes as many.
 */
export function completedNodes(leafIndex: number, leafHash: Uint8Array, lookup: NodeLookup): StoredNode[] {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) throw new RangeError(`bad leaf index ${leafIndex}`);
  const get = typeof lookup === 'function' ? lookup : (level: number, index: number) => lookup.get(level, index);
  const nodes: StoredNode[] = [{ level: 0, index: leafIndex, hash: leafHash }];
  let level = 0;
  let index = leafIndex;
  let hash = leafHash;
  while (index % 2 === 1) {
    hash = nodeHash(requireNode(get(level, index - 1), level, index - 1), hash);
    index = (index - 1) / 2;
    level += 1;
    nodes.push({ level, index, hash });
  }
  return nodes;
}

/** A NodeStore over nodes fetched in one query (e.g. the rows named by a proof plan). */
export function nodeStoreOf(nodes: Iterable<StoredNode>): NodeStore {
  const levels = new Map<number, Map<number, Uint8Array>>();
  for (const node of nodes) {
    let level = levels.get(node.level);
    if (level === undefined) levels.set(node.level, (level = new Map()));
    level.set(node.index, node.hash);
  }
  return {
    get: (level, index) => requireNode(levels.get(level)?.get(index), level, index),
  };
}

/**
 * An in-memory log: every perfect subtree hash, 32 bytes each in one contiguous buffer per level
 * (about 64 bytes per leaf overall). For the CLI, tests and benchmarks; the service keeps these in Postgres.
 */
export class MemoryNodeStore implements NodeStore {
  #levels: Array<{ bytes: Uint8Array; count: number }> = [];

  get size(): number {
    return this.#levels[0]?.count ?? 0;
  }

  /** Appends one leaf hash and returns the nodes that completed, as `completedNodes` does. */
  append(leafHash: Uint8Array): StoredNode[] {
    if (leafHash.byteLength !== HASH_SIZE) throw new RangeError(`a leaf hash is ${HASH_SIZE} bytes`);
    const nodes = completedNodes(this.size, leafHash, this);
    for (const node of nodes) this.#put(node);
    return nodes;
  }

  get(level: number, index: number): Uint8Array {
    const stored = this.#levels[level];
    if (stored === undefined || !Number.isInteger(index) || index < 0 || index >= stored.count) {
      throw missingNode(level, index);
    }
    return stored.bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  #put(node: StoredNode): void {
    let stored = this.#levels[node.level];
    if (stored === undefined) this.#levels[node.level] = stored = { bytes: new Uint8Array(HASH_SIZE * 16), count: 0 };
    if (stored.count * HASH_SIZE === stored.bytes.byteLength) {
      const grown = new Uint8Array(stored.bytes.byteLength * 2);
      grown.set(stored.bytes);
      stored.bytes = grown;
    }
    stored.bytes.set(node.hash, stored.count * HASH_SIZE);
    stored.count += 1;
  }
}

export function requireNode(hash: Uint8Array | undefined, level: number, index: number): Uint8Array {
  if (hash === undefined) throw missingNode(level, index);
  return hash;
}

function missingNode(level: number, index: number): RangeError {
  return new RangeError(`Merkle node level ${level} index ${index} is not in the store`);
}
