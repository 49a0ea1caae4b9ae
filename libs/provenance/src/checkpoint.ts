// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): a signed note whose text is a tree head.
import { fromStandardBase64, toBase64 } from './bytes.js';
import { HASH_SIZE } from './merkle/merkle-hash.js';
import { parseNote, signNote, verifyNote, type NoteKey, type NoteSignature } from './signed-note.js';
import type { Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  /** Opaque extra lines; not recommended by the spec, kept for compatibility. */
  extensions?: string[];
}

export interface ParsedCheckpoint extends Required<Checkpoint> {
  /** The note text, including its final newline. */
  body: string;
  signatures: NoteSignature[];
}

export interface CheckpointKey extends NoteKey {
  /** When given, the checkpoint's origin line must equal it. */
  origin?: string;
}

const TREE_SIZE = /^(?:0|[1-9][0-9]*)$/;

/** `<origin>\n<tree size>\n<base64 root hash>\n` followed by any extension lines. */
export function encodeCheckpointBody(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) throw new TypeError('origin must be a non-empty line');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new TypeError(`bad tree size ${treeSize}`);
  if (rootHash.byteLength !== HASH_SIZE) throw new TypeError(`root hash must be ${HASH_SIZE} bytes`);
  if (!extensions.every(isLine)) throw new TypeError('extension lines must be non-empty lines');
  return [origin, String(treeSize), toBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Signs an encoded checkpoint body; returns the full note text. The key name should be the origin. */
export async function signCheckpoint(body: string, keyName: string, signer: Signer): Promise<string> {
  readBody(body, (reason) => new TypeError(`not a checkpoint body: ${reason}`));
  return signNote(body, keyName, signer);
}

/** Reads a checkpoint note WITHOUT verifying it: use verifyCheckpoint before trusting anything in it. */
export function parseCheckpoint(note: string): ParsedCheckpoint {
  const { text, signatures } = parseNote(note);
  return { ...readBody(text, malformed), body: text, signatures };
}

export function verifyCheckpoint(note: string, key: CheckpointKey): Required<Checkpoint> {
  const checkpoint = readBody(verifyNote(note, key), malformed);
  if (key.origin !== undefined && checkpoint.origin !== key.origin) {
    throw new VerificationError(
      VerificationFailure.UnexpectedContent,
      `checkpoint origin is ${checkpoint.origin}, expected ${key.origin}`,
    );
  }
  return checkpoint;
}

function readBody(body: string, fail: (reason: string) => Error): Required<Checkpoint> {
  if (!body.endsWith('\n')) throw fail('does not end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw fail('has fewer than three lines');
  if (lines.some((line) => line.length === 0)) throw fail('has an empty line');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  const treeSize = Number(size);
  if (!TREE_SIZE.test(size) || !Number.isSafeInteger(treeSize)) throw fail(`tree size ${size} is not a decimal count`);
  const rootHash = fromStandardBase64(root);
  if (rootHash === undefined || rootHash.byteLength !== HASH_SIZE) throw fail('root hash is not base64 of 32 bytes');
  return { origin, treeSize, rootHash, extensions };
}

function isLine(text: string): boolean {
  return typeof text === 'string' && text.length > 0 && !/[\u0000-\u001f]/.test(text);
}

function malformed(reason: string): VerificationError {
  return new VerificationError(VerificationFailure.Malformed, `malformed checkpoint: ${reason}`);
}
