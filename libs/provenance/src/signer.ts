import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { asPlainBytes, concatBytes } from './bytes.js';
import { describePublicKey, loadPublicKey } from './public-keys.js';

/**
 * Anything that can sign for Assay. Asynchronous so that a cloud KMS can stand behind it;
 * the private key never has to be in this process.
 */
export interface Signer {
  readonly keyId: string;
  readonly algorithm: 'ed25519';
  readonly publicKeyPem: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

// An Ed25519 SubjectPublicKeyInfo is this fixed 12-byte header followed by the 32-byte key (RFC 8410).
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/**
 * Assay's key id: the first 16 lowercase hex characters (8 bytes) of SHA-256 over the public
 * key's DER SubjectPublicKeyInfo. Stable across PEM re-wrapping, since it hashes the DER.
 */
export function keyIdOf(publicKeyPem: string): string {
  return loadPublicKey(publicKeyPem).keyId;
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key given as PEM. */
export function ed25519PublicKeyRaw(publicKeyPem: string): Uint8Array {
  const { key, spki } = loadPublicKey(publicKeyPem);
  assertEd25519(key);
  return spki.slice(ED25519_SPKI_PREFIX.length);
}

export function ed25519PublicKeyPem(publicKeyRaw: Uint8Array): string {
  if (publicKeyRaw.byteLength !== 32) throw new TypeError(`an Ed25519 public key is 32 bytes, got ${publicKeyRaw.byteLength}`);
  const der = Buffer.from(concatBytes(ED25519_SPKI_PREFIX, publicKeyRaw));
  return createPublicKey({ key: der, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

export class Ed25519Signer implements Signer {
  readonly algorithm = 'ed25519' as const;
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly #privateKey: KeyObject;

  private constructor(privateKey: KeyObject) {
    assertEd25519(privateKey);
    this.#privateKey = privateKey;
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = describePublicKey(publicKey).keyId;
  }

  /** Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm ed25519` writes). */
  static fromPrivateKeyPem(pem: string): Ed25519Signer {
    return new Ed25519Signer(createPrivateKey({ key: pem, format: 'pem' }));
  }

  static generate(): Ed25519Signer {
    return new Ed25519Signer(generateKeyPairSync('ed25519').privateKey);
  }

  /** PKCS#8 PEM of the private key, for the key-file writer only. Never log or return it. */
  privateKeyPem(): string {
    return this.#privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return asPlainBytes(sign(null, data, this.#privateKey));
  }

  toJSON(): { keyId: string; algorithm: 'ed25519'; publicKeyPem: string } {
    return { keyId: this.keyId, algorithm: this.algorithm, publicKeyPem: this.publicKeyPem };
  }
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
}
