import { setAttribute } from './attribute-readers.js';
import { AttributeValueLimit } from './attribute-value-limit.js';
import { badRequest, OtlpError } from './otlp-error.js';
import { ExportTraceServiceRequestType } from './otlp-schema.js';
import { NulSafeReader } from './nul-safe-reader.js';
import { keepText } from './safe-text.js';
import {
  SPAN_KIND_NAMES,
  STATUS_CODE_NAMES,
  type Attributes,
  type AttrValue,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanLink,
  type TraceRequest,
} from './trace-request.js';

// The shapes protobufjs decodes into; unset scalars read their defaults from the prototype.
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
export interface PbEvent {
  timeUnixNano: LongBits | number;
  name: string;
  attributes: PbKeyValue[];
}
export interface PbLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  attributes: PbKeyValue[];
}
export interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: LongBits | number;
  endTimeUnixNano: LongBits | number;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  events: PbEvent[];
  droppedEventsCount: number;
  links: PbLink[];
  status: { code: number; message: string } | null;
}
export interface PbScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
}
export interface PbResource {
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
}
interface PbScopeSpans {
  scope: PbScope | null;
  spans: PbSpan[];
  schemaUrl: string;
}
interface PbResourceSpans {
  resource: PbResource | null;
  scopeSpans: PbScopeSpans[];
  schemaUrl: string;
}
interface PbExportTraceServiceRequest {
  resourceSpans: PbResourceSpans[];
}

const TWO_POW_32 = 4294967296;

export function decodeProtobufTraceRequest(body: Uint8Array, limit: AttributeValueLimit): TraceRequest {
  const message = decodeOrRefuse(() => ExportTraceServiceRequestType.decode(new NulSafeReader(body)) as unknown as PbExportTraceServiceRequest);
  return traceRequestOf(message, limit);
}

