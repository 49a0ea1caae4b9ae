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
  const parts: string[] = [];
  write(value, '$', parts, new Set());
  return parts.join('');
}

export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  const bytes = Buffer.from(text, 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function write(value: unknown, path: string, out: string[], ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalizationError(path, 'string holds a lone surrogate');
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(path, `${value} is not a JSON number`);
      // String(-0) is "0", as RFC 8785 wants; every other finite double is already ES-serialised.
      out.push(String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      throw new CanonicalizationError(path, 'undefined is not a JSON value');
    case 'bigint':
      throw new CanonicalizationError(path, 'bigint is not a JSON number; convert it to a string or number first');
    case 'function':
    case 'symbol':
      throw new CanonicalizationError(path, `${typeof value} is not a JSON value`);
    case 'object':
      break;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (hasToJson(object)) {
    write(object.toJSON(), path, out, ancestors);
    return;
  }
  if (ancestors.has(object)) throw new CanonicalizationError(path, 'cycle');
  ancestors.add(object);
  if (Array.isArray(object)) writeArray(object, path, out, ancestors);
  else if (isPlainObject(object)) writeObject(object, path, out, ancestors);
  else throw new CanonicalizationError(path, `${object.constructor?.name ?? 'object'} is not a plain JSON object`);
  ancestors.delete(object);
}

function writeArray(array: readonly unknown[], path: string, out: string[], ancestors: Set<object>): void {
  out.push('[');
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out.push(',');
    write(array[i], `${path}[${i}]`, out, ancestors);
  }
  out.push(']');
}

function writeObject(
  object: Readonly<Record<string, unknown>>,
  path: string,
  out: string[],
  ancestors: Set<object>,
): void {
  // Array.prototype.sort without a comparator orders by UTF-16 code units, which is RFC 8785 §3.2.3.
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((key, i) => {
    if (i > 0) out.push(',');
    const memberPath = `${path}.${key}`;
    if (LONE_SURROGATE.test(key)) throw new CanonicalizationError(memberPath, 'key holds a lone surrogate');
    out.push(JSON.stringify(key), ':');
    write(object[key], memberPath, out, ancestors);
  });
  out.push('}');
}

function hasToJson(object: object): object is { toJSON(): unknown } {
  return typeof (object as { toJSON?: unknown }).toJSON === 'function';
}

function isPlainObject(object: object): object is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(object);
  return prototype === Object.prototype || prototype === null;
}
