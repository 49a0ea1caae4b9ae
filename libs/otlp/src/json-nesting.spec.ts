import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogsRequest } from './decode-logs-request.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { MAX_OTLP_JSON_DEPTH, jsonNestingPastLimit } from './json-nesting.js';
import { OtlpError } from './otlp-error.js';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

// An attribute value inside `levels` kvlists, in a trace request.
function traceWithKvlists(levels: number): string {
  let value = '{"stringValue":"leaf"}';
  for (let i = 0; i < levels; i++) value = `{"kvlistValue":{"values":[{"key":"k${i}","value":${value}}]}}`;
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat', attributes: [{ key: 'deep', value: 'VALUE' }] }] }] }] }).replace('"VALUE"', value);
}

describe(jsonNestingPastLimit.name, () => {
  it('finds the bracket that opens the first level past the limit', () => {
    assert.equal(jsonNestingPastLimit(bytes('[[[]]]'), 3), -1);
    assert.equal(jsonNestingPastLimit(bytes('[[[[]]]]'), 3), 3);
    assert.equal(jsonNestingPastLimit(bytes('{"a":{"b":[{}]}}'), 3), 11);
  });

  it('counts depth, not brackets: siblings do not add up', () => {
    assert.equal(jsonNestingPastLimit(bytes(JSON.stringify(Array.from({ length: 10_000 }, () => [[1]]))), 3), -1);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    assert.equal(jsonNestingPastLimit(bytes(JSON.stringify({ text: '[[[[{{{{', quoted: 'say \\"[[[[\\" \\\\', tail: ['x'] })), 2), -1);
    assert.equal(jsonNestingPastLimit(bytes(`["\\\\",[[1]]]`), 2), 7);
  });

  it('scans 200,000 open brackets without recursion', () => {
    assert.equal(jsonNestingPastLimit(bytes('['.repeat(200_000)), 64), 64);
  });

  it('leaves malformed text to the parser', () => {
    assert.equal(jsonNestingPastLimit(bytes('"never closed [[[['), 2), -1);
    assert.equal(jsonNestingPastLimit(bytes(']]]]{'), 2), -1);
  });
});

describe('OTLP/JSON nesting limit', () => {
  it(`refuses a trace request nested past ${MAX_OTLP_JSON_DEPTH} levels before decoding it`, () => {
    assert.throws(
      () => decodeTraceRequest(bytes(traceWithKvlists(5_000)), 'json'),
      (error: unknown) => error instanceof OtlpError && error.kind === 'bad_request' && error.message.includes(`JSON nesting deeper than ${MAX_OTLP_JSON_DEPTH} levels`),
    );
  });

  it('keeps the deepest attribute value the protobuf decoders keep (32 kvlists)', () => {
    const request = decodeTraceRequest(bytes(traceWithKvlists(32)), 'json');
    assert.equal(request.spanCount, 1);
  });

  it('refuses a log body nested 5,000 arrays deep with the limit, not a stack overflow', () => {
    let body = '{"stringValue":"leaf"}';
    for (let i = 0; i < 5_000; i++) body = `{"arrayValue":{"values":[${body}]}}`;
    const logs = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${body}}]}]}]}`;
    assert.throws(() => decodeLogsRequest(bytes(logs), 'json'), /JSON nesting deeper than/);
  });
});
