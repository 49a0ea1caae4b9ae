// Protobuf reading shared by the logs and metrics decoders: the shapes protobufjs decodes into
// (unset scalars read their defaults from the prototype, unset proto3 `optional` fields are null)
// and their conversion to plain values.
import type protobuf from 'protobufjs';
import { setAttribute } from './attribute-readers.js';
import type { AttributeValueLimit } from './attribute-value-limit.js';
import { MAX_ANY_VALUE_DEPTH, tooDeep, type OtlpResource } from './common-request.js';
import { NulSafeReader } from './nul-safe-reader.js';
import { badRequest, OtlpError } from './otlp-error.js';
import type { Attributes, AttrValue, InstrumentationScope } from './trace-request.js';

export interface LongBits {
  low: number;
  high: number;
}
export interface PbAnyValue {
  value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: LongBits | number;
  doubleValue: number;
  arrayValue: { values: PbAnyValue[] } | null;
  kvlistValue: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array;
}
export interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}
export interface PbResource {
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
export interface PbScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
}

const TWO_POW_32 = 4294967296;

/**
 * Decodes `body` as `type`, with U+0000 in strings replaced (NulSafeReader); any protobufjs failure
 * is a bad_request naming the message.
 */
export function decodeMessage<T>(type: protobuf.Type, body: Uint8Array): T {
  try {
    return type.decode(new NulSafeReader(body)) as unknown as T;
  } catch (error) {
    throw new OtlpError('bad_request', `invalid protobuf ${type.name}: ${(error as Error).message}`);
  }
}

/** fixed64 / uint64, exact. */
export function toBigInt(value: LongBits | number): bigint {
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** fixed64 / uint64 as a number (nearest double beyond 2^53). */
export function uint64ToNumber(value: LongBits | number): number {
  if (typeof value === 'number') return value;
  return (value.high >>> 0) * TWO_POW_32 + (value.low >>> 0);
}

/** int64 / sfixed64 as a number (nearest double beyond ±2^53). */
export function int64ToNumber(value: LongBits | number): number {
  if (typeof value === 'number') return value;
  return (value.high | 0) * TWO_POW_32 + (value.low >>> 0);
}

/** int64 exact: a number within ±(2^53 − 1), else a decimal string. */
export function int64ToValue(value: LongBits | number): number | string {
  if (typeof value === 'number') return value;
  const { high, low } = value;
  if (high >= -0x200000 && high < 0x200000) {
    const n = high * TWO_POW_32 + (low >>> 0);
    if (Number.isSafeInteger(n)) return n;
  }
  return ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
}

/** An optional trace or span id: lowercase hex, or null when empty or all zeroes; another length is refused. */
export function toOptionalId(bytes: Uint8Array, expectedLength: number, path: string): string | null {
  if (bytes.length === 0) return null;
  if (bytes.length !== expectedLength) throw badRequest(path, `not ${expectedLength} bytes (got ${bytes.length})`);
  let nonZero = 0;
  for (let i = 0; i < bytes.length; i++) nonZero |= bytes[i];
  if (nonZero === 0) return null;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return buffer.toString('hex');
}

export function toResource(pb: PbResource | null, limit: AttributeValueLimit, path: string): OtlpResource {
  return {
    attributes: pb ? toAttributes(pb.attributes, limit, `${path}.attributes`) : {},
    droppedAttributesCount: pb?.droppedAttributesCount ?? 0,
  };
}

export function toScope(pb: PbScope | null, limit: AttributeValueLimit, path: string): InstrumentationScope {
  return {
    name: limit.text(pb?.name ?? ''),
    version: limit.text(pb?.version ?? ''),
    attributes: pb ? toAttributes(pb.attributes, limit, `${path}.attributes`) : {},
  };
}

export function toAttributes(keyValues: PbKeyValue[], limit: AttributeValueLimit, path: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < keyValues.length; i++) {
    const keyValue = keyValues[i];
    setAttribute(attributes, limit.text(keyValue.key), toValue(keyValue.value, limit, path, depth));
  }
  return attributes;
}

/** An AnyValue; `depth` counts the arrays and kvlists it sits in. `path` names the enclosing field (for errors only). */
export function toValue(anyValue: PbAnyValue | null, limit: AttributeValueLimit, path: string, depth = 0): AttrValue {
  if (anyValue == null) return null;
  switch (anyValue.value) {
    case 'stringValue':
      return limit.string(anyValue.stringValue);
    case 'boolValue':
      return anyValue.boolValue;
    case 'intValue':
      return int64ToValue(anyValue.intValue);
    case 'doubleValue':
      return anyValue.doubleValue;
    case 'arrayValue': {
      if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep(path);
      const values = anyValue.arrayValue?.values ?? [];
      const array: AttrValue[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) array[i] = toValue(values[i], limit, path, depth + 1);
      return array;
    }
    case 'kvlistValue':
      if (depth >= MAX_ANY_VALUE_DEPTH) throw tooDeep(path);
      return toAttributes(anyValue.kvlistValue?.values ?? [], limit, path, depth + 1);
    case 'bytesValue':
      return limit.bytes(anyValue.bytesValue);
    default:
      return null;
  }
}
