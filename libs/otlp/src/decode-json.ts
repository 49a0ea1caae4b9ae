import { setAttribute } from './attribute-readers.js';
import { AttributeValueLimit } from './attribute-value-limit.js';
import { assertOtlpJsonNesting } from './json-nesting.js';
import { badRequest, OtlpError } from './otlp-error.js';
import { jsonMayHoldUnsafeText, keepText } from './safe-text.js';
import {
  SPAN_KIND_NAMES,
  STATUS_CODE_NAMES,
  type Attributes,
  type AttrValue,
  type InstrumentationScope,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanKindName,
  type SpanLink,
  type StatusCodeName,
} from './trace-request.js';
import type { TraceRequest } from './trace-request.js';

// OTLP/JSON (opentelemetry-proto docs/specification.md "JSON Protobuf Encoding"): lowerCamelCase
// keys, hex ids, enums as integers (names accepted too), 64-bit integers as numbers or strings,
// unknown keys ignored.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HEX_ID = /^[0-9a-fA-F]*$/;
const ALL_ZEROES = /^0+$/;
const UNSIGNED_DECIMAL = /^[0-9]+$/;
const SIGNED_DECIMAL = /^-?[0-9]+$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeJsonTraceRequest(body: Uint8Array, limit: AttributeValueLimit): TraceRequest {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new OtlpError('bad_request', 'invalid JSON: body is not valid UTF-8');
  }
  if (text.trim() === '') return { resourceSpans: [], spanCount: 0, truncatedValues: 0 };
  assertOtlpJsonNesting(body);
  if (!jsonMayHoldUnsafeText(text)) limit.text = keepText;
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    throw new OtlpError('bad_request', `invalid JSON: ${(error as Error).message}`);
  }
  const request = asObject(root, 'request');
  let spanCount = 0;
  const resourceSpans = asArray(request.resourceSpans, 'resourceSpans').map((value, r): ResourceSpans => {
    const path = `resourceSpans[${r}]`;
    const pbResourceSpans = asObject(value, path);
    const resource = optionalObject(pbResourceSpans.resource, `${path}.resource`);
    const scopeSpans = asArray(pbResourceSpans.scopeSpans, `${path}.scopeSpans`).map((scopeValue, s): ScopeSpans => {
      const scopePath = `${path}.scopeSpans[${s}]`;
      const jsonScopeSpans = asObject(scopeValue, scopePath);
      const spans = asArray(jsonScopeSpans.spans, `${scopePath}.spans`).map((spanValue, i) =>
        toSpan(asObject(spanValue, `${scopePath}.spans[${i}]`), limit, `${scopePath}.spans[${i}]`),
      );
      spanCount += spans.length;
      return {
        scope: toScope(optionalObject(jsonScopeSpans.scope, `${scopePath}.scope`), limit, `${scopePath}.scope`),
        schemaUrl: asText(jsonScopeSpans.schemaUrl, limit, `${scopePath}.schemaUrl`),
        spans,
      };
    });
    return {
      resource: {
        attributes: toAttributes(resource?.attributes, limit, `${path}.resource.attributes`),
        droppedAttributesCount: asUint32(resource?.droppedAttributesCount, `${path}.resource.droppedAttributesCount`),
      },
      schemaUrl: asText(pbResourceSpans.schemaUrl, limit, `${path}.schemaUrl`),
      scopeSpans,
    };
  });
  return { resourceSpans, spanCount, truncatedValues: limit.truncated };
}

function toScope(scope: JsonObject | undefined, limit: AttributeValueLimit, path: string): InstrumentationScope {
  return {
    name: asText(scope?.name, limit, `${path}.name`),
    version: asText(scope?.version, limit, `${path}.version`),
    attributes: toAttributes(scope?.attributes, limit, `${path}.attributes`),
  };
}

