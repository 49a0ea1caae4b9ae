import protobuf from 'protobufjs';
import { setAttribute } from './attribute-readers.js';
import { AttributeKeySet, InternedKeys } from './attribute-key-set.js';
import { AttributeValueLimit } from './attribute-value-limit.js';
import {
  addKeyValue, decodeOrRefuse, int64ToValue, toAttributes, toEvents, toId, toLinks, toStatus, toValue,
  type PbAnyValue, type PbEvent, type PbKeyValue, type PbLink, type PbResource, type PbScope, type PbSpan,
} from './decode-protobuf.js';
import { INPUT_CONTENT_KEYS, hashInputBytes, type InputHash } from './journey.js';
import { NulSafeReader } from './nul-safe-reader.js';
import { AnyValueType, InstrumentationScopeType, KeyValueType, ResourceType, SpanEventType, SpanLinkType, SpanStatusType } from './otlp-schema.js';
import { checkAnyValue, checkKeyValue, checkUtf8, enter, leave, type Reader } from './protobuf-checks.js';
import { keepText } from './safe-text.js';
import {
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, SPAN_KIND_NAMES, type Attributes, type AttrValue, type DecodeOptions,
  type ResourceSpans, type ScopeSpans, type Span, type TraceRequest,
} from './trace-request.js';

// The depths protobufjs's generated decoders give these messages inside an ExportTraceServiceRequest.
const RESOURCE_DEPTH = 2;
const SCOPE_DEPTH = 3;
const SPAN_DEPTH = 3;
const KEY_VALUE_DEPTH = SPAN_DEPTH + 1;
const ANY_VALUE_DEPTH = KEY_VALUE_DEPTH + 1;
const NO_KEY = -1;

type NestedDecode = (reader: Reader, length: number, endGroup: undefined, depth: number, into?: unknown) => unknown;

/** A message type's decoder as protobufjs's generated decoders call it for a nested message, at a depth. */
function nested<T>(type: protobuf.Type): (reader: Reader, length: number, depth: number, into?: T | null) => T {
  // protobufjs's typings leave out the end-group and depth parameters its generated decoders take.
  // Read at each call: the first call replaces the type's set-up stub with the generated decoder.
  return (reader, length, depth, into) => (type.decode as unknown as NestedDecode).call(type, reader, length, undefined, depth, into ?? undefined) as T;
}

const decodeKeyValue = nested<PbKeyValue>(KeyValueType);
const decodeAnyValue = nested<PbAnyValue>(AnyValueType);
const internedKeys = new InternedKeys();
const decodeEvent = nested<PbEvent>(SpanEventType);
const decodeLink = nested<PbLink>(SpanLinkType);
const decodeStatus = nested<NonNullable<PbSpan['status']>>(SpanStatusType);
const decodeResource = nested<PbResource>(ResourceType);
const decodeScope = nested<PbScope>(InstrumentationScopeType);

/**
 * Per attribute, in the context's `keyValues`: its range, the wanted key's index (or NO_KEY), and the
 * ranges of its key and value fields (NOT_PLAIN when it is not one key field and at most one value).
 */
const STRIDE = 7;
const NOT_PLAIN = -2;
const NO_INPUT = INPUT_CONTENT_KEYS.length;

/**
 * The wanted keys followed by the input content keys that are not wanted, so that one lookup per
 * attribute tells both: an index below `wanted` is a wanted key (the same index as in the wanted
 * set), one above it an input key of rank `inputRank[index]`, read for its hash only.
 */
interface SkimKeys {
  all: AttributeKeySet;
  wanted: number;
  inputRank: Int8Array;
}

const skimKeysOf = new WeakMap<AttributeKeySet, SkimKeys>();

