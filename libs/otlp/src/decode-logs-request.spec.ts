import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MAX_ANY_VALUE_DEPTH } from './common-request.js';
import { decodeLogsRequest } from './decode-logs-request.js';
import { OtlpError } from './otlp-error.js';
import { ExportLogsServiceRequestType } from './otlp-schema.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

/** Log records as the OpenTelemetry JS SDK hands them to its exporters. */
function sdkLogRecords() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-api' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('genai-instrumentation', '1.2.3');
  const spanContext = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  logger.emit({
    eventName: 'gen_ai.choice',
    timestamp: [1700000000, 123456789],
    observedTimestamp: [1700000001, 5],
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Thirty days.' }, tool_calls: ['a', 'b'] },
    attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.usage.output_tokens': 4, ratio: 0.5 },
    context: spanContext,
  });
  // An older SDK's event: the name only in the `event.name` attribute, no span context.
  logger.emit({ body: 'plain text', attributes: { 'event.name': 'gen_ai.user.message' }, severityNumber: SeverityNumber.WARN2 });
  logger.emit({ body: 'no event' });
  return exporter.getFinishedLogRecords();
}

function sdkBody(format: 'protobuf' | 'json'): Buffer {
  const serializer = format === 'protobuf' ? ProtobufLogsSerializer : JsonLogsSerializer;
  return Buffer.from(serializer.serializeRequest(sdkLogRecords())!);
}

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function jsonRequest(record: Record<string, unknown>): Buffer {
  return jsonBody({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
}

function protobufRequest(record: Record<string, unknown>): Buffer {
  const request = { resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] };
  return Buffer.from(ExportLogsServiceRequestType.encode(ExportLogsServiceRequestType.fromObject(request)).finish());
}

function badRequest(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OtlpError, String(error));
    assert.equal(error.kind, 'bad_request');
    assert.match(error.message, pattern);
    return true;
  };
}

/** An AnyValue of `levels` nested single-element arrays around a string. */
function nestedArray(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { arrayValue: { values: [value] } };
  return value;
}

