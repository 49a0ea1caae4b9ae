// DSSE v1 envelopes (secure-systems-lab/dsse protocol.md, envelope.md).
import { verify, type KeyObject } from 'node:crypto';
import { asPlainBytes, fromAnyBase64, toBase64 } from './bytes.js';
import { loadPublicKey } from './public-keys.js';
import type { Signer } from './signer.js';
import { VerificationError, VerificationFailure } from './verification-error.js';

// Each signature may be tried against every trusted key; a cap keeps a hostile envelope from
// costing seconds of CPU. Real envelopes carry one or two.
const MAX_SIGNATURES = 64;

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** Standard base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

export interface TrustedKey {
  /** Defaults to keyIdOf(publicKeyPem). */
  keyId?: string;
  publicKeyPem: string;
}

export interface VerifiedPayload {
  payloadType: string;
  /** Exactly the bytes the signature covers; parse these, never the envelope again. */
  payload: Uint8Array;
  /** Id of the trusted key whose signature verified. */
  keyId: string;
}

/** `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes, decimal. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return asPlainBytes(
    Buffer.concat([
      Buffer.from(`DSSEv1 ${type.byteLength} `, 'ascii'),
      type,
      Buffer.from(` ${payload.byteLength} `, 'ascii'),
      payload,
    ]),
  );
}

export async function signEnvelope(payload: Uint8Array, payloadType: string, signer: Signer): Promise<DsseEnvelope> {
  const sig = await signer.sign(preAuthEncoding(payloadType, payload));
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.keyId, sig: toBase64(sig) }],
  };
}

/**
 * Verifies a DSSE envelope against trusted Ed25519 keys and returns the signed bytes.
 * The keyid of a signature is only a hint: keys it names are tried first, then every other key.
 * One verified signature suffices. Throws VerificationError otherwise.
 */
export function verifyEnvelope(envelope: unknown, publicKeys: readonly TrustedKey[]): VerifiedPayload {
  const { payloadType, payload, signatures } = readEnvelope(envelope);
  const keys = publicKeys.map(loadTrustedKey);
  if (keys.length === 0) throw new VerificationError(VerificationFailure.NoTrustedSignature, 'no trusted keys given');
  const pae = preAuthEncoding(payloadType, payload);
  for (const signature of signatures) {
    const hinted = keys.filter((key) => key.keyId === signature.keyid);
    const others = keys.filter((key) => key.keyId !== signature.keyid);
    for (const key of [...hinted, ...others]) {
      if (verify(null, pae, key.publicKey, signature.sig)) return { payloadType, payload, keyId: key.keyId };
    }
  }
  throw new VerificationError(
    VerificationFailure.NoTrustedSignature,
    `none of the ${signatures.length} signature(s) verifies with any of the ${keys.length} trusted key(s)`,
  );
}

interface DecodedSignature {
  keyid: string | undefined;
  sig: Uint8Array;
}

function readEnvelope(envelope: unknown): { payloadType: string; payload: Uint8Array; signatures: DecodedSignature[] } {
  if (!isRecord(envelope)) throw malformed('envelope is not an object');
  const { payloadType, payload, signatures } = envelope;
  if (typeof payloadType !== 'string') throw malformed('payloadType is not a string');
  if (typeof payload !== 'string') throw malformed('payload is not a string');
  const payloadBytes = fromAnyBase64(payload);
  if (payloadBytes === undefined) throw malformed('payload is not base64');
  if (!Array.isArray(signatures) || signatures.length === 0) throw malformed('signatures is not a non-empty array');
  if (signatures.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const decoded = signatures.map((signature: unknown, i): DecodedSignature => {
    if (!isRecord(signature)) throw malformed(`signatures[${i}] is not an object`);
    const { keyid, sig } = signature;
    if (keyid !== undefined && typeof keyid !== 'string') throw malformed(`signatures[${i}].keyid is not a string`);
    if (typeof sig !== 'string') throw malformed(`signatures[${i}].sig is not a string`);
    const sigBytes = fromAnyBase64(sig);
    if (sigBytes === undefined) throw malformed(`signatures[${i}].sig is not base64`);
    return { keyid, sig: sigBytes };
  });
  return { payloadType, payload: payloadBytes, signatures: decoded };
}

function loadTrustedKey(key: TrustedKey): { keyId: string; publicKey: KeyObject } {
  const loaded = loadPublicKey(key.publicKeyPem);
  if (loaded.key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`trusted key ${key.keyId ?? ''} is ${loaded.key.asymmetricKeyType}, only Ed25519 is supported`);
  }
  return { keyId: key.keyId ?? loaded.keyId, publicKey: loaded.key };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(reason: string): VerificationError {
  return new VerificationError(VerificationFailure.Malformed, `malformed DSSE envelope: ${reason}`);
}
