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
