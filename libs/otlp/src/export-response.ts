import type { OtlpFormat } from './decode-trace-request.js';
import { ExportTraceServiceResponseType, RpcStatusType } from './otlp-schema.js';

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** The 200 body: `partialSuccess` is left unset when everything was accepted. */
export function encodeExportResponse(format: OtlpFormat, partialSuccess?: PartialSuccess): Buffer {
  const hasPartialSuccess =
    partialSuccess !== undefined && (partialSuccess.rejectedSpans > 0 || partialSuccess.errorMessage !== '');
  if (format === 'json') {
    return Buffer.from(JSON.stringify(hasPartialSuccess ? { partialSuccess } : {}));
  }
  const message = ExportTraceServiceResponseType.create(hasPartialSuccess ? { partialSuccess } : {});
  return toBuffer(ExportTraceServiceResponseType.encode(message).finish());
}

/** A google.rpc.Status body for 4xx/5xx answers. */
export function encodeStatus(format: OtlpFormat, status: { code: number; message: string }): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code: status.code, message: status.message }));
  const message = RpcStatusType.create({ code: status.code, message: status.message });
  return toBuffer(RpcStatusType.encode(message).finish());
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
