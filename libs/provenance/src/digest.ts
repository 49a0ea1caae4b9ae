import { createHash } from 'node:crypto';
import { canonicalBytes } from './canonical-json.js';
import { asPlainBytes } from './bytes.js';

export function sha256(bytes: Uint8Array): Uint8Array {
  return asPlainBytes(createHash('sha256').update(bytes).digest());
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lowercase hex SHA-256 of the value's RFC 8785 canonical UTF-8 bytes: the digest Assay records for any JSON record. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalBytes(value));
}
