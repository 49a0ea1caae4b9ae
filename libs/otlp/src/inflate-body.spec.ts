import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { inflateBody } from './inflate-body.js';
import { OtlpError } from './otlp-error.js';

const payload = Buffer.from('{"resourceSpans":[]}');

function isOtlpError(kind: OtlpError['kind']) {
  return (error: unknown): boolean => error instanceof OtlpError && error.kind === kind;
}

describe(inflateBody.name, () => {
  it('returns an unencoded body as it is', () => {
    assert.equal(inflateBody(payload, undefined, 1024), payload);
  });

  it('treats identity like no encoding', () => {
    assert.equal(inflateBody(payload, 'identity', 1024), payload);
  });

  it('gunzips, whatever the case and spacing of the header', () => {
    assert.deepEqual(inflateBody(gzipSync(payload), ' GZIP ', 1024), payload);
  });

  it('inflates zlib and raw deflate', () => {
    assert.deepEqual(
      [inflateBody(deflateSync(payload), 'deflate', 1024), inflateBody(deflateRawSync(payload), 'deflate', 1024)],
      [payload, payload],
    );
  });

  it('refuses an unencoded body over the limit', () => {
    assert.throws(() => inflateBody(Buffer.alloc(1025), undefined, 1024), isOtlpError('too_large'));
  });

  it('accepts a body that inflates to exactly the limit', () => {
    assert.equal(inflateBody(gzipSync(Buffer.alloc(1024)), 'gzip', 1024).length, 1024);
  });

  it('stops a gzip bomb at the limit', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 128 * 1024);
    assert.throws(() => inflateBody(bomb, 'gzip', 1024 * 1024), (error: unknown) => {
      assert.ok(error instanceof OtlpError);
      assert.equal(error.kind, 'too_large');
      assert.equal(error.message, 'body exceeds 1048576 bytes after decompression');
      return true;
    });
  });

  it('reports a corrupt gzip body as a bad request', () => {
    assert.throws(() => inflateBody(Buffer.from('not gzip at all'), 'gzip', 1024), isOtlpError('bad_request'));
  });

  it('reports a truncated gzip body as a bad request', () => {
    const gzipped = gzipSync(Buffer.alloc(4096, 'a'));
    assert.throws(() => inflateBody(gzipped.subarray(0, gzipped.length - 10), 'gzip', 8192), isOtlpError('bad_request'));
  });

  it('refuses an unknown encoding', () => {
    assert.throws(() => inflateBody(payload, 'br', 1024), (error: unknown) => {
      assert.ok(error instanceof OtlpError);
      assert.equal(error.kind, 'unsupported_encoding');
      assert.equal(error.message, 'unsupported Content-Encoding "br" (use gzip, deflate or identity)');
      return true;
    });
  });
});
