import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromAnyBase64, fromStandardBase64 } from './bytes.js';

const bytes = Uint8Array.from([0xfb, 0xff, 0xbf]);

describe(fromStandardBase64.name, () => {
  it('decodes padded standard base64', () => {
    assert.deepEqual(fromStandardBase64('+/+/'), bytes);
  });

  it('refuses URL-safe characters', () => {
    assert.equal(fromStandardBase64('-_-_'), undefined);
  });

  it('refuses missing padding', () => {
    assert.equal(fromStandardBase64('AAE'), undefined);
  });
});

describe(fromAnyBase64.name, () => {
  it('decodes URL-safe base64', () => {
    assert.deepEqual(fromAnyBase64('-_-_'), bytes);
  });

  it('decodes unpadded standard base64', () => {
    assert.deepEqual(fromAnyBase64('AAE'), Uint8Array.of(0, 1));
  });

  it('refuses characters outside both alphabets instead of skipping them', () => {
    assert.equal(fromAnyBase64('AA*E'), undefined);
  });

  it('refuses a length no base64 text can have', () => {
    assert.equal(fromAnyBase64('AAAAA'), undefined);
  });
});
