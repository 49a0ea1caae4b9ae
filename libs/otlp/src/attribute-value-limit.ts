import { safeText } from './safe-text.js';

/**
 * Per request: cuts attribute values to `maxLength` (counting the values cut), and makes every
 * string of the request safe to store through `text`.
 */
export class AttributeValueLimit {
  truncated = 0;
  /**
   * `safeText` unless the decoder knows a cheaper function that does as much for its input
   * (`withoutNul` for protobuf, the identity for JSON text without a risky escape).
   */
  text: (value: string) => string = safeText;

  constructor(readonly maxLength: number) {}

  /** The value cut to `maxLength` (never between the halves of a surrogate pair), and made safe by `text`. */
  string(value: string): string {
    if (value.length <= this.maxLength) return this.text(value);
    this.truncated++;
    const end = isHighSurrogate(value.charCodeAt(this.maxLength - 1)) ? this.maxLength - 1 : this.maxLength;
    return this.text(value.slice(0, end));
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
