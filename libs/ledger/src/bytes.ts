import { timingSafeEqual } from 'node:crypto';

export function bytesEqualOf(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
