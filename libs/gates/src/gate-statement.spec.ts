import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { gateStatement, subjectDigestOf } from './gate-statement.js';

describe(subjectDigestOf.name, () => {
  it('uses the registered artifact digest under its own algorithm', () => {
    assert.deepEqual(subjectDigestOf('ranker', 'v2', `sha512:${'ab'.repeat(64)}`), { sha512: 'ab'.repeat(64) });
    assert.deepEqual(subjectDigestOf('ranker', 'v2', `gitCommit:${'c'.repeat(40)}`), { gitCommit: 'c'.repeat(40) });
  });

  it('names a version without one by the SHA-256 of its RFC 8785 {"model","version"}', () => {
    const expected = createHash('sha256').update('{"model":"ranker","version":"v2"}').digest('hex');
    assert.deepEqual(subjectDigestOf('ranker', 'v2', null), { sha256: expected });
  });

  it('puts the subject in the statement', () => {
    const statement = gateStatement({
      decisionId: 'd1', decision: 'pass', model: 'ranker', candidate: 'v2', artifactDigest: `sha384:${'d'.repeat(96)}`,
      baseline: null, evidence: {}, reasons: [], policy: {}, decidedAt: new Date(0),
    });
    assert.deepEqual(statement.subject, [{ name: 'model:ranker@v2', digest: { sha384: 'd'.repeat(96) } }]);
  });
});
