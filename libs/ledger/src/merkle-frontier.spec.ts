import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { emptyRoot, leafHash, merkleRoot } from '@assay/provenance';
import { MerkleFrontier } from './merkle-frontier.js';

describe(MerkleFrontier.name, () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(createHash('sha256').update(`entry ${i}`).digest()));

  it('has the empty-tree root before any leaf', () => {
    assert.deepEqual(new MerkleFrontier().root(), emptyRoot());
  });

  it('gives the RFC 6962 root of every prefix, odd and even sizes alike', () => {
    const sut = new MerkleFrontier();
    for (let size = 1; size <= leaves.length; size++) {
      sut.append(leaves[size - 1]!);
      assert.equal(sut.size, size);
      assert.deepEqual(sut.root(), merkleRoot(leaves.slice(0, size)), `size ${size}`);
    }
  });
});
