import { REPLACEMENT_CHARACTER } from './safe-text.js';

// Attribute keys share long prefixes (`gen_ai.usage.`): the length and three bytes toward the end
// tell them apart nearly always, for far less than hashing every byte; a bucket is then compared whole.
function keyHash(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return 0;
  let hash = length;
  hash = Math.imul(hash, 31) + bytes[end - 1];
  hash = Math.imul(hash, 31) + bytes[start + (length >>> 1)];
  hash = Math.imul(hash, 31) + bytes[end - 1 - (length >>> 2)];
  return hash | 0;
}

/**
 * A fixed set of attribute keys, looked up by their UTF-8 bytes on the wire, so that a decoder can
 * tell whether it wants an attribute before it builds the key's string.
 */
export class AttributeKeySet {
  private readonly keys: string[] = [];
  private readonly encoded: Buffer[] = [];
  private readonly byHash = new Map<number, number[]>();

  constructor(keys: Iterable<string>) {
    for (const key of new Set(keys)) {
      const bytes = Buffer.from(key, 'utf8');
      const index = this.keys.length;
      this.keys.push(key);
      this.encoded.push(bytes);
      const hash = keyHash(bytes, 0, bytes.length);
      const bucket = this.byHash.get(hash);
      if (bucket) bucket.push(index);
      else this.byHash.set(hash, [index]);
    }
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    const bytes = Buffer.from(key, 'utf8');
    return this.indexOf(bytes, 0, bytes.length) >= 0;
  }

  /** The index of the key spelt by bytes[start, end), or -1. */
  indexOf(bytes: Uint8Array, start: number, end: number): number {
    const bucket = this.byHash.get(keyHash(bytes, start, end));
    if (bucket === undefined) return -1;
    const length = end - start;
    for (const index of bucket) {
      const candidate = this.encoded[index];
      if (candidate.length !== length) continue;
      let i = 0;
      while (i < length && candidate[i] === bytes[start + i]) i++;
      if (i === length) return index;
    }
    return -1;
  }

  keyAt(index: number): string {
    return this.keys[index];
  }
}

const INTERNED_SLOTS = 4096;
const LONGEST_INTERNED_KEY = 256;

/**
 * Attribute keys that are not in any AttributeKeySet, remembered by their bytes in a fixed table (a
 * newer key takes an older one's slot), so that the same key arriving again is the same string:
 * V8 stores a property under a string it has seen as a key before without hashing it anew.
 * Keys must already be valid UTF-8.
 */
export class InternedKeys {
  private readonly encoded: Array<Buffer | undefined> = new Array(INTERNED_SLOTS);
  private readonly keys: string[] = new Array(INTERNED_SLOTS);

  intern(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length > LONGEST_INTERNED_KEY) return decodeKey(bytes, start, end);
    const slot = keyHash(bytes, start, end) & (INTERNED_SLOTS - 1);
    const candidate = this.encoded[slot];
    if (candidate !== undefined && candidate.length === length) {
      let i = 0;
      while (i < length && candidate[i] === bytes[start + i]) i++;
      if (i === length) return this.keys[slot];
    }
    const key = decodeKey(bytes, start, end);
    this.encoded[slot] = Buffer.from(bytes.subarray(start, end));
    this.keys[slot] = key;
    return key;
  }
}

// As NulSafeReader decodes a string: U+0000 becomes U+FFFD.
function decodeKey(bytes: Buffer, start: number, end: number): string {
  const key = bytes.toString('utf8', start, end);
  return key.includes('\u0000') ? key.replaceAll('\u0000', REPLACEMENT_CHARACTER) : key;
}