/** What `decode` returns; a malformed message is a 400 naming what protobufjs found. */
export function decodeOrRefuse<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpError) throw error;
    throw new OtlpError('bad_request', `invalid protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
}

function traceRequestOf(message: PbExportTraceServiceRequest, limit: AttributeValueLimit): TraceRequest {
  // NulSafeReader made the strings safe.
  limit.text = keepText;
  let spanCount = 0;
  const resourceSpans: ResourceSpans[] = new Array(message.resourceSpans.length);
  for (let r = 0; r < message.resourceSpans.length; r++) {
    const pbResourceSpans = message.resourceSpans[r];
    const resourcePath = `resourceSpans[${r}]`;
    const scopeSpans: ScopeSpans[] = new Array(pbResourceSpans.scopeSpans.length);
    for (let s = 0; s < pbResourceSpans.scopeSpans.length; s++) {
      const pbScopeSpans = pbResourceSpans.scopeSpans[s];
      const scopePath = `${resourcePath}.scopeSpans[${s}]`;
      const spans: Span[] = new Array(pbScopeSpans.spans.length);
      for (let i = 0; i < pbScopeSpans.spans.length; i++) {
        spans[i] = toSpan(pbScopeSpans.spans[i], limit, `${scopePath}.spans[${i}]`);
      }
      spanCount += spans.length;
      const scope = pbScopeSpans.scope;
      scopeSpans[s] = {
        scope: {
          name: limit.text(scope?.name ?? ''),
          version: limit.text(scope?.version ?? ''),
          attributes: scope ? toAttributes(scope.attributes, limit) : {},
        },
        schemaUrl: limit.text(pbScopeSpans.schemaUrl),
        spans,
      };
    }
    const resource = pbResourceSpans.resource;
    resourceSpans[r] = {
      resource: {
        attributes: resource ? toAttributes(resource.attributes, limit) : {},
        droppedAttributesCount: resource?.droppedAttributesCount ?? 0,
      },
      schemaUrl: limit.text(pbResourceSpans.schemaUrl),
      scopeSpans,
    };
  }
  return { resourceSpans, spanCount, truncatedValues: limit.truncated };
}

export function toSpan(pb: PbSpan, limit: AttributeValueLimit, path: string): Span {
  const events = toEvents(pb.events, limit);
  const links = toLinks(pb.links, limit, path);
  return {
    traceId: toId(pb.traceId, 16, `${path}.traceId`),
    spanId: toId(pb.spanId, 8, `${path}.spanId`),
    parentSpanId: pb.parentSpanId.length === 0 ? null : toId(pb.parentSpanId, 8, `${path}.parentSpanId`),
    traceState: limit.text(pb.traceState),
    flags: pb.flags,
    name: limit.text(pb.name),
    kind: SPAN_KIND_NAMES[pb.kind] ?? 'unspecified',
    startTimeUnixNano: toBigInt(pb.startTimeUnixNano),
    endTimeUnixNano: toBigInt(pb.endTimeUnixNano),
    attributes: toAttributes(pb.attributes, limit),
    droppedAttributesCount: pb.droppedAttributesCount,
    events,
    droppedEventsCount: pb.droppedEventsCount,
    links,
    status: toStatus(pb.status, limit),
  };
}

export function toEvents(pbEvents: PbEvent[], limit: AttributeValueLimit): SpanEvent[] {
  const events: SpanEvent[] = new Array(pbEvents.length);
  for (let e = 0; e < pbEvents.length; e++) {
    const pbEvent = pbEvents[e];
    events[e] = {
      name: limit.text(pbEvent.name),
      timeUnixNano: toBigInt(pbEvent.timeUnixNano),
      attributes: toAttributes(pbEvent.attributes, limit),
    };
  }
  return events;
}

export function toLinks(pbLinks: PbLink[], limit: AttributeValueLimit, path: string): SpanLink[] {
  const links: SpanLink[] = new Array(pbLinks.length);
  for (let l = 0; l < pbLinks.length; l++) {
    const pbLink = pbLinks[l];
    links[l] = {
      traceId: toId(pbLink.traceId, 16, `${path}.links[${l}].traceId`),
      spanId: toId(pbLink.spanId, 8, `${path}.links[${l}].spanId`),
      attributes: toAttributes(pbLink.attributes, limit),
    };
  }
  return links;
}

export function toStatus(pbStatus: PbSpan['status'], limit: AttributeValueLimit): Span['status'] {
  return {
    code: (pbStatus && STATUS_CODE_NAMES[pbStatus.code]) || 'unset',
    message: limit.text(pbStatus?.message ?? ''),
  };
}

export function toId(bytes: Uint8Array, expectedLength: number, path: string): string {
  if (bytes.length !== expectedLength) {
    throw badRequest(path, `not ${expectedLength} bytes (got ${bytes.length})`);
  }
  let nonZero = 0;
  for (let i = 0; i < bytes.length; i++) nonZero |= bytes[i];
  if (nonZero === 0) throw badRequest(path, 'all zeroes');
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return buffer.toString('hex');
}

function toBigInt(value: LongBits | number): bigint {
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

export function toAttributes(keyValues: PbKeyValue[], limit: AttributeValueLimit): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < keyValues.length; i++) addKeyValue(attributes, keyValues[i], limit);
  return attributes;
}

export function addKeyValue(attributes: Attributes, keyValue: PbKeyValue, limit: AttributeValueLimit): void {
  setAttribute(attributes, limit.text(keyValue.key), toValue(keyValue.value, limit));
}

export function toValue(anyValue: PbAnyValue | null, limit: AttributeValueLimit): AttrValue {
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
      const values = anyValue.arrayValue?.values ?? [];
      const array: AttrValue[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) array[i] = toValue(values[i], limit);
      return array;
    }
    case 'kvlistValue':
      return toAttributes(anyValue.kvlistValue?.values ?? [], limit);
    case 'bytesValue':
      return limit.bytes(anyValue.bytesValue);
    default:
      return null;
  }
}

export function int64ToValue(value: LongBits | number): number | string {
  if (typeof value === 'number') return value;
  const { high, low } = value;
  // |value| <= 2^53 - 1 exactly when the signed high word lies in [-2^21, 2^21) (bar the very edges)
  if (high >= -0x200000 && high < 0x200000) {
    const n = high * TWO_POW_32 + (low >>> 0);
    if (Number.isSafeInteger(n)) return n;
  }
  return ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
}
