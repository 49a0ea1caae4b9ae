import { hash64 } from './input-hash.js';
import type { Attributes, AttrValue, Span, TraceRequest } from './trace-request.js';

// The same names as libs/tiering's: the report reads what the ingest writes.
export const NO_JOURNEY = '(none)';
export const OTHER_JOURNEY = '(other)';
export const DEFAULT_JOURNEY_ATTRIBUTES: readonly string[] = ['assay.journey', 'ai.telemetry.functionId', 'gen_ai.agent.name', 'traceloop.workflow.name', 'http.route'];
export const DEFAULT_JOURNEY_LIMIT = 500;
export const MAX_JOURNEY_LENGTH = 200;
// A parent chain longer than this (or a cycle, which a hostile body can send) ends the search.
const MAX_ANCESTORS = 64;

/**
 * Where a call's input content is, in the order looked for: the GenAI conventions, the AI SDK's
 * provider call (messages) and outer call (prompt), OpenInference.
 */
export const INPUT_CONTENT_KEYS: readonly string[] = ['gen_ai.input.messages', 'ai.prompt.messages', 'input.value', 'ai.prompt', 'ai.values'];

/** A 64-bit hash of a call's normalised input (`hash64`), as two unsigned 32-bit halves. */
export interface InputHash {
  high: number;
  low: number;
}

function journeyValue(value: AttrValue | undefined): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  const name = value.trim();
  if (name === '') return null;
  return name.length > MAX_JOURNEY_LENGTH ? name.slice(0, MAX_JOURNEY_LENGTH) : name;
}

/** The value of the first of `keys` present (non-empty) in `attributes`, or null. */
export function journeyIn(attributes: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const name = journeyValue(attributes[key]);
    if (name !== null) return name;
  }
  return null;
}

const spanKey = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

/**
 * Names the journey of inference spans of one request: the first present of `keys` on the span,
 * else on its nearest ancestor in the request that has one, else on the resource, else NO_JOURNEY.
 * The spans of the request are indexed only when a span lacks a journey of its own.
 */
export class JourneyResolver {
  private spans: Map<string, Span> | null = null;

  constructor(
    private readonly request: TraceRequest,
    private readonly keys: readonly string[],
  ) {}

  resolve(span: Span, resourceAttributes: Attributes): string {
    const own = journeyIn(span.attributes, this.keys);
    if (own !== null) return own;
    let parentId = span.parentSpanId;
    for (let depth = 0; parentId !== null && depth < MAX_ANCESTORS; depth++) {
      const parent = this.index().get(spanKey(span.traceId, parentId));
      if (parent === undefined) break;
      const inherited = journeyIn(parent.attributes, this.keys);
      if (inherited !== null) return inherited;
      parentId = parent.parentSpanId;
    }
    return journeyIn(resourceAttributes, this.keys) ?? NO_JOURNEY;
  }

  private index(): Map<string, Span> {
    if (this.spans !== null) return this.spans;
    const spans = new Map<string, Span>();
    for (const resourceSpans of this.request.resourceSpans) {
      for (const scopeSpans of resourceSpans.scopeSpans) for (const span of scopeSpans.spans) spans.set(spanKey(span.traceId, span.spanId), span);
    }
    this.spans = spans;
    return spans;
  }
}

const isAsciiSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * The hash of input content given as UTF-8 bytes: normalised by dropping the ASCII whitespace
 * around it, so that the protobuf skim (which hashes the bytes on the wire) and a decoded string
 * agree. An empty input has no hash.
 */
export function hashInputBytes(bytes: Uint8Array, start = 0, end = bytes.length): InputHash | null {
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  if (start === end) return null;
  return hash64(bytes, start, end);
}

/** The hash of the first input content attribute holding a string, or null. */
export function inputContentHash(attributes: Attributes): InputHash | null {
  for (const key of INPUT_CONTENT_KEYS) {
    const value = attributes[key];
    if (typeof value === 'string') return hashInputBytes(Buffer.from(value, 'utf8'));
  }
  return null;
}
