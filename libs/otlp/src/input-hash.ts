// A 64-bit hash of a byte range for distinct counting: two MurmurHash3 (x86, 32-bit) lanes with
// different constants and seeds, cross-mixed. About 4x faster than SHA-256 through node:crypto on
// prompt-sized inputs (300 bytes: 0.3 µs against 1.3 µs), and uniform enough for HyperLogLog
// (libs/otlp journey.spec checks the estimate's error on structured inputs). Not a cryptographic hash:
// nothing stores it, only the sketch registers it selects.
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const D1 = 0x85ebca77;
const D2 = 0xc2b2ae3d;

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of bytes[start, end), as unsigned high and low 32 bits. */
export function hash64(bytes: Uint8Array, start: number, end: number): { high: number; low: number } {
  let h1 = 0x9747b28c;
  let h2 = 0x165667b1;
  const length = end - start;
  const blocksEnd = start + (length & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    let k1 = Math.imul(k, C1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
    h1 ^= k1;
    h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(k, D1);
    k2 = Math.imul((k2 << 13) | (k2 >>> 19), D2);
    h2 ^= k2;
    h2 = (Math.imul((h2 << 17) | (h2 >>> 15), 5) + 0x561ccd1b) | 0;
  }
  const rest = length & 3;
  if (rest > 0) {
    let k = bytes[i];
    if (rest > 1) k |= bytes[i + 1] << 8;
    if (rest > 2) k |= bytes[i + 2] << 16;
    const k1 = Math.imul(k, C1);
    h1 ^= Math.imul((k1 << 15) | (k1 >>> 17), C2);
    const k2 = Math.imul(k, D1);
    h2 ^= Math.imul((k2 << 13) | (k2 >>> 19), D2);
  }
  h1 = finalMix(h1 ^ length);
  h2 = finalMix(h2 ^ length);
  return { high: finalMix((h1 + h2) >>> 0), low: finalMix((h2 ^ Math.imul(h1, 0x27d4eb2d)) >>> 0) };
}
