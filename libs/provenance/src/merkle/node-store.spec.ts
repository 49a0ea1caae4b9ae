import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafHash, nodeHash } from './merkle-hash.js';
import { completedNodes, MemoryNodeStore, nodeStoreOf, type StoredNode } from './node-store.js';
import { entriesOf } from './naive-merkle.testing.js';

const leaves = entriesOf(8).map(leafHash);

describe(completedNodes.name, () => {
  it('returns only the leaf when it is a left child', () => {
    const sut = completedNodes(6, leaves[6]!, () => assert.fail('nothing to look up'));
    assert.deepEqual(sut, [{ level: 0, index: 6, hash: leaves[6] }]);
  });

  it('returns every parent whose right child the leaf completes', () => {
    const stored: StoredNode[] = [];
    for (let i = 0; i < 7; i++) stored.push(...completedNodes(i, leaves[i]!, nodeStoreOf(stored)));
    const sut = completedNodes(7, leaves[7]!, nodeStoreOf(stored));
    const pair67 = nodeHash(leaves[6]!, leaves[7]!);
    const quad47 = nodeHash(nodeHash(leaves[4]!, leaves[5]!), pair67);
    const root = nodeHash(nodeHash(nodeHash(leaves[0]!, leaves[1]!), nodeHash(leaves[2]!, leaves[3]!)), quad47);
    assert.deepEqual(sut, [
      { level: 0, index: 7, hash: leaves[7] },
      { level: 1, index: 3, hash: pair67 },
      { level: 2, index: 1, hash: quad47 },
      { level: 3, index: 0, hash: root },
    ]);
  });

  it('accepts a lookup function', () => {
    const sut = completedNodes(1, leaves[1]!, (level, index) => (level === 0 && index === 0 ? leaves[0]! : assert.fail()));
    assert.deepEqual(sut[1], { level: 1, index: 0, hash: nodeHash(leaves[0]!, leaves[1]!) });
  });
});

describe(MemoryNodeStore.name, () => {
  it('counts appended leaves', () => {
    const sut = new MemoryNodeStore();
    for (const leaf of leaves.slice(0, 5)) sut.append(leaf);
    assert.equal(sut.size, 5);
  });

  it('keeps every completed node across buffer growth', () => {
    const sut = new MemoryNodeStore();
    const many = entriesOf(100).map(leafHash);
    for (const leaf of many) sut.append(leaf);
    assert.deepEqual(sut.get(0, 99), many[99]);
    assert.deepEqual(sut.get(1, 49), nodeHash(many[98]!, many[99]!));
  });

  it('refuses a node that has not completed', () => {
    const sut = new MemoryNodeStore();
    for (const leaf of leaves.slice(0, 3)) sut.append(leaf);
    assert.throws(() => sut.get(1, 1), /level 1 index 1 is not in the store/);
  });
});
