import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafHash, nodeHash } from './merkle-hash.js';
import {
  consistencyProof,
  consistencyProofPlan,
  inclusionProof,
  inclusionProofPlan,
  rootAt,
  rootPlan,
} from './merkle-proof.js';
import { verifyConsistency, verifyInclusion } from './merkle-verify.js';
import { MemoryNodeStore, nodeStoreOf, type NodeId, type NodeStore } from './node-store.js';
import { entriesOf, naiveConsistency, naivePath, naiveRoot, withOneByteFlipped } from './naive-merkle.testing.js';

const MAX = 64;
const entries = entriesOf(MAX);
const store = new MemoryNodeStore();
for (const entry of entries) store.append(leafHash(entry));
const roots = Array.from({ length: MAX + 1 }, (_, size) => naiveRoot(entries.slice(0, size)));

/** Only the planned nodes, so that a proof needing anything else fails loudly. */
function storeOfPlan(plan: readonly NodeId[]): NodeStore {
  return nodeStoreOf(plan.map(({ level, index }) => ({ level, index, hash: store.get(level, index) })));
}

function* inclusionCases(): Generator<[number, number]> {
  for (let size = 1; size <= MAX; size++) for (let index = 0; index < size; index++) yield [index, size];
}

function* consistencyCases(): Generator<[number, number]> {
  for (let size2 = 1; size2 <= MAX; size2++) for (let size1 = 1; size1 <= size2; size1++) yield [size1, size2];
}

/** A store for a tree whose leaves all have the same hash: every perfect subtree of a level is equal. */
function uniformStore(leaf: Uint8Array): NodeStore {
  const levels = [leaf];
  for (let level = 1; level < 64; level++) levels.push(nodeHash(levels[level - 1]!, levels[level - 1]!));
  return { get: (level) => levels[level]! };
}

describe(rootAt.name, () => {
  it('agrees with the naive recursive root for every size 0..64', () => {
    for (let size = 0; size <= MAX; size++) assert.deepEqual(rootAt(size, store), roots[size], `size ${size}`);
  });

  it('needs only the nodes of its plan', () => {
    for (let size = 0; size <= MAX; size++) assert.deepEqual(rootAt(size, storeOfPlan(rootPlan(size))), roots[size]);
  });
});

