// OTLP/JSON reading shared by the logs and metrics decoders (opentelemetry-proto
// docs/specification.md "JSON Protobuf Encoding"): lowerCamelCase keys, hex ids, enums as integers
// or names, 64-bit integers as numbers or decimal strings, unknown keys ignored.
import { setAttribute } from './attribute-readers.js';
import type { AttributeValueLimit } from './attribute-value-limit.js';
import { MAX_ANY_VALUE_DEPTH, tooDeep, type OtlpResource } from './common-request.js';
import { assertOtlpJsonNesting } from './json-nesting.js';
import { badRequest, OtlpError } from './otlp-error.js';
import { jsonMayHoldUnsafeText, keepText } from './safe-text.js';
import type { Attributes, AttrValue, InstrumentationScope } from './trace-request.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const HEX_ID = /^[0-9a-fA-F]*$/;
const ALL_ZEROES = /^0+$/;
const UNSIGNED_DECIMAL = /^[0-9]+$/;
const SIGNED_DECIMAL = /^-?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request object, or null for an empty (or all-whitespace) body. When the text holds no escape
 * that could give a string NUL or a lone surrogate, `limit.text` is set to keep strings as they are.
 */
export function parseJsonRequest(body: Uint8Array, limit: AttributeValueLimit): JsonObject | null {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new OtlpError('bad_request', 'invalid JSON: body is not valid UTF-8');
  }
  if (text.trim() === '') return null;
  assertOtlpJsonNesting(body);
  if (!jsonMayHoldUnsafeText(text)) limit.text = keepText;
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    throw new OtlpError('bad_request', `invalid JSON: ${(error as Error).message}`);
  }
  return asObject(root, 'request');
}

export function asObject(value: Json | undefined, path: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(path, 'not an object');
  return value;
}

export function optionalObject(value: Json | undefined, path: string): JsonObject | undefined {
  return value == null ? undefined : asObject(value, path);
}

export function asArray(value: Json | undefined, path: string): Json[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw badRequest(path, 'not an array');
  return value;
}

export function asString(value: Json | undefined, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw badRequest(path, 'not a string');
  return value;
}

/** A string field to store, made safe by the request's `limit.text`. */
export function asText(value: Json | undefined, limit: AttributeValueLimit, path: string): string {
  return limit.text(asString(value, path));
}

export function asBoolean(value: Json | undefined, path: string): boolean {
  if (value == null) return false;
  if (typeof value !== 'boolean') throw badRequest(path, 'not a boolean');
  return value;
}

/** uint32 / fixed32 as a number or a decimal string. */
export function asUint32(value: Json | undefined, path: string): number {
  const n = integerIn(value, 0, 0xffffffff);
  if (n === undefined) throw badRequest(path, 'not an unsigned 32-bit integer');
  return n;
}

/** int32 / sint32 as a number or a decimal string. */
export function asInt32(value: Json | undefined, path: string): number {
  const n = integerIn(value, -0x80000000, 0x7fffffff);
  if (n === undefined) throw badRequest(path, 'not a 32-bit integer');
  return n;
}

function integerIn(value: Json | undefined, min: number, max: number): number | undefined {
  if (value == null) return 0;
  const n = typeof value === 'string' && SIGNED_DECIMAL.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** uint64 / fixed64, exact. */
export function asUint64(value: Json | undefined, path: string): bigint {
  if (value == null) return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed <= MAX_UINT64) return parsed;
  }
  throw badRequest(path, 'not an unsigned 64-bit integer');
}

/** A uint64 count as a number (nearest double beyond 2^53). */
export function asUint64Number(value: Json | undefined, path: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return Number(asUint64(value, path));
}

/** int64 / sfixed64, exact: a number within ±(2^53 − 1), else a decimal string. */
export function asInt64(value: Json, path: string): number | string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && SIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed >= MIN_INT64 && parsed <= MAX_INT64) {
      return parsed >= BigInt(Number.MIN_SAFE_INTEGER) && parsed <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(parsed)
        : parsed.toString();
    }
  }
  throw badRequest(path, 'not a 64-bit integer');
}

