import type { Attributes, Span, SpanEvent, TraceRequest } from '../trace-request.js';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

let nextSpan = 1;

/** A span with sensible defaults; override only what the test is about. */
export function span(overrides: Partial<Span> = {}): Span {
  return {
    traceId: TRACE_ID,
    spanId: (nextSpan++).toString(16).padStart(16, '0'),
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: 'span',
    kind: 'client',
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_250_000_000n,
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    status: { code: 'unset', message: '' },
    ...overrides,
  };
}

export function event(name: string, attributes: Attributes, timeUnixNano = 1_700_000_000_300_000_000n): SpanEvent {
  return { name, attributes, timeUnixNano };
}

export function requestOf(spans: Span[], resourceAttributes: Attributes = { 'service.name': 'svc' }): TraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'test', version: '', attributes: {} }, schemaUrl: '', spans }],
      },
    ],
    spanCount: spans.length,
    truncatedValues: 0,
  };
}

export const CHAT_ATTRIBUTES: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
};