function skimKeys(wanted: AttributeKeySet): SkimKeys {
  let found = skimKeysOf.get(wanted);
  if (found === undefined) {
    const keys = Array.from({ length: wanted.size }, (_, i) => wanted.keyAt(i));
    const all = new AttributeKeySet([...keys, ...INPUT_CONTENT_KEYS.filter((key) => !wanted.has(key))]);
    const inputRank = new Int8Array(all.size).fill(-1);
    for (let i = wanted.size; i < all.size; i++) inputRank[i] = INPUT_CONTENT_KEYS.indexOf(all.keyAt(i));
    found = { all, wanted: wanted.size, inputRank };
    skimKeysOf.set(wanted, found);
  }
  return found;
}

/** One request's skim: its body, and every attribute's ranges and wanted key. */
class SkimContext {
  keyValues = new Int32Array(STRIDE * 2048);
  used = 0;
  /** The span being skimmed: the rank in INPUT_CONTENT_KEYS of the input it hashed, and the hash. */
  inputRank = NO_INPUT;
  inputHash: InputHash | null = null;
  readonly lookup: SkimKeys;

  constructor(
    readonly body: Buffer,
    readonly keys: AttributeKeySet,
    readonly limit: AttributeValueLimit,
  ) {
    this.lookup = skimKeys(keys);
  }

  push(start: number, end: number, keyIndex: number, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    if (this.used + STRIDE > this.keyValues.length) {
      // Spans skimmed before keep reading the old array through `context.keyValues`, which holds the same entries.
      const grown = new Int32Array(this.keyValues.length * 2);
      grown.set(this.keyValues);
      this.keyValues = grown;
    }
    const at = this.used;
    this.keyValues[at] = start;
    this.keyValues[at + 1] = end;
    this.keyValues[at + 2] = keyIndex;
    this.keyValues[at + 3] = keyStart;
    this.keyValues[at + 4] = keyEnd;
    this.keyValues[at + 5] = valueStart;
    this.keyValues[at + 6] = valueEnd;
    this.used += STRIDE;
  }
}

/** What a skimmed span still lacks: its attributes `from`..`to` in its request's context. */
interface UnreadAttributes {
  context: SkimContext;
  from: number;
  to: number;
}

type SkimmedSpan = Span & { unread?: UnreadAttributes; inputHash?: InputHash | null };

/**
 * Decodes an OTLP/protobuf trace request as `decodeTraceRequest` does, except that each span's
 * attributes hold only the keys in `keys` until `completeSpan`: spans the sampling coin drops are
 * never decoded whole. Refuses the bodies the full decoder refuses: attributes it does not read are
 * still checked (wire format, UTF-8, depth) as protobufjs reads them.
 */
export function skimProtobufTraceRequest(body: Uint8Array, keys: AttributeKeySet, options: DecodeOptions = {}): TraceRequest {
  const limit = new AttributeValueLimit(options.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);
  // NulSafeReader makes the strings safe.
  limit.text = keepText;
  const reader = new NulSafeReader(body);
  const context = new SkimContext(reader.buf as Buffer, keys, limit);
  return decodeOrRefuse(() => skimRequest(reader, context));
}

export function isSkimmed(span: Span): boolean {
  return (span as SkimmedSpan).unread !== undefined;
}

/**
 * For a skimmed span, the hash of its input content read from the wire without decoding it (null
 * when it has none); undefined for any other span, whose attributes hold its input.
 */
export function skimmedInputHash(span: Span): InputHash | null | undefined {
  return (span as SkimmedSpan).inputHash;
}

