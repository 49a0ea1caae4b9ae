import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRoot, leafHash, merkleRoot, nodeHash } from './merkle-hash.js';
import { entriesOf, naiveRoot } from './naive-merkle.testing.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// The RFC 6962 test leaves and roots used by certificate-transparency and transparency-dev.
const ctLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ctRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe(leafHash.name, () => {
  it('is SHA-256 of 0x00 followed by the entry', () => {
    assert.equal(hex(leafHash(new Uint8Array())), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });
});

describe(nodeHash.name, () => {
  it('is SHA-256 of 0x01, left, right', () => {
    const left = leafHash(new Uint8Array());
    const right = leafHash(Uint8Array.of(0));
    assert.equal(hex(nodeHash(left, right)), ctRoots[1]);
  });
});

describe(emptyRoot.name, () => {
  it('is SHA-256 of the empty string', () => {
    assert.equal(hex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe(merkleRoot.name, () => {
  it('gives the published RFC 6962 test roots for the first 1..8 test leaves', () => {
    const leafHashes = ctLeaves.map((leaf) => leafHash(Buffer.from(leaf, 'hex')));
    const sut = ctRoots.map((_, i) => hex(merkleRoot(leafHashes.slice(0, i + 1))));
    assert.deepEqual(sut, ctRoots);
  });

  it('agrees with the naive recursive definition for every size 0..64', () => {
    const entries = entriesOf(64);
    for (let size = 0; size <= 64; size++) {
      const sut = merkleRoot(entries.slice(0, size).map(leafHash));
      assert.deepEqual(sut, naiveRoot(entries.slice(0, size)), `size ${size}`);
    }
  });

  it('is the empty root for no leaves', () => {
    assert.deepEqual(merkleRoot([]), emptyRoot());
  });
});
