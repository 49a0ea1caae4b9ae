import { MAX_ANY_VALUE_DEPTH } from './common-request.js';
import { OtlpError } from './otlp-error.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Deepest arrays and objects an OTLP/JSON request may nest: the envelope (at most 16 levels, to an
 * exemplar's attribute value in metrics) and four levels for each of the MAX_ANY_VALUE_DEPTH kvlists
 * an AnyValue may sit in (`kvlistValue`, `values`, the key-value, its `value`).
 */
export const MAX_OTLP_JSON_DEPTH = 16 + 4 * MAX_ANY_VALUE_DEPTH;

export function jsonNestingMessage(maxDepth: number): string {
  return `JSON nesting deeper than ${maxDepth} levels`;
}

/**
 * The offset of the first `[` or `{` that opens level `maxDepth + 1` of UTF-8 JSON, or -1. One pass
 * without recursion and without parsing, so that it can run before JSON.parse and the recursive
 * readers after it (class-transformer, the AnyValue decoder) ever see a hostile body. Brackets in
 * strings do not count; anything else malformed is left for the parser to refuse.
 */
export function jsonNestingPastLimit(json: Uint8Array, maxDepth: number): number {
  let depth = 0;
  const length = json.length;
  for (let i = 0; i < length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      i = closingQuote(json, i + 1);
      if (i === -1) return -1;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return i;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return -1;
}

/** Refuses OTLP/JSON nested past MAX_OTLP_JSON_DEPTH as bad_request (400). */
export function assertOtlpJsonNesting(json: Uint8Array): void {
  if (jsonNestingPastLimit(json, MAX_OTLP_JSON_DEPTH) !== -1) throw new OtlpError('bad_request', `invalid JSON: ${jsonNestingMessage(MAX_OTLP_JSON_DEPTH)}`);
}

// The index of the quote that ends the string starting at `from`, or -1 when it never ends.
function closingQuote(json: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    const quote = json.indexOf(QUOTE, at);
    if (quote === -1) return -1;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && json[quote - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}
