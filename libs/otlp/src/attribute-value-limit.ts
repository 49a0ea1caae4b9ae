import { safeText } from './safe-text.js';

/** Counts the values cut while one request is decoded. */
export class AttributeValueLimit {
  truncated = 0;

  constructor(readonly maxLength: number) {}

  /** The value cut to `maxLength` (never between the halves of a surrogate pair), and made safe to store (`safeText`). */
  string(value: string): string {
    if (value.length <= this.maxLength) return safeText(value);
    this.truncated++;
    const end = isHighSurrogate(value.charCodeAt(this.maxLength - 1)) ? this.maxLength - 1 : this.maxLength;
    return safeText(value.slice(0, end));
  }

  bytes(value: Uint8Array): Uint8Array {
    if (value.length <= this.maxLength) return value;
    this.truncated++;
    return value.subarray(0, this.maxLength);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
