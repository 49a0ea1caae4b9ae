import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { scramSha256Verifier } from './scram-verifier.js';

// The exchange of RFC 7677 section 3 (user "user", password "pencil"): a server holding the verifier
// must accept the client's proof and answer with the RFC's server signature.
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const NONCE = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const AUTH_MESSAGE = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${NONCE}`;
const CLIENT_PROOF = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
const SERVER_SIGNATURE = '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe(scramSha256Verifier.name, () => {
  it("verifies RFC 7677's client proof and produces its server signature", () => {
    const sut = scramSha256Verifier('pencil', SALT, 4096);
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(sut);
    assert.ok(match, sut);
    assert.equal(match[1], SALT.toString('base64'));
    const storedKey = Buffer.from(match[2]!, 'base64');
    const serverKey = Buffer.from(match[3]!, 'base64');
    const clientSignature = createHmac('sha256', storedKey).update(AUTH_MESSAGE).digest();
    const clientKey = Buffer.from(CLIENT_PROOF.map((byte, i) => byte ^ clientSignature[i]!));
    assert.deepEqual(createHash('sha256').update(clientKey).digest(), storedKey);
    assert.equal(createHmac('sha256', serverKey).update(AUTH_MESSAGE).digest('base64'), SERVER_SIGNATURE);
  });

  it('salts each verifier afresh', () => {
    assert.notEqual(scramSha256Verifier('pencil'), scramSha256Verifier('pencil'));
  });

  it('refuses a password it cannot prepare as PostgreSQL would', () => {
    assert.throws(() => scramSha256Verifier('pässword'), /printable ASCII/);
    assert.throws(() => scramSha256Verifier(''), /printable ASCII/);
  });
});
