import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { c2spOpen } from './note.testing.js';
import { noteKeyId, parseNote, parseVerifierKey, signNote, verifierKey, verifyNote } from './signed-note.js';
import { Ed25519Signer, ed25519PublicKeyRaw } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

// The example of Go's golang.org/x/mod/sumdb/note (and of C2SP signed-note's implementations).
const goSignerKey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const goVerifierKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const goNote = `${goText}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function goSigner(): Ed25519Signer {
  const seed = Buffer.from(goSignerKey.split('+').slice(4).join('+'), 'base64').subarray(1);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const pem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return Ed25519Signer.fromPrivateKeyPem(pem);
}

const signer = Ed25519Signer.generate();
const key = { keyName: 'assay.example/log', publicKeyPem: signer.publicKeyPem };

function failureOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof VerificationError) return error.failure;
    throw error;
  }
  return 'none';
}

describe(noteKeyId.name, () => {
  it("gives the key id of Go's PeterNeumann example key", () => {
    const sut = noteKeyId('PeterNeumann', ed25519PublicKeyRaw(goSigner().publicKeyPem));
    assert.equal(Buffer.from(sut).toString('hex'), 'c74f20a3');
  });
});

describe(verifierKey.name, () => {
  it("writes Go's PeterNeumann verifier key", () => {
    assert.equal(verifierKey('PeterNeumann', ed25519PublicKeyRaw(goSigner().publicKeyPem)), goVerifierKey);
  });

  it('refuses a key name with a plus', () => {
    assert.throws(() => verifierKey('a+b', new Uint8Array(32)), /space or '\+'/);
  });
});

describe(parseVerifierKey.name, () => {
  it("reads Go's PeterNeumann verifier key", () => {
    const sut = parseVerifierKey(goVerifierKey);
    assert.deepEqual({ keyName: sut.keyName, publicKeyPem: sut.publicKeyPem }, { keyName: 'PeterNeumann', publicKeyPem: goSigner().publicKeyPem });
  });

  it('refuses a verifier key whose id does not match its key', () => {
    assert.throws(() => parseVerifierKey(goVerifierKey.replace('c74f20a3', 'c74f20a4')), /does not match/);
  });
});

describe(signNote.name, () => {
  it("reproduces Go's signed example note byte for byte", async () => {
    assert.equal(await signNote(goText, 'PeterNeumann', goSigner()), goNote);
  });

  it('writes a note that the C2SP reference reading verifies', async () => {
    const note = await signNote('hello\n\nworld\n', key.keyName, signer);
    assert.equal(c2spOpen(note, key.keyName, ed25519PublicKeyRaw(signer.publicKeyPem)), 'hello\n\nworld\n');
  });

  it('refuses text without a final newline', async () => {
    await assert.rejects(signNote('hello', key.keyName, signer), /end with a newline/);
  });
});

describe(parseNote.name, () => {
  it('splits at the last blank line', () => {
    const sut = parseNote(goNote);
    assert.deepEqual(
      { text: sut.text, names: sut.signatures.map((s) => s.keyName), id: Buffer.from(sut.signatures[0]!.keyId).toString('hex') },
      { text: goText, names: ['PeterNeumann'], id: 'c74f20a3' },
    );
  });

  it('refuses a note without signatures', () => {
    assert.equal(failureOf(() => parseNote(`${goText}\n`)), VerificationFailure.Malformed);
  });

  it('refuses control characters other than newline', () => {
    assert.equal(failureOf(() => parseNote(goNote.replace('If you', 'If\tyou'))), VerificationFailure.Malformed);
  });

  it('refuses a signature line that starts with a hyphen instead of the em dash', () => {
    assert.equal(failureOf(() => parseNote(goNote.replace('\u2014', '-'))), VerificationFailure.Malformed);
  });
});

describe(verifyNote.name, () => {
  it("verifies Go's signed example note", () => {
    const { keyName, publicKeyPem } = parseVerifierKey(goVerifierKey);
    assert.equal(verifyNote(goNote, { keyName, publicKeyPem }), goText);
  });

  it('rejects a changed text', () => {
    const { keyName, publicKeyPem } = parseVerifierKey(goVerifierKey);
    const failure = failureOf(() => verifyNote(goNote.replace('cryptography', 'cryptographY'), { keyName, publicKeyPem }));
    assert.equal(failure, VerificationFailure.BadSignature);
  });

  it('ignores signatures by other keys, such as witnesses', async () => {
    const ours = await signNote('text\n', key.keyName, signer);
    const witness = await signNote('text\n', 'witness.example', Ed25519Signer.generate());
    const cosigned = `${witness}${ours.slice('text\n\n'.length)}`;
    assert.equal(verifyNote(cosigned, key), 'text\n');
  });

  it('ignores a signature with our key name but another key id', async () => {
    const impostor = await signNote('text\n', key.keyName, Ed25519Signer.generate());
    assert.equal(failureOf(() => verifyNote(impostor, key)), VerificationFailure.NoTrustedSignature);
  });

  it('rejects a note signed only by other keys', () => {
    assert.equal(failureOf(() => verifyNote(goNote, key)), VerificationFailure.NoTrustedSignature);
  });
});
