/// <reference lib="es2024.string" />
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type protobuf from 'protobufjs';
import { decodeLogsRequest } from './decode-logs-request.js';
import { decodeMetricsRequest } from './decode-metrics-request.js';
import { decodeTraceRequest, type OtlpFormat } from './decode-trace-request.js';
import { OtlpError } from './otlp-error.js';
import { ExportLogsServiceRequestType, ExportMetricsServiceRequestType, ExportTraceServiceRequestType } from './otlp-schema.js';
import { jsonMayHoldUnsafeText, REPLACEMENT_CHARACTER, safeText } from './safe-text.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const FFFD = REPLACEMENT_CHARACTER;

// Every string field a request carries, each holding `bad` between two letters: `x<bad>y`.
const str = (value: string) => ({ stringValue: value });
const kv = (key: string, value: unknown) => ({ key, value });
const attributes = (bad: string) => [
  kv(`k${bad}ey`, str(`v${bad}al`)),
  kv('list', { arrayValue: { values: [str(`a${bad}rr`)] } }),
  kv('map', { kvlistValue: { values: [kv(`in${bad}ner`, str(`de${bad}ep`))] } }),
];
const resource = (bad: string) => ({ attributes: attributes(bad) });
const scope = (bad: string) => ({ name: `sc${bad}ope`, version: `ve${bad}rsion`, attributes: attributes(bad) });

function traceRequest(bad: string, ids: (hex: string) => unknown) {
  return {
    resourceSpans: [
      {
        resource: resource(bad),
        schemaUrl: `ur${bad}l`,
        scopeSpans: [
          {
            scope: scope(bad),
            schemaUrl: `ur${bad}l`,
            spans: [
              {
                traceId: ids(TRACE_ID),
                spanId: ids(SPAN_ID),
                traceState: `st${bad}ate`,
                name: `na${bad}me`,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000250000000',
                attributes: attributes(bad),
                events: [{ name: `ev${bad}ent`, timeUnixNano: '1700000000100000000', attributes: attributes(bad) }],
                links: [{ traceId: ids(TRACE_ID), spanId: ids(SPAN_ID), attributes: attributes(bad) }],
                status: { code: 2, message: `mes${bad}sage` },
              },
            ],
          },
        ],
      },
    ],
  };
}

function logsRequest(bad: string, ids: (hex: string) => unknown) {
  return {
    resourceLogs: [
      {
        resource: resource(bad),
        schemaUrl: `ur${bad}l`,
        scopeLogs: [
          {
            scope: scope(bad),
            schemaUrl: `ur${bad}l`,
            logRecords: [
              {
                timeUnixNano: '1700000000000000000',
                severityText: `IN${bad}FO`,
                eventName: `gen_ai${bad}choice`,
                body: { kvlistValue: { values: [kv(`finish${bad}reason`, str(`st${bad}op`))] } },
                attributes: attributes(bad),
                traceId: ids(TRACE_ID),
                spanId: ids(SPAN_ID),
              },
            ],
          },
        ],
      },
    ],
  };
}

function metricsRequest(bad: string) {
  const point = { attributes: attributes(bad), timeUnixNano: '1700000000000000000', asDouble: 1.5, exemplars: [{ filteredAttributes: attributes(bad), asDouble: 1 }] };
  return {
    resourceMetrics: [
      {
        resource: resource(bad),
        schemaUrl: `ur${bad}l`,
        scopeMetrics: [
          {
            scope: scope(bad),
            schemaUrl: `ur${bad}l`,
            metrics: [{ name: `me${bad}tric`, description: `desc${bad}ription`, unit: `s${bad}`, metadata: attributes(bad), gauge: { dataPoints: [point] } }],
          },
        ],
      },
    ],
  };
}

function encode(type: protobuf.Type, request: object): Buffer {
  return Buffer.from(type.encode(type.fromObject(request as Record<string, unknown>)).finish());
}

const hexIds = (hex: string): string => hex;
const byteIds = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** Every key and string value in a decoded request, however deep. */
function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, into);
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      stringsOf(item, into);
    }
  }
  return into;
}

/** Each poisoned string arrives with U+FFFD in place of the bad character, and nothing unsafe is left. */
function assertSanitised(decoded: unknown, poisoned: number): void {
  const strings = stringsOf(decoded);
  assert.deepEqual(
    strings.filter((s) => s.includes('\u0000') || !s.isWellFormed()),
    [],
  );
  const replaced = strings.filter((s) => s.includes(FFFD));
  assert.equal(replaced.length, poisoned, replaced.join(' | '));
  for (const s of replaced) assert.match(s, /^[a-z_]+\uFFFD[a-z]*$/i, s);
}

// Strings per poisoned request, counted from the builders above: an attribute set holds 5 (key,
// value, array item, nested key and value).
const ATTRIBUTES = 5;
const TRACE_STRINGS = ATTRIBUTES + 1 /* resource */ + 2 + ATTRIBUTES + 1 /* scope */ + 2 + ATTRIBUTES /* span */ + 1 + ATTRIBUTES /* event */ + ATTRIBUTES /* link */ + 1; /* status */
const LOGS_STRINGS = ATTRIBUTES + 1 + 2 + ATTRIBUTES + 1 + 1 /* severity */ + 1 /* event name */ + 2 /* body */ + ATTRIBUTES;
const METRICS_STRINGS = ATTRIBUTES + 1 + 2 + ATTRIBUTES + 1 + 3 /* name, description, unit */ + ATTRIBUTES /* metadata */ + ATTRIBUTES + ATTRIBUTES; /* point, exemplar */

