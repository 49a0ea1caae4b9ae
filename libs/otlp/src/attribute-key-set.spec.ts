import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttributeKeySet } from './attribute-key-set.js';
import { UNSAMPLED_SPAN_KEYS } from './inference-fields.js';

describe('AttributeKeySet', () => {
  const keys = new AttributeKeySet([...UNSAMPLED_SPAN_KEYS, 'assay.model.version', 'é.clé', '']);

  it('finds every key by its UTF-8 bytes inside a larger buffer, and its index names it', () => {
    for (const key of [...UNSAMPLED_SPAN_KEYS, 'assay.model.version', 'é.clé', '']) {
      const bytes = Buffer.concat([Buffer.from('xx'), Buffer.from(key, 'utf8'), Buffer.from('yy')]);
      const index = keys.indexOf(bytes, 2, bytes.length - 2);
      assert.ok(index >= 0, key);
      assert.equal(keys.keyAt(index), key);
    }
  });

  it('tells apart keys the hash cannot: same length and the same sampled bytes', () => {
    // Both 8 bytes, alike at the last byte, the middle and three quarters in; they differ only at the start.
    const set = new AttributeKeySet(['abcdefgh', 'zbcdefgh']);
    assert.equal(set.keyAt(set.indexOf(Buffer.from('zbcdefgh'), 0, 8)), 'zbcdefgh');
    assert.equal(set.keyAt(set.indexOf(Buffer.from('abcdefgh'), 0, 8)), 'abcdefgh');
    assert.equal(set.indexOf(Buffer.from('qbcdefgh'), 0, 8), -1);
  });

  it('answers -1 for other keys, prefixes and longer keys', () => {
    for (const other of ['gen_ai.request', 'gen_ai.request.model.x', 'app.tenant', 'GEN_AI.REQUEST.MODEL']) {
      const bytes = Buffer.from(other);
      assert.equal(keys.indexOf(bytes, 0, bytes.length), -1, other);
      assert.equal(keys.has(other), false);
    }
    assert.equal(keys.has('gen_ai.request.model'), true);
  });
});
