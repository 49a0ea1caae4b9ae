/// <reference lib="es2024.string" />

/**
 * What stands in for a character PostgreSQL or JSON cannot hold. Replaced rather than removed, so
 * that `gpt\u0000-4o` does not turn into another model's name and the value shows it was altered.
 */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * The string with U+0000 (refused by PostgreSQL text and jsonb) and lone surrogates (refused by
 * jsonb, which OTLP/JSON `\ud800` escapes produce) replaced by U+FFFD, one for one, so lengths are
 * kept. A clean string is returned as it is after one scan; `isWellFormed` answers at once for
 * strings V8 holds as Latin-1, which most OTLP strings are.
 */
export function safeText(value: string): string {
  if (value.indexOf('\u0000') === -1 && value.isWellFormed()) return value;
  return value.replaceAll('\u0000', REPLACEMENT_CHARACTER).toWellFormed();
}

/** For strings the decoder knows to be safe already. */
export const keepText = (value: string): string => value;

// In JSON text a NUL or a lone surrogate can only come from an escape (raw control characters are
// invalid JSON and the body was decoded as strict UTF-8); JSON.stringify writes none of these escapes
// for clean strings, so exporters' bodies nearly never hold one.
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** False when no string parsed from this JSON text can need `safeText` (false positives only cost the check). */
export function jsonMayHoldUnsafeText(text: string): boolean {
  return text.indexOf('\\u') !== -1 && RISKY_ESCAPE.test(text);
}