/** Gives a skimmed span all its attributes, in wire order, as the full decoder would have. */
export function completeSpan(span: Span): void {
  const unread = (span as SkimmedSpan).unread;
  if (unread === undefined) return;
  delete (span as SkimmedSpan).unread;
  delete (span as SkimmedSpan).inputHash;
  const { context, from, to } = unread;
  const { keyValues, keys, limit } = context;
  const read = span.attributes;
  const attributes: Attributes = {};
  const reader = new NulSafeReader(context.body);
  for (let i = from; i < to; i += STRIDE) {
    const keyIndex = keyValues[i + 2];
    if (keyIndex !== NO_KEY) {
      const key = keys.keyAt(keyIndex);
      setAttribute(attributes, key, read[key]);
      continue;
    }
    const keyStart = keyValues[i + 3];
    if (keyStart === NOT_PLAIN) {
      reader.pos = keyValues[i];
      addKeyValue(attributes, decodeKeyValue(reader, keyValues[i + 1] - keyValues[i], KEY_VALUE_DEPTH), limit);
      continue;
    }
    const key = keyStart < 0 ? '' : internedKeys.intern(context.body, keyStart, keyValues[i + 4]);
    const valueStart = keyValues[i + 5];
    const valueEnd = keyValues[i + 6];
    let value = scalarValue(reader, valueStart, valueEnd, limit);
    if (value === NOT_SCALAR) {
      reader.pos = valueStart;
      value = toValue(decodeAnyValue(reader, valueEnd - valueStart, ANY_VALUE_DEPTH), limit);
    }
    setAttribute(attributes, key, value);
  }
  span.attributes = attributes;
}

function skimRequest(r: Reader, context: SkimContext): TraceRequest {
  const resourceSpans: ResourceSpans[] = [];
  let spanCount = 0;
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const path = `resourceSpans[${resourceSpans.length}]`;
      const skimmed = skimResourceSpans(r, r.size(), context, path);
      resourceSpans.push(skimmed);
      for (const scopeSpans of skimmed.scopeSpans) spanCount += scopeSpans.spans.length;
    } else r.skipType(tag & 7, 0, tag >>> 3);
  }
  return { resourceSpans, spanCount, truncatedValues: context.limit.truncated };
}

function skimResourceSpans(r: Reader, length: number, context: SkimContext, path: string): ResourceSpans {
  const outer = enter(r, length, 1);
  const end = r.len;
  let resource: PbResource | null = null;
  let schemaUrl = '';
  const scopeSpans: ScopeSpans[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2 && field === 1) resource = decodeResource(r, r.size(), RESOURCE_DEPTH, resource);
    else if (wireType === 2 && field === 2) scopeSpans.push(skimScopeSpans(r, r.size(), context, `${path}.scopeSpans[${scopeSpans.length}]`));
    else if (wireType === 2 && field === 3) schemaUrl = r.stringVerify();
    else r.skipType(wireType, 1, field);
  }
  leave(r, end, outer);
  const { limit } = context;
  return {
    resource: { attributes: resource ? toAttributes(resource.attributes, limit) : {}, droppedAttributesCount: resource?.droppedAttributesCount ?? 0 },
    schemaUrl,
    scopeSpans,
  };
}

function skimScopeSpans(r: Reader, length: number, context: SkimContext, path: string): ScopeSpans {
  const outer = enter(r, length, 2);
  const end = r.len;
  let scope: PbScope | null = null;
  let schemaUrl = '';
  const spans: Span[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2 && field === 1) scope = decodeScope(r, r.size(), SCOPE_DEPTH, scope);
    else if (wireType === 2 && field === 2) spans.push(skimSpan(r, r.size(), context, `${path}.spans[${spans.length}]`));
    else if (wireType === 2 && field === 3) schemaUrl = r.stringVerify();
    else r.skipType(wireType, 2, field);
  }
  leave(r, end, outer);
  const { limit } = context;
  return {
    scope: { name: scope?.name ?? '', version: scope?.version ?? '', attributes: scope ? toAttributes(scope.attributes, limit) : {} },
    schemaUrl,
    spans,
  };
}

const EMPTY = Buffer.alloc(0);

