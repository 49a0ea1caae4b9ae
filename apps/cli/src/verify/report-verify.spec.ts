import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafHash, merkleRoot } from '@assay/provenance';
import { multiproofPlan } from '@assay/reports';
import { InvalidReportError, rootFromMultiproof } from './report-verify.js';

function leaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
}

// A perfect subtree's hash, computed independently of the code under test.
function subtree(all: Uint8Array[], level: number, index: number): Uint8Array {
  const width = 2 ** level;
  return merkleRoot(all.slice(index * width, (index + 1) * width));
}

function prove(all: Uint8Array[], included: number[]): { leafMap: Map<number, Uint8Array>; nodes: Map<string, Uint8Array> } {
  const nodes = new Map(multiproofPlan(included, all.length).map((id) => [`${id.level}:${id.index}`, subtree(all, id.level, id.index)]));
  return { leafMap: new Map(included.map((i) => [i, all[i]!])), nodes };
}

describe(rootFromMultiproof.name, () => {
  it('gives the RFC 6962 root for every subset of small trees', () => {
    for (let size = 1; size <= 13; size++) {
      const all = leaves(size);
      const root = Buffer.from(merkleRoot(all));
      for (let mask = 1; mask < 2 ** size; mask += size > 9 ? 37 : 1) {
        const included = [...Array(size).keys()].filter((i) => mask & (1 << i));
        const { leafMap, nodes } = prove(all, included);
        assert.ok(root.equals(Buffer.from(rootFromMultiproof(size, leafMap, nodes))), `size ${size} subset ${included.join(',')}`);
      }
    }
  });

  it('stays small for a dense run of entries in a large tree', () => {
    const plan = multiproofPlan(Array.from({ length: 1000 }, (_, i) => 5000 + i), 100_000);
    assert.ok(plan.length <= 2 * 17 + 2, `plan has ${plan.length} nodes`);
  });

  it('gives another root when an entry is altered or left out', () => {
    const all = leaves(11);
    const root = Buffer.from(merkleRoot(all));
    const { leafMap, nodes } = prove(all, [2, 3, 7]);
    const altered = new Map(leafMap);
    altered.set(3, leafHash(Buffer.from('entry 3 forged')));
    assert.ok(!root.equals(Buffer.from(rootFromMultiproof(11, altered, nodes))));
    const missing = new Map(leafMap);
    missing.delete(7);
    assert.throws(() => rootFromMultiproof(11, missing, nodes), InvalidReportError);
  });
});
