import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NO_JOURNEY as REPORT_NO_JOURNEY, OTHER_JOURNEY as REPORT_OTHER_JOURNEY } from '@assay/tiering';
import { DistinctSketch } from '@assay/stats';
import { GENAI_CLIENTS } from '../fixtures/clients/catalog.js';
import { AttributeKeySet } from './attribute-key-set.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { extractInferences } from './extract-inferences.js';
import { UNSAMPLED_SPAN_KEYS } from './inference-fields.js';
import { DEFAULT_JOURNEY_ATTRIBUTES, JourneyResolver, NO_JOURNEY, OTHER_JOURNEY, hashInputBytes, inputContentHash, journeyIn } from './journey.js';
import { skimProtobufTraceRequest } from './skim-protobuf.js';
import { encodeProtobufRequest } from './test-support/protobuf-request.js';
import { CHAT_ATTRIBUTES, requestOf, span } from './test-support/spans.js';
import type { Attributes } from './trace-request.js';

const KEYS = DEFAULT_JOURNEY_ATTRIBUTES;
const journeyOf = (spans: ReturnType<typeof span>[], resource: Attributes = {}, keys = KEYS): string[] =>
  extractInferences(requestOf(spans, resource), { journeyAttributes: keys }).inferences.map((r) => r.journey);

describe(JourneyResolver.name, () => {
  it('takes the first key of the list present on the inference span', () => {
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'http.route': '/chat', 'gen_ai.agent.name': 'helper', 'ai.telemetry.functionId': 'answer' } });
    assert.deepEqual(journeyOf([chat]), ['answer']);
  });

  it('looks at the ancestors in the request, nearest first, when the span names none', () => {
    const server = span({ kind: 'server', attributes: { 'http.route': '/v1/support/:ticket' } });
    const agent = span({ parentSpanId: server.spanId, kind: 'internal', attributes: { 'gen_ai.agent.name': 'triage' } });
    const chatUnderAgent = span({ parentSpanId: agent.spanId, attributes: CHAT_ATTRIBUTES });
    const chatUnderServer = span({ parentSpanId: server.spanId, attributes: CHAT_ATTRIBUTES });
    assert.deepEqual(journeyOf([chatUnderAgent, chatUnderServer, agent, server]), ['triage', '/v1/support/:ticket']);
  });

  it('falls back on the resource, then on (none)', () => {
    const orphan = span({ parentSpanId: 'ffffffffffffffff', attributes: CHAT_ATTRIBUTES });
    assert.deepEqual(journeyOf([orphan], { 'assay.journey': 'batch-summaries' }), ['batch-summaries']);
    assert.deepEqual(journeyOf([span({ attributes: CHAT_ATTRIBUTES })]), [NO_JOURNEY]);
  });

  it('uses only the keys it is given, in their order', () => {
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'http.route': '/chat', 'app.step': 'draft' } });
    assert.deepEqual(journeyOf([chat], {}, ['app.step', 'http.route']), ['draft']);
    assert.deepEqual(journeyOf([chat], {}, ['http.route', 'app.step']), ['/chat']);
  });

  it('stops at a parent cycle, which a hostile request can send', () => {
    const a = span({ attributes: {} });
    const b = span({ parentSpanId: a.spanId, attributes: {} });
    a.parentSpanId = b.spanId;
    const chat = span({ parentSpanId: b.spanId, attributes: CHAT_ATTRIBUTES });
    assert.deepEqual(journeyOf([chat, a, b]), [NO_JOURNEY]);
  });

  it('leaves every journey (none) without journey keys', () => {
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'assay.journey': 'faq' } });
    assert.deepEqual(extractInferences(requestOf([chat])).inferences.map((r) => r.journey), [NO_JOURNEY]);
  });

  it('spells (none) and (other) as the tiering report does', () => {
    assert.deepEqual([NO_JOURNEY, OTHER_JOURNEY], [REPORT_NO_JOURNEY, REPORT_OTHER_JOURNEY]);
  });
});