/** A Span message as protobufjs's generated decoder reads it, with only the wanted attributes. */
function skimSpan(r: Reader, length: number, context: SkimContext, path: string): Span {
  const outer = enter(r, length, SPAN_DEPTH);
  const end = r.len;
  const q = SPAN_DEPTH;
  const { limit } = context;
  let traceId: Uint8Array = EMPTY;
  let spanId: Uint8Array = EMPTY;
  let parentSpanId: Uint8Array = EMPTY;
  let traceState = '';
  let name = '';
  let flags = 0;
  let kind = 0;
  let start = 0n;
  let finish = 0n;
  let droppedAttributesCount = 0;
  let droppedEventsCount = 0;
  let events: PbEvent[] | null = null;
  let links: PbLink[] | null = null;
  let status: PbSpan['status'] = null;
  const attributes: Attributes = {};
  const from = context.used;
  context.inputRank = NO_INPUT;
  context.inputHash = null;
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2) {
      if (field === 9) { skimKeyValue(r, context, attributes); continue; }
      if (field === 1) { traceId = r.bytes(); continue; }
      if (field === 2) { spanId = r.bytes(); continue; }
      if (field === 3) { traceState = r.stringVerify(); continue; }
      if (field === 4) { parentSpanId = r.bytes(); continue; }
      if (field === 5) { name = r.stringVerify(); continue; }
      if (field === 11) { (events ??= []).push(decodeEvent(r, r.size(), q + 1)); continue; }
      if (field === 13) { (links ??= []).push(decodeLink(r, r.size(), q + 1)); continue; }
      if (field === 15) { status = decodeStatus(r, r.size(), q + 1, status); continue; }
    } else if (wireType === 0) {
      if (field === 6) { kind = r.int32(); continue; }
      if (field === 10) { droppedAttributesCount = r.uint32(); continue; }
      if (field === 12) { droppedEventsCount = r.uint32(); continue; }
      if (field === 14) { r.uint32(); continue; }
    } else if (wireType === 1) {
      if (field === 7) { start = fixed64(r); continue; }
      if (field === 8) { finish = fixed64(r); continue; }
    } else if (wireType === 5 && field === 16) {
      flags = r.fixed32();
      continue;
    }
    r.skipType(wireType, q, field);
  }
  leave(r, end, outer);
  const span: SkimmedSpan = {
    traceId: toId(traceId, 16, `${path}.traceId`),
    spanId: toId(spanId, 8, `${path}.spanId`),
    parentSpanId: parentSpanId.length === 0 ? null : toId(parentSpanId, 8, `${path}.parentSpanId`),
    traceState,
    flags,
    name,
    kind: SPAN_KIND_NAMES[kind] ?? 'unspecified',
    startTimeUnixNano: start,
    endTimeUnixNano: finish,
    attributes,
    droppedAttributesCount,
    events: events === null ? [] : toEvents(events, limit),
    droppedEventsCount,
    links: links === null ? [] : toLinks(links, limit, path),
    status: toStatus(status, limit),
  };
  // Spans whose every attribute was wanted are complete as they are.
  for (let i = from + 2; i < context.used; i += STRIDE) {
    if (context.keyValues[i] === NO_KEY) {
      span.unread = { context, from, to: context.used };
      span.inputHash = context.inputHash;
      break;
    }
  }
  return span;
}

/** protobufjs's fixed64, as the unsigned bigint the full decoder makes of it. */
function fixed64(r: Reader): bigint {
  if (r.pos + 8 > r.len) throw RangeError(`index out of range: ${r.pos} + 8 > ${r.len}`);
  const value = (r.buf as Buffer).readBigUInt64LE(r.pos);
  r.pos += 8;
  return value;
}

/**
 * One KeyValue: a wanted key's value goes into `attributes`; any other is checked as protobufjs's
 * KeyValue decoder would read it, without building its strings. Its range goes to the context.
 */
