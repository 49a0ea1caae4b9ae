import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { Ed25519Signer, ed25519PublicKeyPem, ed25519PublicKeyRaw, keyIdOf } from './signer.js';

describe(keyIdOf.name, () => {
  it('is the first 16 hex characters of SHA-256 over the DER SubjectPublicKeyInfo', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const der = publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(keyIdOf(pem), createHash('sha256').update(der).digest('hex').slice(0, 16));
  });

  it('does not depend on how the PEM is wrapped', () => {
    const pem = Ed25519Signer.generate().publicKeyPem;
    assert.equal(keyIdOf(pem.replace(/\n/g, '\r\n')), keyIdOf(pem));
  });
});

describe(Ed25519Signer.name, () => {
  it('signs so that node:crypto verifies with the published public key', async () => {
    const sut = Ed25519Signer.generate();
    const data = new TextEncoder().encode('gate decision');
    const signature = await sut.sign(data);
    assert.equal(verify(null, data, createPublicKey(sut.publicKeyPem), signature), true);
  });

  it('gives its key id from its public key', () => {
    const sut = Ed25519Signer.generate();
    assert.equal(sut.keyId, keyIdOf(sut.publicKeyPem));
  });

  it('round-trips through its private key PEM', async () => {
    const original = Ed25519Signer.generate();
    const sut = Ed25519Signer.fromPrivateKeyPem(original.privateKeyPem());
    const data = Uint8Array.of(1, 2, 3);
    assert.deepEqual(await sut.sign(data), await original.sign(data));
  });

  it('writes a PKCS#8 private key PEM', () => {
    assert.match(Ed25519Signer.generate().privateKeyPem(), /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('refuses a key of another algorithm', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => Ed25519Signer.fromPrivateKeyPem(pem), /expected an Ed25519 key, got ec/);
  });

  it('leaves the private key out of its JSON form', () => {
    const sut = Ed25519Signer.generate();
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(sut)) as object).sort(), ['algorithm', 'keyId', 'publicKeyPem']);
  });
});

describe(ed25519PublicKeyRaw.name, () => {
  it('is the 32-byte key that the JWK form carries', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = publicKey.export({ format: 'jwk' });
    assert.deepEqual(ed25519PublicKeyRaw(pem), new Uint8Array(Buffer.from(jwk.x!, 'base64url')));
  });
});

describe(ed25519PublicKeyPem.name, () => {
  it('inverts ed25519PublicKeyRaw', () => {
    const pem = Ed25519Signer.generate().publicKeyPem;
    assert.equal(ed25519PublicKeyPem(ed25519PublicKeyRaw(pem)), pem);
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => ed25519PublicKeyPem(new Uint8Array(31)), /32 bytes/);
  });
});
