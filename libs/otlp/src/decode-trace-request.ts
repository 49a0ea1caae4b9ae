import { AttributeValueLimit } from './attribute-value-limit.js';
import { decodeJsonTraceRequest } from './decode-json.js';
import { decodeProtobufTraceRequest } from './decode-protobuf.js';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, type DecodeOptions, type TraceRequest } from './trace-request.js';

export type OtlpFormat = 'protobuf' | 'json';

/**
 * Decodes an (already inflated) OTLP/HTTP ExportTraceServiceRequest. An empty body is a request
 * with no spans. Throws OtlpError 'bad_request' naming the offending field.
 */
export function decodeTraceRequest(body: Uint8Array, format: OtlpFormat, options: DecodeOptions = {}): TraceRequest {
  const limit = new AttributeValueLimit(options.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);
  return format === 'protobuf' ? decodeProtobufTraceRequest(body, limit) : decodeJsonTraceRequest(body, limit);
}