function skimKeyValue(r: Reader, context: SkimContext, attributes: Attributes): void {
  const length = r.size();
  const start = r.pos;
  const outer = enter(r, length, KEY_VALUE_DEPTH);
  const end = r.len;
  // Where the (last) key and value fields lie; a KeyValue of any other make is read by protobufjs.
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  let plain = true;
  while (r.pos < end) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 2 && (field === 1 || field === 2)) {
      const size = r.size();
      if (r.pos + size > r.len) throw RangeError('index out of range');
      if (field === 1) {
        if (keyStart >= 0) plain = false;
        keyStart = r.pos;
        keyEnd = r.pos + size;
      } else {
        if (valueStart >= 0) plain = false;
        valueStart = r.pos;
        valueEnd = r.pos + size;
      }
      r.pos += size;
      continue;
    }
    plain = false;
    r.skipType(wireType, KEY_VALUE_DEPTH, field);
  }
  leave(r, end, outer);
  const { lookup } = context;
  const found = keyStart < 0 ? NO_KEY : lookup.all.indexOf(r.buf, keyStart, keyEnd);
  const keyIndex = found >= lookup.wanted ? NO_KEY : found;
  if (keyIndex === NO_KEY) {
    if (plain) {
      if (keyStart >= 0) checkUtf8(r.buf, keyStart, keyEnd);
      if (valueStart >= 0) {
        r.pos = valueStart;
        checkAnyValue(r, valueEnd - valueStart, ANY_VALUE_DEPTH);
        if (found !== NO_KEY) hashIfInput(r, context, lookup.inputRank[found], valueStart, valueEnd);
      }
    } else {
      r.pos = start;
      checkKeyValue(r, length, KEY_VALUE_DEPTH);
    }
  } else {
    const key = context.keys.keyAt(keyIndex);
    const scalar = plain ? scalarValue(r, valueStart, valueEnd, context.limit) : NOT_SCALAR;
    if (scalar !== NOT_SCALAR) setAttribute(attributes, key, scalar);
    else {
      r.pos = start;
      setAttribute(attributes, key, toValue(decodeKeyValue(r, length, KEY_VALUE_DEPTH).value, context.limit));
    }
  }
  r.pos = end;
  if (plain) context.push(start, end, keyIndex, keyStart, keyEnd, valueStart, valueEnd);
  else context.push(start, end, keyIndex, NOT_PLAIN, 0, 0, 0);
}

/**
 * Hashes the bytes of a string AnyValue held under an input content key ranked before the one the
 * span's input was taken from so far, the way `inputContentHash` hashes the decoded string.
 */
function hashIfInput(r: Reader, context: SkimContext, rank: number, valueStart: number, valueEnd: number): void {
  if (rank >= context.inputRank) return;
  r.pos = valueStart;
  if (r.uint32() !== STRING_VALUE_TAG) return;
  const size = r.uint32();
  if (r.pos + size !== valueEnd) return;
  context.inputRank = rank;
  context.inputHash = hashInputBytes(r.buf, r.pos, valueEnd);
}

// AnyValue.string_value: field 1, wire type 2.
const STRING_VALUE_TAG = (1 << 3) | 2;
const NOT_SCALAR = Symbol('not a scalar');

/**
 * The value of an AnyValue holding one string, bool, int or double field, as `toValue` gives it;
 * NOT_SCALAR for any other (arrays, kvlists, bytes, repeated or unknown fields), which protobufjs reads.
 */
function scalarValue(r: Reader, start: number, end: number, limit: AttributeValueLimit): AttrValue | typeof NOT_SCALAR {
  if (start < 0 || start === end) return null;
  r.pos = start;
  const outer = r.len;
  r.len = end;
  let value: AttrValue | typeof NOT_SCALAR = NOT_SCALAR;
  const tag = r.tag();
  const wireType = tag & 7;
  const field = tag >>> 3;
  if (wireType === 2 && field === 1) value = limit.string(r.stringVerify());
  else if (wireType === 0 && field === 3) value = int64ToValue(r.int64());
  else if (wireType === 1 && field === 4) value = r.double();
  else if (wireType === 0 && field === 2) value = r.bool();
  if (r.pos !== end) value = NOT_SCALAR;
  r.len = outer;
  return value;
}
