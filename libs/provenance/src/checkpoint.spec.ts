import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCheckpointBody, parseCheckpoint, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { leafHash } from './merkle/merkle-hash.js';
import { c2spOpen } from './note.testing.js';
import { Ed25519Signer, ed25519PublicKeyRaw } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

const origin = 'assay.example/ledger/prod';
const rootHash = leafHash(new TextEncoder().encode('root'));
const rootBase64 = Buffer.from(rootHash).toString('base64');
const signer = Ed25519Signer.generate();
const key = { keyName: origin, publicKeyPem: signer.publicKeyPem };

// The example of c2sp.org/tlog-checkpoint.
const specExample =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

function failureOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof VerificationError) return error.failure;
    throw error;
  }
  return 'none';
}

describe(encodeCheckpointBody.name, () => {
  it('writes origin, tree size and base64 root hash, one per line', () => {
    assert.equal(encodeCheckpointBody({ origin, treeSize: 1234, rootHash }), `${origin}\n1234\n${rootBase64}\n`);
  });

  it('appends extension lines', () => {
    const sut = encodeCheckpointBody({ origin, treeSize: 0, rootHash, extensions: ['Timestamp: 1'] });
    assert.equal(sut, `${origin}\n0\n${rootBase64}\nTimestamp: 1\n`);
  });

  it('refuses an origin with a newline', () => {
    assert.throws(() => encodeCheckpointBody({ origin: 'a\nb', treeSize: 1, rootHash }), /origin/);
  });

  it('refuses a root hash that is not 32 bytes', () => {
    assert.throws(() => encodeCheckpointBody({ origin, treeSize: 1, rootHash: new Uint8Array(20) }), /32 bytes/);
  });

  it('refuses a negative tree size', () => {
    assert.throws(() => encodeCheckpointBody({ origin, treeSize: -1, rootHash }), /tree size/);
  });
});

describe(signCheckpoint.name, () => {
  it('writes a note that the C2SP reference reading verifies', async () => {
    const body = encodeCheckpointBody({ origin, treeSize: 42, rootHash });
    const note = await signCheckpoint(body, origin, signer);
    assert.equal(c2spOpen(note, origin, ed25519PublicKeyRaw(signer.publicKeyPem)), body);
  });

  it('puts an em dash signature line after a blank line', async () => {
    const body = encodeCheckpointBody({ origin, treeSize: 42, rootHash });
    const note = await signCheckpoint(body, origin, signer);
    assert.match(note.slice(body.length), new RegExp(`^\\n\u2014 ${origin} [A-Za-z0-9+/]{91}=\\n$`));
  });

  it('refuses a body that is not a checkpoint', async () => {
    await assert.rejects(signCheckpoint('just one line\n', origin, signer), /not a checkpoint body/);
  });
});

describe(parseCheckpoint.name, () => {
  it('reads the example of the tlog-checkpoint specification', () => {
    const sut = parseCheckpoint(specExample);
    assert.deepEqual(
      { origin: sut.origin, treeSize: sut.treeSize, root: Buffer.from(sut.rootHash).toString('base64'), signer: sut.signatures[0]!.keyName },
      { origin: 'example.com/behind-the-sofa', treeSize: 20852163, root: 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', signer: 'example.com/behind-the-sofa' },
    );
  });

  it('refuses a tree size with a leading zero', () => {
    assert.equal(failureOf(() => parseCheckpoint(specExample.replace('\n20852163\n', '\n020852163\n'))), VerificationFailure.Malformed);
  });

  it('refuses a root hash that is not 32 bytes', () => {
    assert.equal(failureOf(() => parseCheckpoint(specExample.replace('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'AAAA'))), VerificationFailure.Malformed);
  });
});

describe(verifyCheckpoint.name, () => {
  it('returns the signed tree head', async () => {
    const note = await signCheckpoint(encodeCheckpointBody({ origin, treeSize: 7, rootHash, extensions: ['x'] }), origin, signer);
    assert.deepEqual(verifyCheckpoint(note, key), { origin, treeSize: 7, rootHash, extensions: ['x'] });
  });

  it('rejects a changed tree size', async () => {
    const note = await signCheckpoint(encodeCheckpointBody({ origin, treeSize: 7, rootHash }), origin, signer);
    assert.equal(failureOf(() => verifyCheckpoint(note.replace('\n7\n', '\n8\n'), key)), VerificationFailure.BadSignature);
  });

  it('rejects a checkpoint signed by another key under the same name', async () => {
    const note = await signCheckpoint(encodeCheckpointBody({ origin, treeSize: 7, rootHash }), origin, Ed25519Signer.generate());
    assert.equal(failureOf(() => verifyCheckpoint(note, key)), VerificationFailure.NoTrustedSignature);
  });

  it('rejects another origin when one is expected', async () => {
    const note = await signCheckpoint(encodeCheckpointBody({ origin: 'other.example/log', treeSize: 7, rootHash }), origin, signer);
    assert.equal(failureOf(() => verifyCheckpoint(note, { ...key, origin })), VerificationFailure.UnexpectedContent);
  });

  it('accepts a checkpoint cosigned by a witness', async () => {
    const body = encodeCheckpointBody({ origin, treeSize: 7, rootHash });
    const ours = await signCheckpoint(body, origin, signer);
    const witness = await signCheckpoint(body, 'witness.example/w1', Ed25519Signer.generate());
    assert.equal(verifyCheckpoint(ours + witness.slice(body.length + 1), key).treeSize, 7);
  });
});
