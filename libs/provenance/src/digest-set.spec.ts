import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestProblem, parseArtifactDigest } from './digest-set.js';

describe(parseArtifactDigest.name, () => {
  it('reads the in-toto algorithms at their lengths', () => {
    for (const [text, algorithm, length] of [
      [`sha256:${'a'.repeat(64)}`, 'sha256', 64],
      [`sha512:${'b'.repeat(128)}`, 'sha512', 128],
      [`sha3_256:${'c'.repeat(64)}`, 'sha3_256', 64],
      [`gitCommit:${'d'.repeat(40)}`, 'gitCommit', 40],
      [`gitCommit:${'e'.repeat(64)}`, 'gitCommit', 64],
      [`dirHash:${'f'.repeat(64)}`, 'dirHash', 64],
      [`blake2b:${'0'.repeat(128)}`, 'blake2b', 128],
    ] as const) {
      assert.deepEqual(parseArtifactDigest(text), { algorithm, value: text.slice(algorithm.length + 1) });
      assert.equal((parseArtifactDigest(text) as { value: string }).value.length, length);
    }
  });

  it('names what is wrong', () => {
    assert.deepEqual(parseArtifactDigest(`sha256:${'a'.repeat(63)}`), { problem: 'a sha256 digest is 64 hex characters, got 63' });
    assert.deepEqual(parseArtifactDigest(`gitCommit:${'a'.repeat(50)}`), { problem: 'a gitCommit digest is 40 or 64 hex characters, got 50' });
    assert.deepEqual(parseArtifactDigest(`sha256:${'A'.repeat(64)}`), { problem: 'a sha256 digest is lowercase hex' });
    assert.match((parseArtifactDigest(`md5:${'a'.repeat(32)}`) as { problem: string }).problem, /^md5 is not collision resistant; use sha256/);
    assert.match((parseArtifactDigest(`crc32:${'a'.repeat(8)}`) as { problem: string }).problem, /^unknown digest algorithm "crc32"; use one of sha256, /);
    assert.deepEqual(parseArtifactDigest('a'.repeat(64)), { problem: 'an artifact digest is <algorithm>:<lowercase hex>, such as sha256:…' });
    assert.equal(digestProblem('constructor', 'ab'), 'unknown digest algorithm "constructor"; use one of ' + 'sha256, sha224, sha384, sha512, sha512_224, sha512_256, sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256, blake2b, blake2s, ripemd160, sm3, gost, sha1, dirHash, gitCommit, gitTree, gitBlob, gitTag');
    assert.equal(digestProblem('shake256', 'ab'.repeat(8)), 'a shake256 digest is 16 to 128 bytes of hex');
  });
});
