// RFC 8785 JSON Canonicalization Scheme (JCS).

export class CanonicalizationError extends TypeError {
  override readonly name = 'CanonicalizationError';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot canonicalize ${path}: ${reason}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Strings without these need neither escaping nor the surrogate check, and most keys and labels are such.
const NEEDS_CARE = /["\\\u0000-\u001f\uD800-\uDFFF]/;

/**
 * Serialises a JSON value the RFC 8785 way: object keys sorted by UTF-16 code units, numbers in
 * ECMAScript form, strings escaped as JSON.stringify does, no whitespace.
 *
 * Follows JSON.stringify where it is unambiguous, so that the digest of a value survives a trip
 * through JSON: `toJSON()` is honoured (Dates become ISO strings) and object members whose value
 * is undefined are left out. Everything JSON.stringify would silently alter is refused instead:
 * NaN and ±Infinity, undefined as a value or an array element, bigint, functions, symbols, lone
 * surrogates (not I-JSON), Maps, Sets, typed arrays and other non-plain objects, and cycles.
 */
export function canonicalize(value: unknown): string {
  try {
    return write(value, new Set());
  } catch (error) {
    if (error instanceof Refusal) throw new CanonicalizationError(`$${error.path.reverse().join('')}`, error.reason);
    throw error;
  }
}

export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  const bytes = Buffer.from(text, 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Thrown inside the walk; the path is collected while unwinding so the happy path builds no path strings. */
class Refusal {
  readonly path: string[] = [];

  constructor(readonly reason: string) {}
}

function write(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return quote(value, 'string');
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${value} is not a JSON number`);
      // String(-0) is "0", as RFC 8785 wants; every other finite double is already ES-serialised.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      throw new Refusal('undefined is not a JSON value');
    case 'bigint':
      throw new Refusal('bigint is not a JSON number; convert it to a string or number first');
    case 'function':
    case 'symbol':
      throw new Refusal(`${typeof value} is not a JSON value`);
    case 'object':
      break;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (hasToJson(object)) return write(object.toJSON(), ancestors);
  if (ancestors.has(object)) throw new Refusal('cycle');
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) text = writeArray(object, ancestors);
  else if (isPlainObject(object)) text = writeObject(object, ancestors);
  else throw new Refusal(`${object.constructor?.name ?? 'object'} is not a plain JSON object`);
  ancestors.delete(object);
  return text;
}

function writeArray(array: readonly unknown[], ancestors: Set<object>): string {
  let text = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) text += ',';
    try {
      text += write(array[i], ancestors);
    } catch (error) {
      if (error instanceof Refusal) error.path.push(`[${i}]`);
      throw error;
    }
  }
  return `${text}]`;
}

function writeObject(object: Readonly<Record<string, unknown>>, ancestors: Set<object>): string {
  // Array.prototype.sort without a comparator orders by UTF-16 code units, which is RFC 8785 §3.2.3.
  const keys = Object.keys(object).sort();
  let text = '{';
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    try {
      text += `${text.length > 1 ? ',' : ''}${quote(key, 'key')}:${write(member, ancestors)}`;
    } catch (error) {
      if (error instanceof Refusal) error.path.push(`.${key}`);
      throw error;
    }
  }
  return `${text}}`;
}

function quote(text: string, what: 'string' | 'key'): string {
  if (!NEEDS_CARE.test(text)) return `"${text}"`;
  if (LONE_SURROGATE.test(text)) throw new Refusal(`${what} holds a lone surrogate`);
  return JSON.stringify(text);
}

function hasToJson(object: object): object is { toJSON(): unknown } {
  return typeof (object as { toJSON?: unknown }).toJSON === 'function';
}

function isPlainObject(object: object): object is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(object);
  return prototype === Object.prototype || prototype === null;
}
