import { createPublicKey, type KeyObject } from 'node:crypto';
import { sha256Hex } from './digest.js';

export interface LoadedPublicKey {
  key: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  keyId: string;
}

// Parsing a PEM and exporting its DER each cost ~90 µs in OpenSSL 3, more than an Ed25519
// verification; verifiers see the same few published keys over and over.
const CACHE_LIMIT = 256;
const cache = new Map<string, LoadedPublicKey>();

export function loadPublicKey(publicKeyPem: string): LoadedPublicKey {
  const cached = cache.get(publicKeyPem);
  if (cached !== undefined) return cached;
  const loaded = describePublicKey(createPublicKey(publicKeyPem));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(publicKeyPem, loaded);
  return loaded;
}

export function describePublicKey(key: KeyObject): LoadedPublicKey {
  const der = key.export({ type: 'spki', format: 'der' });
  const spki = new Uint8Array(der.buffer, der.byteOffset, der.byteLength);
  return { key, spki, keyId: sha256Hex(spki).slice(0, 16) };
}