describe(journeyIn.name, () => {
  it('skips empty values, trims, cuts long names and reads numbers as text', () => {
    assert.equal(journeyIn({ a: '  ', b: ' faq ' }, ['a', 'b']), 'faq');
    assert.equal(journeyIn({ a: 42 }, ['a']), '42');
    assert.equal(journeyIn({ a: 'x'.repeat(500) }, ['a'])!.length, 200);
    assert.equal(journeyIn({ a: ['faq'] }, ['a']), null);
  });
});

describe(hashInputBytes.name, () => {
  it('hashes the text without the ASCII whitespace around it, and nothing for empty input', () => {
    const plain = hashInputBytes(Buffer.from('What is the capital of France?'));
    assert.deepEqual(hashInputBytes(Buffer.from('\n  What is the capital of France?\t ')), plain);
    assert.deepEqual(inputContentHash({ 'input.value': 'What is the capital of France?' }), plain);
    assert.notDeepEqual(hashInputBytes(Buffer.from('What is the capital of Spain?')), plain);
    assert.equal(hashInputBytes(Buffer.from(' \n')), null);
  });

  it('keeps its value across releases (stored sketches depend on it)', () => {
    assert.deepEqual(hashInputBytes(Buffer.from('What is the capital of France?')), { high: 0xe2d82917, low: 0x9012532e });
  });

  it('spreads structured inputs evenly enough for the distinct-count sketch', () => {
    for (const [n, input] of [[20_000, (i: number) => `question ${i}`], [50_000, (i: number) => JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Request ${i}` }] }])]] as const) {
      const sketch = new DistinctSketch();
      for (let i = 0; i < n; i++) {
        const hashed = hashInputBytes(Buffer.from(input(i)))!;
        sketch.addHash(hashed.high, hashed.low);
      }
      assert.ok(Math.abs(sketch.estimate() - n) / n < 3 * sketch.standardError, `${sketch.estimate()} of ${n}`);
    }
  });

  it('takes the first input key holding a string', () => {
    assert.deepEqual(inputContentHash({ 'input.value': 'b', 'gen_ai.input.messages': 'a' }), hashInputBytes(Buffer.from('a')));
    assert.deepEqual(inputContentHash({ 'gen_ai.input.messages': 7, 'input.value': 'b' }), hashInputBytes(Buffer.from('b')));
    assert.equal(inputContentHash({ 'gen_ai.output.messages': 'a' }), null);
  });
});

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'clients');
const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
function jsonToProtobuf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonToProtobuf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, HEX_ID_FIELDS.has(key) && typeof item === 'string' ? Buffer.from(item, 'hex') : jsonToProtobuf(item)]),
  );
}

describe('journeys and input hashes of the published clients', () => {
  const keys = new AttributeKeySet([...UNSAMPLED_SPAN_KEYS, ...KEYS]);
  for (const client of GENAI_CLIENTS) {
    it(`${client}: the protobuf skim gives every span the journey and input hash of the full decode`, () => {
      const traces = (JSON.parse(readFileSync(join(fixturesDir, `${client}.json`), 'utf8')) as { traces: Record<string, unknown> }).traces;
      const json = Buffer.from(JSON.stringify(traces));
      const full = extractInferences(decodeTraceRequest(json, 'json'), { journeyAttributes: KEYS }).inferences;
      const skimmed = extractInferences(skimProtobufTraceRequest(encodeProtobufRequest(jsonToProtobuf(traces) as Record<string, unknown>), keys), { journeyAttributes: KEYS }).inferences;
      assert.ok(full.length > 0);
      assert.deepEqual(skimmed.map((r) => [r.spanId, r.journey, r.inputHash]), full.map((r) => [r.spanId, r.journey, r.inputHash]));
      const expected = client.startsWith('ai-sdk') ? 'answer-question' : NO_JOURNEY;
      assert.deepEqual([...new Set(full.map((r) => r.journey))], [expected]);
      if (client !== 'otel-openai') assert.ok(full.some((r) => r.inputHash !== null), 'some spans carry input content');
    });
  }
});
