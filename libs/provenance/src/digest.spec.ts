import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { digestOf, sha256, sha256Hex } from './digest.js';

const abc = new TextEncoder().encode('abc');

describe(sha256Hex.name, () => {
  it('gives the FIPS 180-2 digest of "abc"', () => {
    assert.equal(sha256Hex(abc), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe(sha256.name, () => {
  it('gives the same digest as bytes', () => {
    assert.equal(Buffer.from(sha256(abc)).toString('hex'), sha256Hex(abc));
  });
});

describe(digestOf.name, () => {
  it('hashes the canonical JSON text', () => {
    assert.equal(digestOf({ b: 1, a: 'x' }), sha256Hex(new TextEncoder().encode('{"a":"x","b":1}')));
  });

  it('does not depend on key order', () => {
    assert.equal(digestOf({ a: 1, b: [1, 2] }), digestOf({ b: [1, 2], a: 1 }));
  });
});