describe(decodeLogsRequest.name, () => {
  for (const format of ['protobuf', 'json'] as const) {
    describe(`SDK ${format} output`, () => {
      const request = decodeLogsRequest(sdkBody(format), format);
      const resourceLogs = request.resourceLogs[0];
      const scopeLogs = resourceLogs.scopeLogs[0];
      const [choice, legacy, plain] = scopeLogs.logRecords;

      it('counts the records and keeps resource and scope', () => {
        assert.equal(request.logRecordCount, 3);
        assert.equal(request.truncatedValues, 0);
        assert.equal(resourceLogs.resource.attributes['service.name'], 'chat-api');
        assert.equal(scopeLogs.scope.name, 'genai-instrumentation');
        assert.equal(scopeLogs.scope.version, '1.2.3');
      });

      it('reads the event name field, times, severity and span context', () => {
        assert.equal(choice.eventName, 'gen_ai.choice');
        assert.equal(choice.timeUnixNano, 1700000000123456789n);
        assert.equal(choice.observedTimeUnixNano, 1700000001000000005n);
        assert.equal(choice.severityNumber, 9);
        assert.equal(choice.severityText, 'INFO');
        assert.equal(choice.traceId, TRACE_ID);
        assert.equal(choice.spanId, SPAN_ID);
        assert.equal(choice.flags, 1);
      });

      it('decodes a kvlist body into an object, with nested kvlists and arrays', () => {
        assert.deepEqual(choice.body, {
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: 'Thirty days.' },
          tool_calls: ['a', 'b'],
        });
        assert.deepEqual(choice.attributes, { 'gen_ai.provider.name': 'openai', 'gen_ai.usage.output_tokens': 4, ratio: 0.5 });
      });

      it('falls back to the event.name attribute and gives null ids without a span context', () => {
        assert.equal(legacy.eventName, 'gen_ai.user.message');
        assert.equal(legacy.attributes['event.name'], 'gen_ai.user.message');
        assert.equal(legacy.body, 'plain text');
        assert.equal(legacy.severityNumber, 14);
        assert.equal(legacy.traceId, null);
        assert.equal(legacy.spanId, null);
        assert.equal(plain.eventName, null);
        assert.equal(plain.severityNumber, 0);
      });
    });

    it(`decodes an empty ${format} body as a request without records`, () => {
      assert.deepEqual(decodeLogsRequest(Buffer.alloc(0), format), { resourceLogs: [], logRecordCount: 0, truncatedValues: 0 });
    });

    it(`prefers the event name field over the attribute (${format})`, () => {
      const record = { eventName: 'new.name', attributes: [{ key: 'event.name', value: { stringValue: 'old.name' } }] };
      const body = format === 'json' ? jsonRequest(record) : protobufRequest(record);
      assert.equal(decodeLogsRequest(body, format).resourceLogs[0].scopeLogs[0].logRecords[0].eventName, 'new.name');
    });

    it(`treats an all-zero trace id as absent and refuses one of the wrong length (${format})`, () => {
      const zero = format === 'json' ? jsonRequest({ traceId: '0'.repeat(32) }) : protobufRequest({ traceId: Buffer.alloc(16) });
      assert.equal(decodeLogsRequest(zero, format).resourceLogs[0].scopeLogs[0].logRecords[0].traceId, null);
      const short = format === 'json' ? jsonRequest({ spanId: 'abcd' }) : protobufRequest({ spanId: Buffer.alloc(3, 1) });
      assert.throws(() => decodeLogsRequest(short, format), badRequest(/^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.spanId: not /));
    });

    it(`refuses a body nested deeper than ${MAX_ANY_VALUE_DEPTH} levels, keeps one at the limit (${format})`, () => {
      const encode = format === 'json' ? jsonRequest : protobufRequest;
      const atLimit = decodeLogsRequest(encode({ body: nestedArray(MAX_ANY_VALUE_DEPTH) }), format);
      assert.equal(atLimit.resourceLogs[0].scopeLogs[0].logRecords[0].body?.toString(), 'leaf');
      assert.equal(JSON.stringify(atLimit.resourceLogs[0].scopeLogs[0].logRecords[0].body).split('[').length - 1, MAX_ANY_VALUE_DEPTH);
      assert.throws(
        () => decodeLogsRequest(encode({ body: nestedArray(MAX_ANY_VALUE_DEPTH + 1) }), format),
        badRequest(/^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body(\.arrayValue\.values\[0\])*: arrays and kvlists nested deeper than 32 levels$/),
      );
    });

    it(`cuts long string bodies to maxAttributeValueLength (${format})`, () => {
      const body = (format === 'json' ? jsonRequest : protobufRequest)({ body: { stringValue: 'x'.repeat(100) } });
      const request = decodeLogsRequest(body, format, { maxAttributeValueLength: 10 });
      assert.equal(request.resourceLogs[0].scopeLogs[0].logRecords[0].body, 'x'.repeat(10));
      assert.equal(request.truncatedValues, 1);
    });
  }

  describe('JSON', () => {
    it('reads int64 times as strings or numbers and severity as a number or a name', () => {
      const body = jsonBody({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: '1700000000000000001', severityNumber: 'SEVERITY_NUMBER_ERROR3', body: { intValue: '9007199254740993' } },
                  { timeUnixNano: 1700000000, severityNumber: 17, traceId: TRACE_ID.toUpperCase(), spanId: '' },
                ],
              },
            ],
          },
        ],
      });
      const [first, second] = decodeLogsRequest(body, 'json').resourceLogs[0].scopeLogs[0].logRecords;
      assert.equal(first.timeUnixNano, 1700000000000000001n);
      assert.equal(first.severityNumber, 19);
      assert.equal(first.body, '9007199254740993');
      assert.equal(second.timeUnixNano, 1700000000n);
      assert.equal(second.severityNumber, 17);
      assert.equal(second.traceId, TRACE_ID);
      assert.equal(second.spanId, null);
    });

    it('names the field of the wrong type', () => {
      assert.throws(() => decodeLogsRequest(jsonRequest({ severityText: 3 }), 'json'), badRequest(/^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityText: not a string$/));
      assert.throws(() => decodeLogsRequest(jsonRequest({ timeUnixNano: -1 }), 'json'), badRequest(/timeUnixNano: not an unsigned 64-bit integer$/));
      assert.throws(() => decodeLogsRequest(jsonRequest({ severityNumber: 'LOUD' }), 'json'), badRequest(/severityNumber: not a valid enum value$/));
      assert.throws(() => decodeLogsRequest(jsonRequest({ body: 'text' }), 'json'), badRequest(/logRecords\[0\]\.body: not an object$/));
      assert.throws(() => decodeLogsRequest(jsonBody({ resourceLogs: {} }), 'json'), badRequest(/^resourceLogs: not an array$/));
    });

    it('refuses invalid JSON and non-UTF-8 bodies', () => {
      assert.throws(() => decodeLogsRequest(Buffer.from('{"resourceLogs":['), 'json'), badRequest(/^invalid JSON: /));
      assert.throws(() => decodeLogsRequest(Buffer.from([0xff, 0xfe]), 'json'), badRequest(/not valid UTF-8/));
    });

    it('refuses a pathologically deep body without exhausting the stack, before parsing it', () => {
      // Built as text: JSON.stringify itself recurses.
      const levels = 100_000;
      const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels)}{}${'}]}}'.repeat(levels)}}]}]}]}`;
      assert.throws(() => decodeLogsRequest(Buffer.from(body), 'json'), badRequest(/JSON nesting deeper than 144 levels$/));
    });

    it('refuses a body 33 kvlists deep, within the JSON nesting limit, by the AnyValue depth', () => {
      const levels = 33;
      const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels)}{}${'}]}}'.repeat(levels)}}]}]}]}`;
      assert.throws(() => decodeLogsRequest(Buffer.from(body), 'json'), badRequest(/nested deeper than 32 levels$/));
    });
  });

  describe('protobuf', () => {
    it('refuses a truncated body', () => {
      const body = sdkBody('protobuf');
      assert.throws(() => decodeLogsRequest(body.subarray(0, body.length - 5), 'protobuf'), badRequest(/^invalid protobuf ExportLogsServiceRequest: /));
    });

    it('refuses bytes that are not protobuf', () => {
      assert.throws(() => decodeLogsRequest(Buffer.from('{"resourceLogs":[]}'), 'protobuf'), badRequest(/^invalid protobuf /));
    });
  });
});
