import { AttributeValueLimit } from './attribute-value-limit.js';
import type { OtlpFormat } from './decode-trace-request.js';
import { eventNameOf, SEVERITY_NUMBER_NAMES, type LogRecord, type LogsRequest, type ResourceLogs, type ScopeLogs } from './logs-request.js';
import * as json from './otlp-json.js';
import * as pb from './otlp-protobuf.js';
import { ExportLogsServiceRequestType } from './otlp-schema.js';
import { keepText } from './safe-text.js';
import { DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH, type DecodeOptions } from './trace-request.js';

/**
 * Decodes an (already inflated) OTLP/HTTP ExportLogsServiceRequest. An empty body is a request
 * with no log records. Throws OtlpError 'bad_request' naming the offending field.
 */
export function decodeLogsRequest(body: Uint8Array, format: OtlpFormat, options: DecodeOptions = {}): LogsRequest {
  const limit = new AttributeValueLimit(options.maxAttributeValueLength ?? DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH);
  return format === 'protobuf' ? decodeProtobuf(body, limit) : decodeJson(body, limit);
}

// ---- protobuf

interface PbLogRecord {
  timeUnixNano: pb.LongBits | number;
  observedTimeUnixNano: pb.LongBits | number;
  severityNumber: number;
  severityText: string;
  body: pb.PbAnyValue | null;
  attributes: pb.PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}
interface PbExportLogsServiceRequest {
  resourceLogs: {
    resource: pb.PbResource | null;
    scopeLogs: { scope: pb.PbScope | null; logRecords: PbLogRecord[]; schemaUrl: string }[];
    schemaUrl: string;
  }[];
}

function decodeProtobuf(body: Uint8Array, limit: AttributeValueLimit): LogsRequest {
  const message = pb.decodeMessage<PbExportLogsServiceRequest>(ExportLogsServiceRequestType, body);
  // pb.decodeMessage's reader made the strings safe.
  limit.text = keepText;
  let logRecordCount = 0;
  const resourceLogs = message.resourceLogs.map((pbResourceLogs, r): ResourceLogs => {
    const path = `resourceLogs[${r}]`;
    const scopeLogs = pbResourceLogs.scopeLogs.map((pbScopeLogs, s): ScopeLogs => {
      const scopePath = `${path}.scopeLogs[${s}]`;
      const logRecords = pbScopeLogs.logRecords.map((record, i) => toProtobufLogRecord(record, limit, `${scopePath}.logRecords[${i}]`));
      logRecordCount += logRecords.length;
      return { scope: pb.toScope(pbScopeLogs.scope, limit, `${scopePath}.scope`), schemaUrl: limit.text(pbScopeLogs.schemaUrl), logRecords };
    });
    return { resource: pb.toResource(pbResourceLogs.resource, limit, `${path}.resource`), schemaUrl: limit.text(pbResourceLogs.schemaUrl), scopeLogs };
  });
  return { resourceLogs, logRecordCount, truncatedValues: limit.truncated };
}

function toProtobufLogRecord(record: PbLogRecord, limit: AttributeValueLimit, path: string): LogRecord {
  const attributes = pb.toAttributes(record.attributes, limit, `${path}.attributes`);
  return {
    timeUnixNano: pb.toBigInt(record.timeUnixNano),
    observedTimeUnixNano: pb.toBigInt(record.observedTimeUnixNano),
    severityNumber: record.severityNumber,
    severityText: limit.text(record.severityText),
    eventName: eventNameOf(limit.text(record.eventName), attributes),
    body: pb.toValue(record.body, limit, `${path}.body`),
    attributes,
    droppedAttributesCount: record.droppedAttributesCount,
    flags: record.flags,
    traceId: pb.toOptionalId(record.traceId, 16, `${path}.traceId`),
    spanId: pb.toOptionalId(record.spanId, 8, `${path}.spanId`),
  };
}

// ---- JSON

function decodeJson(body: Uint8Array, limit: AttributeValueLimit): LogsRequest {
  const request = json.parseJsonRequest(body, limit);
  let logRecordCount = 0;
  const resourceLogs = json.asArray(request?.resourceLogs, 'resourceLogs').map((value, r): ResourceLogs => {
    const path = `resourceLogs[${r}]`;
    const jsonResourceLogs = json.asObject(value, path);
    const scopeLogs = json.asArray(jsonResourceLogs.scopeLogs, `${path}.scopeLogs`).map((scopeValue, s): ScopeLogs => {
      const scopePath = `${path}.scopeLogs[${s}]`;
      const jsonScopeLogs = json.asObject(scopeValue, scopePath);
      const logRecords = json.asArray(jsonScopeLogs.logRecords, `${scopePath}.logRecords`).map((recordValue, i) => {
        const recordPath = `${scopePath}.logRecords[${i}]`;
        return toJsonLogRecord(json.asObject(recordValue, recordPath), limit, recordPath);
      });
      logRecordCount += logRecords.length;
      return {
        scope: json.toScope(jsonScopeLogs.scope, limit, `${scopePath}.scope`),
        schemaUrl: json.asText(jsonScopeLogs.schemaUrl, limit, `${scopePath}.schemaUrl`),
        logRecords,
      };
    });
    return {
      resource: json.toResource(jsonResourceLogs.resource, limit, `${path}.resource`),
      schemaUrl: json.asText(jsonResourceLogs.schemaUrl, limit, `${path}.schemaUrl`),
      scopeLogs,
    };
  });
  return { resourceLogs, logRecordCount, truncatedValues: limit.truncated };
}

function toJsonLogRecord(record: json.JsonObject, limit: AttributeValueLimit, path: string): LogRecord {
  const attributes = json.toAttributes(record.attributes, limit, `${path}.attributes`);
  return {
    timeUnixNano: json.asUint64(record.timeUnixNano, `${path}.timeUnixNano`),
    observedTimeUnixNano: json.asUint64(record.observedTimeUnixNano, `${path}.observedTimeUnixNano`),
    severityNumber: json.toEnumNumber(record.severityNumber, SEVERITY_NUMBER_NAMES, `${path}.severityNumber`),
    severityText: json.asText(record.severityText, limit, `${path}.severityText`),
    eventName: eventNameOf(json.asText(record.eventName, limit, `${path}.eventName`), attributes),
    body: json.toValue(record.body, limit, `${path}.body`),
    attributes,
    droppedAttributesCount: json.asUint32(record.droppedAttributesCount, `${path}.droppedAttributesCount`),
    flags: json.asUint32(record.flags, `${path}.flags`),
    traceId: json.toOptionalId(record.traceId, 16, `${path}.traceId`),
    spanId: json.toOptionalId(record.spanId, 8, `${path}.spanId`),
  };
}
