import { ExportTraceServiceRequestType } from '../otlp-schema.js';

/** Encodes a request given in protobufjs object form (bytes as Buffer, 64-bit values as strings). */
export function encodeProtobufRequest(request: Record<string, unknown>): Buffer {
  const message = ExportTraceServiceRequestType.fromObject(request);
  return Buffer.from(ExportTraceServiceRequestType.encode(message).finish());
}

export function protobufSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
    spanId: Buffer.from('b7ad6b7169203331', 'hex'),
    name: 'span',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    ...overrides,
  };
}

export function oneSpanRequest(span: Record<string, unknown>): Record<string, unknown> {
  return { resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] };
}
