// C2SP signed-note (c2sp.org/signed-note), Ed25519 signatures only (signature type 0x01).
import { verify } from 'node:crypto';
import { bytesEqual, concatBytes, fromStandardBase64, toBase64, toHex } from './bytes.js';
import { sha256 } from './digest.js';
import { loadPublicKey } from './public-keys.js';
import { ed25519PublicKeyPem, ed25519PublicKeyRaw, type Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

const ED25519_SIGNATURE_TYPE = 0x01;
const SIGNATURE_LINE_PREFIX = '\u2014 ';
// The spec asks verifiers to accept at least 16 signatures and to cap them; Go's note package caps at 100.
const MAX_SIGNATURES = 100;
const CONTROL_OTHER_THAN_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface NoteSignature {
  keyName: string;
  /** The 4-byte key id that prefixes the signature. */
  keyId: Uint8Array;
  signature: Uint8Array;
}

/** A note split into its text and signatures. Nothing here is verified yet. */
export interface ParsedNote {
  /** The signed text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface NoteKey {
  keyName: string;
  publicKeyPem: string;
}

/** `SHA-256(name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]`. */
export function noteKeyId(keyName: string, publicKeyRaw: Uint8Array): Uint8Array {
  assertKeyName(keyName);
  assertRawKey(publicKeyRaw);
  const digest = sha256(
    concatBytes(Buffer.from(`${keyName}\n`, 'utf8'), Uint8Array.of(ED25519_SIGNATURE_TYPE), publicKeyRaw),
  );
  return digest.slice(0, 4);
}

/** The verifier key string of Go's note package and its kin: `name+hex(key id)+base64(0x01 || key)`. */
export function verifierKey(keyName: string, publicKeyRaw: Uint8Array): string {
  const id = toHex(noteKeyId(keyName, publicKeyRaw));
  return `${keyName}+${id}+${toBase64(concatBytes(Uint8Array.of(ED25519_SIGNATURE_TYPE), publicKeyRaw))}`;
}

export function parseVerifierKey(vkey: string): NoteKey & { publicKeyRaw: Uint8Array } {
  const [keyName, id, encoded, ...rest] = vkey.split('+');
  // The base64 part may itself hold '+'.
  const material = fromStandardBase64([encoded, ...rest].join('+'));
  if (keyName === undefined || id === undefined || material === undefined || !/^[0-9a-f]{8}$/.test(id)) {
    throw new TypeError('not a verifier key of the form name+hexid+base64key');
  }
  if (material.byteLength !== 33 || material[0] !== ED25519_SIGNATURE_TYPE) {
    throw new TypeError('verifier key is not an Ed25519 (type 0x01) key');
  }
  const publicKeyRaw = material.slice(1);
  if (toHex(noteKeyId(keyName, publicKeyRaw)) !== id) throw new TypeError('verifier key id does not match its key');
  return { keyName, publicKeyRaw, publicKeyPem: ed25519PublicKeyPem(publicKeyRaw) };
}

/** Signs `text` (which must end in a newline) and returns the whole note. */
export async function signNote(text: string, keyName: string, signer: Signer): Promise<string> {
  assertNoteText(text);
  const keyId = noteKeyId(keyName, ed25519PublicKeyRaw(signer.publicKeyPem));
  const signature = await signer.sign(Buffer.from(text, 'utf8'));
  return `${text}\n${SIGNATURE_LINE_PREFIX}${keyName} ${toBase64(concatBytes(keyId, signature))}\n`;
}

export function parseNote(note: string): ParsedNote {
  if (CONTROL_OTHER_THAN_NEWLINE.test(note) || LONE_SURROGATE.test(note)) {
    throw malformed('holds control characters or invalid UTF-16');
  }
  // The text ends at the last blank line; the text itself may contain blank lines.
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw malformed('has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_LINE_PREFIX)) throw malformed('has a signature line without the em dash');
    const fields = line.slice(SIGNATURE_LINE_PREFIX.length).split(' ');
    const [keyName, encoded] = fields;
    if (fields.length !== 2 || keyName === undefined || !isKeyName(keyName)) throw malformed('has a bad key name');
    const blob = fromStandardBase64(encoded ?? '');
    if (blob === undefined || blob.byteLength < 5) throw malformed('has a signature that is not base64 of id and signature');
    return { keyName, keyId: blob.slice(0, 4), signature: blob.slice(4) };
  });
  return { text, signatures };
}

/**
 * Returns the note's text once a signature by the given key verifies. Signatures by other keys
 * are ignored (they may be witnesses or a rotated key); a failing signature by this key rejects
 * the whole note, as the spec recommends.
 */
export function verifyNote(note: string, key: NoteKey): string {
  const { text, signatures } = parseNote(note);
  const publicKeyRaw = ed25519PublicKeyRaw(key.publicKeyPem);
  const keyId = noteKeyId(key.keyName, publicKeyRaw);
  const ours = signatures.filter((sig) => sig.keyName === key.keyName && bytesEqual(sig.keyId, keyId));
  if (ours.length === 0) {
    throw new VerificationError(VerificationFailure.NoTrustedSignature, `note is not signed by ${key.keyName}`);
  }
  const textBytes = Buffer.from(text, 'utf8');
  for (const sig of ours) {
    if (!verify(null, textBytes, loadPublicKey(key.publicKeyPem).key, sig.signature)) {
      throw new VerificationError(VerificationFailure.BadSignature, `signature by ${key.keyName} does not verify`);
    }
  }
  return text;
}

function isKeyName(keyName: string): boolean {
  return keyName.length > 0 && !/[\s+]/u.test(keyName);
}

function assertKeyName(keyName: string): void {
  if (!isKeyName(keyName)) throw new TypeError(`key name ${JSON.stringify(keyName)} is empty or holds a space or '+'`);
}

function assertRawKey(publicKeyRaw: Uint8Array): void {
  if (publicKeyRaw.byteLength !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new TypeError('note text must end with a newline');
  if (CONTROL_OTHER_THAN_NEWLINE.test(text) || LONE_SURROGATE.test(text)) {
    throw new TypeError('note text must not hold control characters other than newline');
  }
}

function malformed(reason: string): VerificationError {
  return new VerificationError(VerificationFailure.Malformed, `malformed signed note: ${reason}`);
}