function toSpan(span: JsonObject, limit: AttributeValueLimit, path: string): Span {
  const events = asArray(span.events, `${path}.events`).map((value, e): SpanEvent => {
    const eventPath = `${path}.events[${e}]`;
    const event = asObject(value, eventPath);
    return {
      name: asText(event.name, limit, `${eventPath}.name`),
      timeUnixNano: asUint64(event.timeUnixNano, `${eventPath}.timeUnixNano`),
      attributes: toAttributes(event.attributes, limit, `${eventPath}.attributes`),
    };
  });
  const links = asArray(span.links, `${path}.links`).map((value, l): SpanLink => {
    const linkPath = `${path}.links[${l}]`;
    const link = asObject(value, linkPath);
    return {
      traceId: toId(link.traceId, 16, `${linkPath}.traceId`),
      spanId: toId(link.spanId, 8, `${linkPath}.spanId`),
      attributes: toAttributes(link.attributes, limit, `${linkPath}.attributes`),
    };
  });
  const status = optionalObject(span.status, `${path}.status`);
  const parentSpanId = span.parentSpanId;
  return {
    traceId: toId(span.traceId, 16, `${path}.traceId`),
    spanId: toId(span.spanId, 8, `${path}.spanId`),
    parentSpanId: parentSpanId == null || parentSpanId === '' ? null : toId(parentSpanId, 8, `${path}.parentSpanId`),
    traceState: asText(span.traceState, limit, `${path}.traceState`),
    flags: asUint32(span.flags, `${path}.flags`),
    name: asText(span.name, limit, `${path}.name`),
    kind: toEnum<SpanKindName>(span.kind, SPAN_KIND_NAMES, 'SPAN_KIND_', 'unspecified', `${path}.kind`),
    startTimeUnixNano: asUint64(span.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: asUint64(span.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: toAttributes(span.attributes, limit, `${path}.attributes`),
    droppedAttributesCount: asUint32(span.droppedAttributesCount, `${path}.droppedAttributesCount`),
    events,
    droppedEventsCount: asUint32(span.droppedEventsCount, `${path}.droppedEventsCount`),
    links,
    status: {
      code: toEnum<StatusCodeName>(status?.code, STATUS_CODE_NAMES, 'STATUS_CODE_', 'unset', `${path}.status.code`),
      message: asText(status?.message, limit, `${path}.status.message`),
    },
  };
}

function toId(value: Json | undefined, byteLength: number, path: string): string {
  const hexLength = byteLength * 2;
  if (typeof value !== 'string' || value.length !== hexLength || !HEX_ID.test(value)) {
    throw badRequest(path, `not ${hexLength} hex characters`);
  }
  if (ALL_ZEROES.test(value)) throw badRequest(path, 'all zeroes');
  return value.toLowerCase();
}

function toEnum<T extends string>(
  value: Json | undefined,
  names: readonly T[],
  prefix: string,
  fallback: T,
  path: string,
): T {
  if (value == null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return names[value] ?? fallback;
  if (typeof value === 'string') {
    const name = value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : '';
    const found = names.find((candidate) => candidate === name);
    if (found !== undefined) return found;
  }
  throw badRequest(path, 'not a valid enum value');
}

function toAttributes(value: Json | undefined, limit: AttributeValueLimit, path: string): Attributes {
  const attributes: Attributes = {};
  const keyValues = asArray(value, path);
  for (let i = 0; i < keyValues.length; i++) {
    const keyValue = asObject(keyValues[i], `${path}[${i}]`);
    const key = keyValue.key;
    if (typeof key !== 'string') throw badRequest(`${path}[${i}].key`, 'not a string');
    setAttribute(attributes, limit.text(key), toValue(keyValue.value, limit, `${path}[${i}].value`));
  }
  return attributes;
}

function toValue(value: Json | undefined, limit: AttributeValueLimit, path: string): AttrValue {
  if (value == null) return null;
  const anyValue = asObject(value, path);
  if (anyValue.stringValue != null) return limit.string(asString(anyValue.stringValue, `${path}.stringValue`));
  if (anyValue.boolValue != null) {
    if (typeof anyValue.boolValue !== 'boolean') throw badRequest(`${path}.boolValue`, 'not a boolean');
    return anyValue.boolValue;
  }
  if (anyValue.intValue != null) return asInt64(anyValue.intValue, `${path}.intValue`);
  if (anyValue.doubleValue != null) return asDouble(anyValue.doubleValue, `${path}.doubleValue`);
  if (anyValue.arrayValue != null) {
    const values = asArray(asObject(anyValue.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((item, i) => toValue(item, limit, `${path}.arrayValue.values[${i}]`));
  }
  if (anyValue.kvlistValue != null) {
    const list = asObject(anyValue.kvlistValue, `${path}.kvlistValue`);
    return toAttributes(list.values, limit, `${path}.kvlistValue.values`);
  }
  if (anyValue.bytesValue != null) {
    const encoded = asString(anyValue.bytesValue, `${path}.bytesValue`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(encoded)) throw badRequest(`${path}.bytesValue`, 'not base64');
    return limit.bytes(new Uint8Array(Buffer.from(encoded, 'base64')));
  }
  return null;
}

function asObject(value: Json | undefined, path: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(path, 'not an object');
  }
  return value;
}

function optionalObject(value: Json | undefined, path: string): JsonObject | undefined {
  return value == null ? undefined : asObject(value, path);
}

function asArray(value: Json | undefined, path: string): Json[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw badRequest(path, 'not an array');
  return value;
}

/** A string field to store, made safe by the request's `limit.text`. */
function asText(value: Json | undefined, limit: AttributeValueLimit, path: string): string {
  return limit.text(asString(value, path));
}

function asString(value: Json | undefined, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw badRequest(path, 'not a string');
  return value;
}

function asUint32(value: Json | undefined, path: string): number {
  if (value == null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  throw badRequest(path, 'not an unsigned 32-bit integer');
}

function asUint64(value: Json | undefined, path: string): bigint {
  if (value == null) return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && UNSIGNED_DECIMAL.test(value)) {
    const parsed = BigInt(value);
    if (parsed <= MAX_UINT64) return parsed;
  }
  throw badRequest(path, 'not an unsigned 64-bit integer');
}

function asInt64(value: Json, path: string): number | string {
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

function asDouble(value: Json, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw badRequest(path, 'not a number');
}
