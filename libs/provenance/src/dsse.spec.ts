import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dsse } from '@sigstore/core';
import { preAuthEncoding, signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse.js';
import { Ed25519Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const signer = Ed25519Signer.generate();
const otherSigner = Ed25519Signer.generate();
const payload = text('{"hello":"world"}');
const payloadType = 'application/vnd.in-toto+json';

function failureOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof VerificationError) return error.failure;
    throw error;
  }
  return 'none';
}

describe(preAuthEncoding.name, () => {
  it('matches the example of the DSSE specification', () => {
    const sut = preAuthEncoding('http://example.com/HelloWorld', text('hello world'));
    assert.equal(Buffer.from(sut).toString('utf8'), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('matches @sigstore/core for ASCII, multi-byte and empty inputs', () => {
    const cases: Array<[string, Uint8Array]> = [
      [payloadType, payload],
      ['application/x-ünïcødé', text('€ and 😀')],
      ['', new Uint8Array()],
      ['t', Uint8Array.from({ length: 1000 }, (_, i) => i % 256)],
    ];
    for (const [type, body] of cases) {
      assert.deepEqual(Buffer.from(preAuthEncoding(type, body)), dsse.preAuthEncoding(type, Buffer.from(body)), type);
    }
  });

  it('counts the payload type length in bytes, not characters', () => {
    assert.equal(Buffer.from(preAuthEncoding('é', new Uint8Array())).toString('utf8'), 'DSSEv1 2 é 0 ');
  });
});

describe(signEnvelope.name, () => {
  it('writes the payload as standard base64 and the signer key id as keyid', async () => {
    const sut = await signEnvelope(payload, payloadType, signer);
    assert.deepEqual(
      { payloadType: sut.payloadType, payload: sut.payload, keyid: sut.signatures[0]!.keyid, count: sut.signatures.length },
      { payloadType, payload: Buffer.from(payload).toString('base64'), keyid: signer.keyId, count: 1 },
    );
  });
});

describe(verifyEnvelope.name, () => {
  it('returns the signed bytes and the key that verified', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const sut = verifyEnvelope(envelope, [{ publicKeyPem: signer.publicKeyPem }]);
    assert.deepEqual(sut, { payloadType, payload, keyId: signer.keyId });
  });

  it('accepts URL-safe base64 without padding', async () => {
    const body = Uint8Array.from([0xfb, 0xff, 0xfe, 0x00]);
    const envelope = await signEnvelope(body, payloadType, signer);
    const urlSafe: DsseEnvelope = {
      ...envelope,
      payload: Buffer.from(body).toString('base64url'),
      signatures: envelope.signatures.map((s) => ({ ...s, sig: Buffer.from(s.sig, 'base64').toString('base64url') })),
    };
    assert.deepEqual(verifyEnvelope(urlSafe, [{ publicKeyPem: signer.publicKeyPem }]).payload, body);
  });

  it('treats keyid as a hint and tries every key', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    envelope.signatures[0]!.keyid = otherSigner.keyId;
    const keys = [{ publicKeyPem: otherSigner.publicKeyPem }, { publicKeyPem: signer.publicKeyPem }];
    assert.equal(verifyEnvelope(envelope, keys).keyId, signer.keyId);
  });

  it('accepts a signature without keyid', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const { sig } = envelope.signatures[0]!;
    assert.equal(verifyEnvelope({ ...envelope, signatures: [{ sig }] }, [{ publicKeyPem: signer.publicKeyPem }]).keyId, signer.keyId);
  });

  it('reports the key id the caller gave for the key', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    assert.equal(verifyEnvelope(envelope, [{ keyId: 'k-2026', publicKeyPem: signer.publicKeyPem }]).keyId, 'k-2026');
  });

  it('accepts the envelope when a later signature verifies', async () => {
    const ours = await signEnvelope(payload, payloadType, signer);
    const theirs = await signEnvelope(payload, payloadType, otherSigner);
    const both = { ...ours, signatures: [...theirs.signatures, ...ours.signatures] };
    assert.equal(verifyEnvelope(both, [{ publicKeyPem: signer.publicKeyPem }]).keyId, signer.keyId);
  });

  it('rejects a signature by an untrusted key', async () => {
    const envelope = await signEnvelope(payload, payloadType, otherSigner);
    const failure = failureOf(() => verifyEnvelope(envelope, [{ publicKeyPem: signer.publicKeyPem }]));
    assert.equal(failure, VerificationFailure.NoTrustedSignature);
  });

  it('rejects a changed payload', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const changed = { ...envelope, payload: Buffer.from('{"hello":"World"}').toString('base64') };
    assert.equal(failureOf(() => verifyEnvelope(changed, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.NoTrustedSignature);
  });

  it('rejects a changed payload type, which the signature covers through PAE', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const changed = { ...envelope, payloadType: 'application/json' };
    assert.equal(failureOf(() => verifyEnvelope(changed, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.NoTrustedSignature);
  });

  it('rejects a signature over the bare payload instead of PAE', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const bare = { ...envelope, signatures: [{ keyid: signer.keyId, sig: Buffer.from(await signer.sign(payload)).toString('base64') }] };
    assert.equal(failureOf(() => verifyEnvelope(bare, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.NoTrustedSignature);
  });

  it('rejects a payload that is not base64 instead of decoding what it can', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const dirty = { ...envelope, payload: `${envelope.payload.slice(0, 4)}!${envelope.payload.slice(4)}` };
    assert.equal(failureOf(() => verifyEnvelope(dirty, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.Malformed);
  });

  it('rejects an envelope without signatures', () => {
    const empty = { payloadType, payload: '', signatures: [] };
    assert.equal(failureOf(() => verifyEnvelope(empty, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.Malformed);
  });

  it('rejects an envelope with more than 64 signatures', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    const crowded = { ...envelope, signatures: Array.from({ length: 65 }, () => envelope.signatures[0]!) };
    assert.equal(failureOf(() => verifyEnvelope(crowded, [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.Malformed);
  });

  it('rejects something that is not an envelope', () => {
    assert.equal(failureOf(() => verifyEnvelope('{}', [{ publicKeyPem: signer.publicKeyPem }])), VerificationFailure.Malformed);
  });

  it('rejects when no keys are trusted', async () => {
    const envelope = await signEnvelope(payload, payloadType, signer);
    assert.equal(failureOf(() => verifyEnvelope(envelope, [])), VerificationFailure.NoTrustedSignature);
  });
});
