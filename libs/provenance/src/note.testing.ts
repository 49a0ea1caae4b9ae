// An independent, minimal signed-note verifier written from the C2SP signed-note text
// (c2sp.org/signed-note), so the tests do not check Assay's notes with Assay's own parser.
import { createHash, createPublicKey, verify } from 'node:crypto';

/** Returns the note text when `keyName`'s Ed25519 key signed it, otherwise null. */
export function c2spOpen(note: string, keyName: string, publicKeyRaw: Uint8Array): string | null {
  // "the text is separated from the signatures by the last empty line in the note"
  const separator = note.lastIndexOf('\n\n');
  if (separator < 0) return null;
  const text = note.slice(0, separator + 1);
  const signatureLines = note.slice(separator + 2).split('\n');
  // "followed by one or more signature lines of this form: em dash, space, key name, space, base64 signature, newline"
  if (signatureLines.pop() !== '') return null;
  // "key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]"
  const keyId = createHash('sha256').update(keyName).update('\n').update(Uint8Array.of(1)).update(publicKeyRaw).digest().subarray(0, 4);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyRaw).toString('base64url') }, format: 'jwk' });
  let verified = false;
  for (const line of signatureLines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (match === null) return null;
    const blob = Buffer.from(match[2]!, 'base64');
    // "Verifiers MUST ignore signatures from unknown keys"
    if (match[1] !== keyName || !blob.subarray(0, 4).equals(keyId)) continue;
    // "Ed25519 signatures are generated according to RFC 8032 over the note text"
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4))) return null;
    verified = true;
  }
  return verified ? text : null;
}
