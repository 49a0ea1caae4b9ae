import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GENAI_CLIENTS } from '../fixtures/clients/catalog.js';
import { AttributeKeySet } from './attribute-key-set.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { completeInference, extractInferences } from './extract-inferences.js';
import { UNSAMPLED_SPAN_KEYS } from './inference-fields.js';
import type { InferenceRecord } from './inference-record.js';
import { completeSpan, skimProtobufTraceRequest } from './skim-protobuf.js';
import { readFixture } from './test-support/fixtures.js';
import { encodeProtobufRequest, oneSpanRequest, protobufSpan } from './test-support/protobuf-request.js';
import type { TraceRequest } from './trace-request.js';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'clients');
const KEYS = new AttributeKeySet([...UNSAMPLED_SPAN_KEYS, 'assay.model.version']);

const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** An OTLP/JSON request as protobuf: the same message, ids from hex. */
function jsonToProtobuf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonToProtobuf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, HEX_ID_FIELDS.has(key) && typeof item === 'string' ? Buffer.from(item, 'hex') : jsonToProtobuf(item)]),
  );
}

function clientBody(client: string): Buffer {
  const fixture = JSON.parse(readFileSync(join(fixturesDir, `${client}.json`), 'utf8')) as { traces: Record<string, unknown> };
  return encodeProtobufRequest(jsonToProtobuf(fixture.traces) as Record<string, unknown>);
}

function completeAll(request: TraceRequest): TraceRequest {
  for (const resourceSpans of request.resourceSpans) for (const scopeSpans of resourceSpans.scopeSpans) for (const span of scopeSpans.spans) completeSpan(span);
  return request;
}

function outcome(decode: () => TraceRequest): TraceRequest | 'refused' {
  try {
    return decode();
  } catch (error) {
    assert.equal((error as { kind?: string }).kind, 'bad_request', `not a 400: ${(error as Error).stack}`);
    return 'refused';
  }
}

const IDENTITY: ReadonlyArray<keyof InferenceRecord> = [
  'traceId', 'spanId', 'parentSpanId', 'dialect', 'requestModel', 'responseModel', 'responseId', 'startTimeMs', 'endTimeMs',
  'inputTokens', 'outputTokens', 'cachedInputTokens', 'reasoningTokens', 'totalTokens', 'serviceName', 'serviceVersion',
];
const identityOf = (record: InferenceRecord): Partial<InferenceRecord> => Object.fromEntries(IDENTITY.map((key) => [key, record[key]]));

const bodies: Array<[string, Buffer]> = [
  ...(['genai', 'genai-legacy', 'openinference'] as const).map((name): [string, Buffer] => [`golden ${name}`, readFixture(name, 'protobuf')]),
  ...GENAI_CLIENTS.map((client): [string, Buffer] => [`client ${client}`, clientBody(client)]),
];

describe('skimProtobufTraceRequest', () => {
  for (const [name, body] of bodies) {
    it(`${name}: completed spans equal the full decode`, () => {
      assert.deepEqual(completeAll(skimProtobufTraceRequest(body, KEYS)), decodeTraceRequest(body, 'protobuf'));
    });

    it(`${name}: before completion, every inference has the full decode's dialect, model, tokens and ids; after it, every field`, () => {
      const full = extractInferences(decodeTraceRequest(body, 'protobuf'));
      const skimmed = extractInferences(skimProtobufTraceRequest(body, KEYS));
      assert.ok(full.inferences.length > 0);
      assert.deepEqual(skimmed.inferences.map(identityOf), full.inferences.map(identityOf));
      assert.deepEqual(skimmed.rejected, full.rejected);
      assert.deepEqual(skimmed.evaluations, full.evaluations);
      assert.deepEqual(skimmed.inferences.map(completeInference), full.inferences);
    });
  }

  it('reads only the wanted keys until completed', () => {
    const body = encodeProtobufRequest(
      oneSpanRequest(
        protobufSpan({
          attributes: [
            { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
            { key: 'gen_ai.output.messages', value: { stringValue: '[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]' } },
            { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
            { key: 'app.tenant', value: { stringValue: 't1' } },
          ],
        }),
      ),
    );
    const span = skimProtobufTraceRequest(body, KEYS).resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepEqual(span.attributes, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' });
    completeSpan(span);
    assert.deepEqual(Object.keys(span.attributes), ['gen_ai.operation.name', 'gen_ai.output.messages', 'gen_ai.request.model', 'app.tenant']);
  });

  it('refuses an attribute it does not read when protobufjs would: invalid UTF-8 in a skipped key or value', () => {
    for (const bad of [Buffer.from([0x61, 0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.concat([Buffer.alloc(100, 0x61), Buffer.from([0xff])])]) {
      // The bad bytes go in place of a key's or a value's placeholder of the same length.
      const placeholder = 'y'.repeat(bad.length);
      const withPlaceholder = encodeProtobufRequest(oneSpanRequest(protobufSpan({ attributes: [{ key: placeholder, value: { stringValue: placeholder } }] })));
      const at = withPlaceholder.indexOf(placeholder);
      const badKey = Buffer.from(withPlaceholder);
      bad.copy(badKey, at);
      const badValue = Buffer.from(withPlaceholder);
      bad.copy(badValue, withPlaceholder.indexOf(placeholder, at + bad.length));
      assert.notEqual(outcome(() => skimProtobufTraceRequest(withPlaceholder, KEYS)), 'refused');
      for (const body of [badKey, badValue]) {
        assert.equal(outcome(() => decodeTraceRequest(body, 'protobuf')), 'refused');
        assert.equal(outcome(() => skimProtobufTraceRequest(body, KEYS)), 'refused');
      }
    }
  });

  it('accepts and refuses exactly the bodies the full decoder does, over 4,000 corrupted bodies', () => {
    let seed = 20261207;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let refused = 0;
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      const [, source] = bodies[n % bodies.length];
      const body = Buffer.from(source);
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * body.length);
        const kind = random();
        if (kind < 0.6) body[at] = Math.floor(random() * 256);
        else if (kind < 0.8) body[at] ^= 1 << Math.floor(random() * 8);
        else body[at] = [0x00, 0x80, 0xff, 0x0a, 0x12][Math.floor(random() * 5)];
      }
      const cut = random() < 0.1 ? body.subarray(0, Math.floor(random() * body.length)) : body;
      const full = outcome(() => decodeTraceRequest(cut, 'protobuf'));
      const skimmed = outcome(() => {
        const request = skimProtobufTraceRequest(cut, KEYS);
        return completeAll(request);
      });
      if (full === 'refused') {
        refused++;
        assert.equal(skimmed, 'refused', `body ${n}: the full decoder refuses it, the skim accepts it`);
      } else {
        accepted++;
        assert.notEqual(skimmed, 'refused', `body ${n}: the full decoder accepts it, the skim refuses it`);
        assert.deepEqual(skimmed, full, `body ${n}`);
      }
    }
    // Both outcomes are exercised.
    assert.ok(refused > 500 && accepted > 500, `refused ${refused}, accepted ${accepted}`);
  });
});
