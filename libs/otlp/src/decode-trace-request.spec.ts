import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTraceRequest } from './decode-trace-request.js';
import { OtlpError } from './otlp-error.js';
import { encodeProtobufRequest, oneSpanRequest, protobufSpan } from './test-support/protobuf-request.js';
import { readFixture } from './test-support/fixtures.js';

const TEN_MB = 10 * 1024 * 1024;

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function jsonSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: '0AF7651916CD43DD8448EB211C80319C',
    spanId: 'b7ad6b7169203331',
    name: 'span',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: 1700000000,
    ...overrides,
  };
}

function badRequestWith(message: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OtlpError);
    assert.equal(error.kind, 'bad_request');
    assert.equal(error.message, message);
    return true;
  };
}

describe(decodeTraceRequest.name, () => {
  describe('empty input', () => {
    for (const format of ['protobuf', 'json'] as const) {
      it(`decodes an empty ${format} body as a request without spans`, () => {
        assert.deepEqual(decodeTraceRequest(Buffer.alloc(0), format), { resourceSpans: [], spanCount: 0, truncatedValues: 0 });
      });
    }

    it('decodes an empty JSON object as a request without spans', () => {
      assert.equal(decodeTraceRequest(jsonBody({}), 'json').spanCount, 0);
    });
  });

  describe('protobuf', () => {
    it('rejects a truncated body', () => {
      const body = readFixture('genai', 'protobuf');
      assert.throws(
        () => decodeTraceRequest(body.subarray(0, body.length - 7), 'protobuf'),
        (error: unknown) => error instanceof OtlpError && error.kind === 'bad_request' && /^invalid protobuf ExportTraceServiceRequest: /.test(error.message),
      );
    });

    it('reads the last AnyValue member on the wire, and no member as null', () => {
      const span = protobufSpan({
        attributes: [
          { key: 'both', value: { stringValue: 'first', intValue: '7' } },
          { key: 'none', value: {} },
          { key: 'bool', value: { boolValue: false } },
          { key: 'list', value: { arrayValue: { values: [{ doubleValue: 0.5 }, { stringValue: '' }] } } },
        ],
      });
      const [decoded] = decodeTraceRequest(encodeProtobufRequest(oneSpanRequest(span)), 'protobuf').resourceSpans[0].scopeSpans[0].spans;
      assert.deepEqual(decoded.attributes, { both: 7, none: null, bool: false, list: [0.5, ''] });
    });

    it('rejects bytes that are not protobuf', () => {
      assert.throws(() => decodeTraceRequest(Buffer.from('{"resourceSpans":[]}'), 'protobuf'), OtlpError);
    });

    it('rejects a trace id that is not 16 bytes, naming the span', () => {
      const body = encodeProtobufRequest(oneSpanRequest(protobufSpan({ traceId: Buffer.alloc(15, 1) })));
      assert.throws(
        () => decodeTraceRequest(body, 'protobuf'),
        badRequestWith('resourceSpans[0].scopeSpans[0].spans[0].traceId: not 16 bytes (got 15)'),
      );
    });

    it('rejects a missing span id', () => {
      const body = encodeProtobufRequest(oneSpanRequest(protobufSpan({ spanId: Buffer.alloc(0) })));
      assert.throws(() => decodeTraceRequest(body, 'protobuf'), badRequestWith('resourceSpans[0].scopeSpans[0].spans[0].spanId: not 8 bytes (got 0)'));
    });

    it('rejects an all-zero trace id', () => {
      const body = encodeProtobufRequest(oneSpanRequest(protobufSpan({ traceId: Buffer.alloc(16) })));
      assert.throws(() => decodeTraceRequest(body, 'protobuf'), badRequestWith('resourceSpans[0].scopeSpans[0].spans[0].traceId: all zeroes'));
    });

    it('keeps int64 attributes beyond 2^53 exact as decimal strings', () => {
      const attributes = [
        { key: 'small', value: { intValue: '-42' } },
        { key: 'safe', value: { intValue: '9007199254740991' } },
        { key: 'big', value: { intValue: '9007199254740993' } },
        { key: 'negative', value: { intValue: '-9223372036854775808' } },
      ];
      const request = decodeTraceRequest(encodeProtobufRequest(oneSpanRequest(protobufSpan({ attributes }))), 'protobuf');
      assert.deepEqual(request.resourceSpans[0].scopeSpans[0].spans[0].attributes, {
        small: -42,
        safe: 9007199254740991,
        big: '9007199254740993',
        negative: '-9223372036854775808',
      });
    });

    it('decodes nested arrays, kvlists, bytes and empty values', () => {
      const attributes = [
        { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }, { doubleValue: 1.5 }] } } },
        { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { intValue: '7' } }] } } },
        { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 3]) } },
        { key: 'empty', value: {} },
        { key: 'zero', value: { intValue: '0' } },
        { key: 'no', value: { boolValue: false } },
        { key: 'blank', value: { stringValue: '' } },
      ];
      const request = decodeTraceRequest(encodeProtobufRequest(oneSpanRequest(protobufSpan({ attributes }))), 'protobuf');
      const decoded = request.resourceSpans[0].scopeSpans[0].spans[0].attributes;
      assert.equal(decoded.zero, 0);
      assert.equal(decoded.no, false);
      assert.equal(decoded.blank, '');
      assert.deepEqual(decoded.list, ['a', true, 1.5]);
      assert.deepEqual(decoded.map, { k: 7 });
      assert.deepEqual([...(decoded.raw as Uint8Array)], [1, 2, 3]);
      assert.equal(decoded.empty, null);
    });

    it('keeps full 64-bit nanosecond times exact', () => {
      const span = protobufSpan({ startTimeUnixNano: '18446744073709551615' });
      const request = decodeTraceRequest(encodeProtobufRequest(oneSpanRequest(span)), 'protobuf');
      assert.equal(request.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano, 18446744073709551615n);
    });

    it('truncates a 10 MB attribute to the value cap instead of rejecting the span', () => {
      const attributes = [{ key: 'gen_ai.output.messages', value: { stringValue: 'x'.repeat(TEN_MB) } }];
      const body = encodeProtobufRequest(oneSpanRequest(protobufSpan({ attributes })));
      const request = decodeTraceRequest(body, 'protobuf');
      assert.equal((request.resourceSpans[0].scopeSpans[0].spans[0].attributes['gen_ai.output.messages'] as string).length, 65536);
      assert.equal(request.truncatedValues, 1);
    });

    it('does not let a __proto__ attribute key replace the prototype', () => {
      const attributes = [{ key: '__proto__', value: { stringValue: 'x' } }];
      const request = decodeTraceRequest(encodeProtobufRequest(oneSpanRequest(protobufSpan({ attributes }))), 'protobuf');
      const decoded = request.resourceSpans[0].scopeSpans[0].spans[0].attributes;
      assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
      assert.equal(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, 'x');
    });
  });

  describe('json', () => {
    it('rejects invalid JSON with the parser reason', () => {
      assert.throws(
        () => decodeTraceRequest(Buffer.from('{"resourceSpans": ['), 'json'),
        (error: unknown) => error instanceof OtlpError && error.kind === 'bad_request' && error.message.startsWith('invalid JSON: '),
      );
    });

    it('rejects a body that is not UTF-8', () => {
      assert.throws(() => decodeTraceRequest(Buffer.from([0x7b, 0xff, 0x7d]), 'json'), badRequestWith('invalid JSON: body is not valid UTF-8'));
    });

    it('rejects a non-hex trace id, naming the span', () => {
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan(), jsonSpan({ traceId: 'zz'.repeat(16) })] }] }] });
      assert.throws(() => decodeTraceRequest(body, 'json'), badRequestWith('resourceSpans[0].scopeSpans[0].spans[1].traceId: not 32 hex characters'));
    });

    it('rejects a base64 span id (plain proto3 JSON, not OTLP JSON)', () => {
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ spanId: 't61rcWkgMzE=' })] }] }] });
      assert.throws(() => decodeTraceRequest(body, 'json'), badRequestWith('resourceSpans[0].scopeSpans[0].spans[0].spanId: not 16 hex characters'));
    });

    it('rejects a body that is not a JSON object', () => {
      assert.throws(() => decodeTraceRequest(jsonBody([1]), 'json'), badRequestWith('request: not an object'));
    });

    it('rejects a resourceSpans that is not an array', () => {
      assert.throws(() => decodeTraceRequest(jsonBody({ resourceSpans: {} }), 'json'), badRequestWith('resourceSpans: not an array'));
    });

    it('rejects a time that is not an unsigned integer', () => {
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ endTimeUnixNano: '-5' })] }] }] });
      assert.throws(() => decodeTraceRequest(body, 'json'), badRequestWith('resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: not an unsigned 64-bit integer'));
    });

    it('lowercases ids, reads times as strings or numbers and treats an empty parent as a root', () => {
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ parentSpanId: '' })] }] }] });
      const span = decodeTraceRequest(body, 'json').resourceSpans[0].scopeSpans[0].spans[0];
      assert.deepEqual(
        [span.traceId, span.parentSpanId, span.startTimeUnixNano, span.endTimeUnixNano],
        ['0af7651916cd43dd8448eb211c80319c', null, 1700000000000000000n, 1700000000n],
      );
    });

    it('accepts enum names as well as numbers', () => {
      const body = jsonBody({
        resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ kind: 'SPAN_KIND_CLIENT', status: { code: 2, message: 'boom' } })] }] }],
      });
      const span = decodeTraceRequest(body, 'json').resourceSpans[0].scopeSpans[0].spans[0];
      assert.deepEqual([span.kind, span.status], ['client', { code: 'error', message: 'boom' }]);
    });

    it('decodes int64 strings, base64 bytes and kvlists, and ignores unknown keys', () => {
      const attributes = [
        { key: 'count', value: { intValue: '12' } },
        { key: 'big', value: { intValue: '9223372036854775807' } },
        { key: 'raw', value: { bytesValue: 'AQID' } },
        { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
      ];
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ attributes, futureField: 1 })] }] }] });
      const decoded = decodeTraceRequest(body, 'json').resourceSpans[0].scopeSpans[0].spans[0].attributes;
      assert.deepEqual(
        [decoded.count, decoded.big, [...(decoded.raw as Uint8Array)], decoded.map],
        [12, '9223372036854775807', [1, 2, 3], { k: 'v' }],
      );
    });

    it('truncates a 10 MB attribute to a configured cap', () => {
      const attributes = [{ key: 'output.value', value: { stringValue: 'y'.repeat(TEN_MB) } }];
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ attributes })] }] }] });
      const request = decodeTraceRequest(body, 'json', { maxAttributeValueLength: 1000 });
      assert.equal(request.resourceSpans[0].scopeSpans[0].spans[0].attributes['output.value'], 'y'.repeat(1000));
      assert.equal(request.truncatedValues, 1);
    });

    it('does not split a surrogate pair when truncating', () => {
      const attributes = [{ key: 'text', value: { stringValue: 'ab😀' } }];
      const body = jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ attributes })] }] }] });
      const request = decodeTraceRequest(body, 'json', { maxAttributeValueLength: 3 });
      assert.equal(request.resourceSpans[0].scopeSpans[0].spans[0].attributes.text, 'ab');
    });
  });
});
