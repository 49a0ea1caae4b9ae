/**
 * An attribute value as plain JS. int64 values outside ±(2^53 − 1) are kept exact as decimal
 * strings; an empty AnyValue is null; bytes are Uint8Array; kvlists are plain objects.
 */
export type AttrValue = string | number | boolean | null | Uint8Array | AttrValue[] | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type StatusCodeName = 'unset' | 'ok' | 'error';

export interface SpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** Ids are lowercase hex; times are exact nanoseconds since the Unix epoch as bigint. */
export interface Span {
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  traceState: string;
  flags: number;
  name: string;
  kind: SpanKindName;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  status: { code: StatusCodeName; message: string };
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attributes;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: { attributes: Attributes; droppedAttributesCount: number };
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

export interface TraceRequest {
  resourceSpans: ResourceSpans[];
  spanCount: number;
  /** How many string or bytes values were cut to `maxAttributeValueLength`. */
  truncatedValues: number;
}

export interface DecodeOptions {
  /**
   * Longest string (UTF-16 code units) or bytes value kept in an attribute; longer values are cut
   * to this length instead of rejecting the span. Default 65,536.
   */
  maxAttributeValueLength?: number;
}

export const DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 64 * 1024;

export const SPAN_KIND_NAMES: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export const STATUS_CODE_NAMES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];