const CASES: Array<{ label: string; format: OtlpFormat; bad: string }> = [
  { label: 'NUL over protobuf', format: 'protobuf', bad: '\u0000' },
  { label: 'NUL over JSON', format: 'json', bad: '\u0000' },
  { label: 'a lone high surrogate over JSON', format: 'json', bad: '\ud83d' },
  { label: 'a lone low surrogate over JSON', format: 'json', bad: '\ude00' },
];

describe(safeText.name, () => {
  it('returns a clean string as it is, the same string', () => {
    for (const clean of ['', 'gpt-4o', 'naïve – “quoted”', 'emoji 😀 pair', 'x'.repeat(70_000)]) assert.equal(safeText(clean), clean);
  });

  it('replaces NUL and each lone surrogate with U+FFFD, one for one, and keeps surrogate pairs', () => {
    assert.equal(safeText('a\u0000b\u0000'), `a${FFFD}b${FFFD}`);
    assert.equal(safeText('\ud800x\udc00'), `${FFFD}x${FFFD}`);
    assert.equal(safeText('😀\ud83d'), `😀${FFFD}`);
    assert.equal(safeText('\udc00\ud800'), `${FFFD}${FFFD}`, 'a low surrogate before a high one is no pair');
    assert.equal(safeText('\u0000\ud83d\ude00'), `${FFFD}😀`);
  });
});

describe(jsonMayHoldUnsafeText.name, () => {
  it('is false for JSON without an escape of NUL or a surrogate, true for any such escape', () => {
    assert.equal(jsonMayHoldUnsafeText(JSON.stringify({ a: 'naïve\n\t"x" 😀', b: '\\u0000 as text' })), true, 'a literal backslash-u0000 is a false positive, which is allowed');
    assert.equal(jsonMayHoldUnsafeText(JSON.stringify({ a: 'naïve\n\t"x" 😀 \u0001' })), false);
    for (const escape of ['\\u0000', '\\ud800', '\\uDBFF', '\\udc00', '\\uDFFF']) assert.equal(jsonMayHoldUnsafeText(`{"a":"x${escape}"}`), true, escape);
  });
});

describe('decoders make every string safe to store', () => {
  for (const { label, format, bad } of CASES) {
    const body = (type: protobuf.Type, request: object): Buffer => (format === 'json' ? Buffer.from(JSON.stringify(request)) : encode(type, request));
    const ids = format === 'json' ? hexIds : byteIds;

    it(`decodeTraceRequest: ${label} in every string field`, () => {
      const decoded = decodeTraceRequest(body(ExportTraceServiceRequestType, traceRequest(bad, ids)), format);
      assertSanitised(decoded, TRACE_STRINGS);
      const span = decoded.resourceSpans[0].scopeSpans[0].spans[0];
      assert.equal(span.name, `na${FFFD}me`);
      assert.equal(span.attributes[`k${FFFD}ey`], `v${FFFD}al`);
    });

    it(`decodeLogsRequest: ${label} in every string field`, () => {
      const decoded = decodeLogsRequest(body(ExportLogsServiceRequestType, logsRequest(bad, ids)), format);
      assertSanitised(decoded, LOGS_STRINGS);
      const record = decoded.resourceLogs[0].scopeLogs[0].logRecords[0];
      assert.deepEqual([record.eventName, record.body], [`gen_ai${FFFD}choice`, { [`finish${FFFD}reason`]: `st${FFFD}op` }]);
    });

    it(`decodeMetricsRequest: ${label} in every string field`, () => {
      const decoded = decodeMetricsRequest(body(ExportMetricsServiceRequestType, metricsRequest(bad)), format);
      assertSanitised(decoded, METRICS_STRINGS);
      assert.equal(decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].name, `me${FFFD}tric`);
    });
  }

  it('keeps well-formed text and escaped surrogate pairs over JSON, the same as without escapes', () => {
    const text = 'naïve 😀 — done';
    const escaped = JSON.stringify(traceRequest('', hexIds)).replace('"name":"name"', `"name":${JSON.stringify(text).replace('😀', '\\ud83d\\ude00')}`);
    const span = decodeTraceRequest(Buffer.from(escaped), 'json').resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.name, text);
  });

  it('refuses protobuf whose string is not UTF-8 (an encoded surrogate) as bad_request', () => {
    const body = encode(ExportTraceServiceRequestType, traceRequest('', byteIds));
    const at = body.indexOf('name');
    assert.ok(at > 0);
    body.set([0xed, 0xa0, 0x80], at);
    assert.throws(() => decodeTraceRequest(body, 'protobuf'), (error: unknown) => error instanceof OtlpError && error.kind === 'bad_request' && /utf-8/i.test(error.message));
  });

  it('cuts long values before the limit without leaving half of a pair, and replaces a lone surrogate before the cut', () => {
    const request = traceRequest('', hexIds);
    request.resourceSpans[0].scopeSpans[0].spans[0].attributes = [kv('cut', str(`ab\ud800${'😀'.repeat(10)}`))];
    const span = decodeTraceRequest(Buffer.from(JSON.stringify(request)), 'json', { maxAttributeValueLength: 8 }).resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.attributes.cut, `ab${FFFD}😀😀`);
  });
});
