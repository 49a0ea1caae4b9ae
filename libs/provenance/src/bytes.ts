// Byte helpers shared by the formats. Results are plain Uint8Arrays (never Buffers) so callers
// can compare them with assert.deepEqual without caring which API produced them.

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE_BASE64 = /^(?:[A-Za-z0-9\-_]{4})*(?:[A-Za-z0-9\-_]{2}(?:==)?|[A-Za-z0-9\-_]{3}=?)?$/;

export function asPlainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict standard (RFC 4648 §4) base64 with padding; undefined when the text is not exactly that. */
export function fromStandardBase64(text: string): Uint8Array | undefined {
  if (!STANDARD_BASE64.test(text)) return undefined;
  return asPlainBytes(Buffer.from(text, 'base64'));
}

/**
 * Standard or URL-safe base64, padded or not, as DSSE requires verifiers to accept.
 * Node's own decoder silently skips foreign characters, so the alphabet is checked first.
 */
export function fromAnyBase64(text: string): Uint8Array | undefined {
  if (STANDARD_BASE64.test(text)) return asPlainBytes(Buffer.from(text, 'base64'));
  if (URL_SAFE_BASE64.test(text)) return asPlainBytes(Buffer.from(text, 'base64url'));
  const unpadded = /^[A-Za-z0-9+/]*$/.test(text) && text.length % 4 !== 1;
  if (unpadded) return asPlainBytes(Buffer.from(text, 'base64'));
  return undefined;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return asPlainBytes(Buffer.concat(parts));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