describe(rootPlan.name, () => {
  it('names one perfect subtree per set bit of the size, largest first', () => {
    assert.deepEqual(rootPlan(13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
  });
});

describe(inclusionProof.name, () => {
  it('equals the RFC 6962 PATH for every index and size up to 64', () => {
    for (const [index, size] of inclusionCases()) {
      assert.deepEqual(inclusionProof(index, size, store), naivePath(index, entries.slice(0, size)), `${index}/${size}`);
    }
  });

  it('needs only the nodes of its plan', () => {
    for (const [index, size] of inclusionCases()) {
      const sut = inclusionProof(index, size, storeOfPlan(inclusionProofPlan(index, size)));
      assert.deepEqual(sut, naivePath(index, entries.slice(0, size)), `${index}/${size}`);
    }
  });

  it('refuses an index outside the tree', () => {
    assert.throws(() => inclusionProof(5, 5, store), RangeError);
  });

  it('reports a node missing from the store', () => {
    assert.throws(() => inclusionProof(0, 2, nodeStoreOf([])), /level 0 index 1 is not in the store/);
  });

  it('works past 2^32 leaves', () => {
    const leaf = leafHash(new TextEncoder().encode('same'));
    const huge = uniformStore(leaf);
    const size = 2 ** 40 + 12345;
    const index = 2 ** 33 + 7;
    const sut = inclusionProof(index, size, huge);
    assert.equal(verifyInclusion(index, size, leaf, sut, rootAt(size, huge)), true);
  });
});

describe(inclusionProofPlan.name, () => {
  it('stays within 2·log2(size) nodes for a large log', () => {
    const size = 3_000_017;
    for (const index of [0, 1, 1_234_567, size - 2, size - 1]) {
      assert.ok(inclusionProofPlan(index, size).length <= 2 * Math.ceil(Math.log2(size)), `index ${index}`);
    }
  });
});

describe(consistencyProof.name, () => {
  it('equals the RFC 6962 PROOF for every pair of sizes up to 64', () => {
    for (const [size1, size2] of consistencyCases()) {
      const sut = consistencyProof(size1, size2, store);
      assert.deepEqual(sut, naiveConsistency(size1, entries.slice(0, size2)), `${size1}→${size2}`);
    }
  });

  it('needs only the nodes of its plan', () => {
    for (const [size1, size2] of consistencyCases()) {
      const sut = consistencyProof(size1, size2, storeOfPlan(consistencyProofPlan(size1, size2)));
      assert.deepEqual(sut, naiveConsistency(size1, entries.slice(0, size2)), `${size1}→${size2}`);
    }
  });

  it('is empty from the empty tree', () => {
    assert.deepEqual(consistencyProof(0, 9, store), []);
  });

  it('refuses a first size beyond the second', () => {
    assert.throws(() => consistencyProof(9, 8, store), RangeError);
  });

  it('gives the published RFC 6962 test proof from 2 to 5 leaves', () => {
    const leaves = ['', '00', '10', '2021', '3031'].map((leaf) => leafHash(Buffer.from(leaf, 'hex')));
    const small = new MemoryNodeStore();
    for (const leaf of leaves) small.append(leaf);
    assert.deepEqual(
      consistencyProof(2, 5, small).map((hash) => Buffer.from(hash).toString('hex')),
      [
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    );
  });
});

describe(verifyInclusion.name, () => {
  it('accepts the generated proof for every index and size up to 64', () => {
    for (const [index, size] of inclusionCases()) {
      const proof = inclusionProof(index, size, store);
      assert.equal(verifyInclusion(index, size, store.get(0, index), proof, roots[size]!), true, `${index}/${size}`);
    }
  });

  it('rejects every proof with any byte of any element, the leaf or the root flipped', () => {
    for (const [index, size] of inclusionCases()) {
      const proof = inclusionProof(index, size, store);
      for (const [where, [leaf, root, ...flippedProof]] of withOneByteFlipped([store.get(0, index), roots[size]!, ...proof])) {
        assert.equal(verifyInclusion(index, size, leaf!, flippedProof, root!), false, `${index}/${size} ${where}`);
      }
    }
  });

  it('rejects a proof presented for another index of the same tree', () => {
    const proof = inclusionProof(5, 13, store);
    assert.equal(verifyInclusion(4, 13, store.get(0, 5), proof, roots[13]!), false);
  });

  it('rejects a proof with an extra element', () => {
    const proof = inclusionProof(5, 13, store);
    assert.equal(verifyInclusion(5, 13, store.get(0, 5), [...proof, roots[1]!], roots[13]!), false);
  });

  it('rejects a proof missing its last element', () => {
    const proof = inclusionProof(5, 13, store);
    assert.equal(verifyInclusion(5, 13, store.get(0, 5), proof.slice(0, -1), roots[13]!), false);
  });

  it('rejects an index at or past the size', () => {
    assert.equal(verifyInclusion(1, 1, store.get(0, 0), [], roots[1]!), false);
  });
});

describe(verifyConsistency.name, () => {
  it('accepts the generated proof for every pair of sizes up to 64', () => {
    for (const [size1, size2] of consistencyCases()) {
      const proof = consistencyProof(size1, size2, store);
      assert.equal(verifyConsistency(size1, size2, roots[size1]!, roots[size2]!, proof), true, `${size1}→${size2}`);
    }
  });

  it('rejects every proof with any byte of any element or either root flipped', () => {
    for (const [size1, size2] of consistencyCases()) {
      const proof = consistencyProof(size1, size2, store);
      for (const [where, [root1, root2, ...flippedProof]] of withOneByteFlipped([roots[size1]!, roots[size2]!, ...proof])) {
        assert.equal(verifyConsistency(size1, size2, root1!, root2!, flippedProof), false, `${size1}→${size2} ${where}`);
      }
    }
  });

  it('rejects a proof presented for other sizes', () => {
    const proof = consistencyProof(5, 13, store);
    assert.equal(verifyConsistency(6, 13, roots[6]!, roots[13]!, proof), false);
  });

  it('rejects an empty proof between different sizes', () => {
    assert.equal(verifyConsistency(4, 8, roots[4]!, roots[8]!, []), false);
  });

  it('accepts equal sizes with equal roots and no proof', () => {
    assert.equal(verifyConsistency(8, 8, roots[8]!, roots[8]!, []), true);
  });

  it('accepts any tree as an extension of the empty tree', () => {
    assert.equal(verifyConsistency(0, 8, roots[0]!, roots[8]!, []), true);
  });

  it('rejects a root other than the empty root for the empty tree', () => {
    assert.equal(verifyConsistency(0, 8, roots[1]!, roots[8]!, []), false);
  });

  it('rejects a first size beyond the second', () => {
    assert.equal(verifyConsistency(9, 8, roots[9]!, roots[8]!, []), false);
  });

  it('works past 2^32 leaves', () => {
    const huge = uniformStore(leafHash(new TextEncoder().encode('same')));
    const size1 = 2 ** 35 + 3;
    const size2 = 2 ** 41 + 99;
    const proof = consistencyProof(size1, size2, huge);
    assert.equal(verifyConsistency(size1, size2, rootAt(size1, huge), rootAt(size2, huge), proof), true);
  });
});