/** A double, including the JSON mapping's "NaN", "Infinity" and "-Infinity". */
export function asDouble(value: Json | undefined, path: string): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw badRequest(path, 'not a number');
}

/** A proto3 `optional double`: null when absent. */
export function optionalDouble(value: Json | undefined, path: string): number | null {
  return value == null ? null : asDouble(value, path);
}

/**
 * An optional trace or span id: lowercase hex, or null when absent, empty or all zeroes (the W3C
 * invalid id, which some SDKs send for "no span context"). Any other length is refused.
 */
export function toOptionalId(value: Json | undefined, byteLength: number, path: string): string | null {
  if (value == null || value === '') return null;
  const hexLength = byteLength * 2;
  if (typeof value !== 'string' || value.length !== hexLength || !HEX_ID.test(value)) {
    throw badRequest(path, `not ${hexLength} hex characters`);
  }
  return ALL_ZEROES.test(value) ? null : value.toLowerCase();
}

/** An enum as its number: integers are kept (proto3 enums are open), names must be known. */
export function toEnumNumber(value: Json | undefined, names: readonly string[], path: string): number {
  if (value == null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw badRequest(path, 'not a valid enum value');
}

export function toResource(value: Json | undefined, limit: AttributeValueLimit, path: string): OtlpResource {
  const resource = optionalObject(value, path);
  return {
    attributes: toAttributes(resource?.attributes, limit, `${path}.attributes`),
    droppedAttributesCount: asUint32(resource?.droppedAttributesCount, `${path}.droppedAttributesCount`),
  };
}

export function toScope(value: Json | undefined, limit: AttributeValueLimit, path: string): InstrumentationScope {
  const scope = optionalObject(value, path);
  return {
    name: asText(scope?.name, limit, `${path}.name`),
    version: asText(scope?.version, limit, `${path}.version`),
    attributes: toAttributes(scope?.attributes, limit, `${path}.attributes`),
  };
}

export function toAttributes(value: Json | undefined, limit: AttributeValueLimit, path: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  const keyValues = asArray(value, path);
  for (let i = 0; i < keyValues.length; i++) {
    const keyValue = asObject(keyValues[i], `${path}[${i}]`);
    const key = keyValue.key;
    if (typeof key !== 'string') throw badRequest(`${path}[${i}].key`, 'not a string');
    setAttribute(attributes, limit.text(key), toValue(keyValue.value, limit, `${path}[${i}].value`, depth));
  }
  return attributes;
}

/** An AnyValue; `depth` counts the arrays and kvlists it sits in. */
export function toValue(value: Json | undefined, limit: AttributeValueLimit, path: string, depth = 0): AttrValue {
  if (value == null) return null;
  const anyValue = asObject(value, path);
  if (anyValue.stringValue != null) return limit.string(asString(anyValue.stringValue, `${path}.stringValue`));
  if (anyValue.boolValue != null) return asBoolean(anyValue.boolValue, `${path}.boolValue`);
  if (anyValue.intValue != null) return asInt64(anyValue.intValue, `${path}.intValue`);
  if (anyValue.doubleValue != null) return asDouble(anyValue.doubleValue, `${path}.doubleValue`);
  if (anyValue.arrayValue != null) {
    if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep(path);
    const values = asArray(asObject(anyValue.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    const array: AttrValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) array[i] = toValue(values[i], limit, `${path}.arrayValue.values[${i}]`, depth + 1);
    return array;
  }
  if (anyValue.kvlistValue != null) {
    if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep(path);
    const list = asObject(anyValue.kvlistValue, `${path}.kvlistValue`);
    return toAttributes(list.values, limit, `${path}.kvlistValue.values`, depth + 1);
  }
  if (anyValue.bytesValue != null) {
    const encoded = asString(anyValue.bytesValue, `${path}.bytesValue`);
    if (!BASE64.test(encoded)) throw badRequest(`${path}.bytesValue`, 'not base64');
    return limit.bytes(new Uint8Array(Buffer.from(encoded, 'base64')));
  }
  return null;
}
