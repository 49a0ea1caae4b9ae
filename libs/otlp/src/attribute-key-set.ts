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
