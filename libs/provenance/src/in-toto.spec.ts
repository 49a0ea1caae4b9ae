import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize } from './canonical-json.js';
import { signEnvelope, verifyEnvelope } from './dsse.js';
import {
  buildStatement,
  IN_TOTO_PAYLOAD_TYPE,
  openStatement,
  PredicateType,
  signStatement,
  type TestResultPredicate,
} from './in-toto.js';
import { Ed25519Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

const signer = Ed25519Signer.generate();
const keys = [{ publicKeyPem: signer.publicKeyPem }];
const digest = 'a'.repeat(64);
const predicate: TestResultPredicate = { result: 'PASSED', configuration: [{ name: 'gate-policy', digest: { sha256: digest } }] };
const statement = buildStatement([{ name: 'model:fraud@3', digest: { sha256: digest } }], PredicateType.TestResult, predicate);

function failureOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof VerificationError) return error.failure;
    throw error;
  }
  return 'none';
}

describe(buildStatement.name, () => {
  it('builds an in-toto Statement v1', () => {
    assert.deepEqual(statement, {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'model:fraud@3', digest: { sha256: digest } }],
      predicateType: 'https://in-toto.io/attestation/test-result/v0.1',
      predicate,
    });
  });

  it('refuses an uppercase, short or empty digest and keeps other algorithms', () => {
    assert.throws(() => buildStatement([{ name: 'x', digest: { sha256: 'A'.repeat(64) } }], PredicateType.DriftCheck, {}), /subject\[0\]\.digest\.sha256: a sha256 digest is lowercase hex/);
    assert.throws(() => buildStatement([{ name: 'x', digest: { sha256: 'a'.repeat(60) } }], PredicateType.DriftCheck, {}), /a sha256 digest is 64 hex characters, got 60/);
    assert.throws(() => buildStatement([{ name: 'x', digest: {} }], PredicateType.DriftCheck, {}), /subject\[0\]\.digest is empty/);
    assert.deepEqual(buildStatement([{ name: 'x', digest: { gitCommit: 'a'.repeat(40) } }], PredicateType.DriftCheck, {}).subject, [{ name: 'x', digest: { gitCommit: 'a'.repeat(40) } }]);
  });

  it('refuses a statement without subjects', () => {
    assert.throws(() => buildStatement([], PredicateType.DriftCheck, {}), /at least one subject/);
  });

  it('refuses a predicate type that is not a URI', () => {
    assert.throws(() => buildStatement([{ name: 'x', digest: { sha256: digest } }], 'drift check', {}), /not a URI/);
  });
});

describe('PredicateType', () => {
  it('holds the predicate URIs Assay signs', () => {
    assert.deepEqual(Object.values(PredicateType), [
      'https://in-toto.io/attestation/test-result/v0.1',
      'https://assay.dev/attestation/drift-check/v1',
      'https://assay.dev/attestation/gate-decision/v1',
      'https://assay.dev/attestation/audit-report/v1',
      'https://assay.dev/tiering-report/v1',
      'https://assay.dev/attestation/ledger-entry/v1',
    ]);
  });
});

describe(signStatement.name, () => {
  it('signs the canonical JSON of the statement as an in-toto payload', async () => {
    const envelope = await signStatement(statement, signer);
    const verified = verifyEnvelope(envelope, keys);
    assert.deepEqual(
      { type: verified.payloadType, text: Buffer.from(verified.payload).toString('utf8') },
      { type: IN_TOTO_PAYLOAD_TYPE, text: canonicalize(statement) },
    );
  });
});

describe(openStatement.name, () => {
  it('returns the verified statement', async () => {
    const envelope = await signStatement(statement, signer);
    assert.deepEqual(openStatement(envelope, keys), statement);
  });

  it('checks the predicate type when asked', async () => {
    const envelope = await signStatement(statement, signer);
    const failure = failureOf(() => openStatement(envelope, keys, { predicateType: PredicateType.GateDecision }));
    assert.equal(failure, VerificationFailure.UnexpectedContent);
  });

  it('rejects a statement signed by an untrusted key', async () => {
    const envelope = await signStatement(statement, Ed25519Signer.generate());
    assert.equal(failureOf(() => openStatement(envelope, keys)), VerificationFailure.NoTrustedSignature);
  });

  it('rejects a signed payload of another type', async () => {
    const envelope = await signEnvelope(new TextEncoder().encode(canonicalize(statement)), 'application/json', signer);
    assert.equal(failureOf(() => openStatement(envelope, keys)), VerificationFailure.UnexpectedContent);
  });

  it('rejects signed JSON that is not a Statement v1', async () => {
    const envelope = await signEnvelope(new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v0.1"}'), IN_TOTO_PAYLOAD_TYPE, signer);
    assert.equal(failureOf(() => openStatement(envelope, keys)), VerificationFailure.Malformed);
  });
});
