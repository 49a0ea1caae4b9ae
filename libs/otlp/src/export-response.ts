import type protobuf from 'protobufjs';
import type { OtlpFormat } from './decode-trace-request.js';
import {
  ExportLogsServiceResponseType,
  ExportMetricsServiceResponseType,
  ExportTraceServiceResponseType,
  RpcStatusType,
} from './otlp-schema.js';

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

export interface LogsPartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

export interface MetricsPartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

/** The 200 body of `POST /v1/logs`: `partialSuccess` is left unset when everything was accepted. */
export function encodeLogsExportResponse(format: OtlpFormat, partialSuccess?: LogsPartialSuccess): Buffer {
  return encodeResponse(ExportLogsServiceResponseType, format, partialSuccess, partialSuccess?.rejectedLogRecords ?? 0);
}

/** The 200 body of `POST /v1/metrics`: `partialSuccess` is left unset when everything was accepted. */
export function encodeMetricsExportResponse(format: OtlpFormat, partialSuccess?: MetricsPartialSuccess): Buffer {
  return encodeResponse(ExportMetricsServiceResponseType, format, partialSuccess, partialSuccess?.rejectedDataPoints ?? 0);
}

function encodeResponse(
  type: protobuf.Type,
  format: OtlpFormat,
  partialSuccess: { errorMessage: string } | undefined,
  rejected: number,
): Buffer {
  const body = partialSuccess !== undefined && (rejected > 0 || partialSuccess.errorMessage !== '') ? { partialSuccess } : {};
  if (format === 'json') return Buffer.from(JSON.stringify(body));
  return toBuffer(type.encode(type.create(body)).finish());
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
