import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ExportLogsServiceRequestType, ExportMetricsServiceRequestType, ExportTraceServiceRequestType, MAX_ANY_VALUE_DEPTH, MAX_OTLP_JSON_DEPTH } from '@assay/otlp';
import { JsonFuzzer, call, seedProject, startTestAssay, type Json, type SeededProject, type TestAssay } from '@assay/testing';

const CASES = Number(process.env.ASSAY_FUZZ_CASES ?? 12) * 10;
const SEED = Number(process.env.ASSAY_FUZZ_SEED ?? 20261128);
const FIXTURES = path.resolve('libs/otlp/fixtures');
// The string fields of OTLP requests (`key` stands for attribute keys): spoilt there, a request is
// still valid OTLP and must be accepted whole.
const STRING_FIELDS: ReadonlySet<string> = new Set(['stringValue', 'key', 'name', 'version', 'schemaUrl', 'traceState', 'message', 'severityText', 'eventName', 'description', 'unit']);
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function logsRequest(traceId: string, spanId: string): Json {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const body: Json = { kvlistValue: { values: [{ key: 'finish_reason', value: { stringValue: 'stop' } }, { key: 'message', value: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'Thirty days.' } }] } } }] } };
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz-app' } }] },
        scopeLogs: [{ scope: { name: 'genai', version: '1.0' }, logRecords: [{ timeUnixNano: now, severityText: 'INFO', eventName: 'gen_ai.choice', traceId, spanId, body, attributes: [{ key: 'gen_ai.provider.name', value: { stringValue: 'openai' } }] }] }],
      },
    ],
  };
}

function metricsRequest(): Json {
  const minute = BigInt(Math.floor(Date.now() / 60_000) * 60_000);
  const attributes = ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.token.type'].map((key, i) => ({ key, value: { stringValue: ['chat', 'openai', 'gpt-4o', 'input'][i] } }));
  const point = { attributes, startTimeUnixNano: String(minute * 1_000_000n), timeUnixNano: String((minute + 1000n) * 1_000_000n), count: 1, sum: 12, bucketCounts: [1], explicitBounds: [] };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz-app' } }, { key: 'service.version', value: { stringValue: '1.2.3' } }] },
        scopeMetrics: [{ scope: { name: 'genai' }, metrics: [{ name: 'gen_ai.client.token.usage', unit: '{token}', description: 'tokens', histogram: { aggregationTemporality: 1, dataPoints: [point] } }] }],
      },
    ],
  };
}

// Protobufjs object form of an OTLP/JSON request: ids as bytes.
function protobufBody(type: typeof ExportTraceServiceRequestType, request: Json): Buffer {
  const toObject = (value: Json, key = ''): unknown => {
    if (typeof value === 'string' && ID_FIELDS.has(key)) return Buffer.from(value, 'hex');
    if (Array.isArray(value)) return value.map((item) => toObject(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, toObject(item, k)]));
  };
  return Buffer.from(type.encode(type.fromObject(toObject(request) as Record<string, unknown>)).finish());
}

describe('OTLP fuzzing: mutated protobuf and JSON never cause a 5xx, a crash or a hang', () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: assay.adminKey, json: { autoRegisterModels: true } });
  });
  after(() => assay.close());

  it('answers every mutated body with 200 or a 4xx', async () => {
    const fuzzer = new JsonFuzzer(SEED);
    const bodies = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pb') || f.endsWith('.json'));
    assert.ok(bodies.length >= 6, 'the OTLP golden fixtures are there');
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const file = fuzzer.pick(bodies);
      const protobuf = file.endsWith('.pb');
      const bytes = Buffer.from(fs.readFileSync(path.join(FIXTURES, file)));
      switch (fuzzer.int(5)) {
        case 0:
          for (let n = 1 + fuzzer.int(8); n > 0; n--) bytes[fuzzer.int(bytes.length)] ^= 1 << fuzzer.int(8);
          break;
        case 1:
          bytes.writeUInt8(fuzzer.int(256), fuzzer.int(bytes.length));
          break;
        case 2: {
          const cut = fuzzer.int(bytes.length);
          bytes.fill(0, cut);
          break;
        }
        case 3:
          if (!protobuf) {
            const mutated = fuzzer.mutate(JSON.parse(bytes.toString('utf8')));
            bytes.write(JSON.stringify(mutated).slice(0, bytes.length));
          }
          break;
        default:
          break;
      }
      const body = fuzzer.int(4) === 0 ? bytes.subarray(0, fuzzer.int(bytes.length)) : bytes;
      const gzip = fuzzer.int(3) === 0;
      const response = await call('POST', `${assay.ingestUrl}/v1/traces`, {
        key: project.keys.ingest.key,
        body: gzip ? gzipSync(body) : body,
        headers: {
          'content-type': protobuf ? 'application/x-protobuf' : 'application/json',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      });
      if (response.status >= 500) failures.push(`${file} case ${i} → ${response.status} ${response.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
    assert.equal((await call('GET', `${assay.ingestUrl}/readyz`)).status, 200);
  });

  it('NUL and lone surrogates in every string field: traces, logs and metrics accepted with 200; anywhere else never a 5xx', async () => {
    const fuzzer = new JsonFuzzer(SEED + 17);
    const traces = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as Json);
    const failures: string[] = [];
    let accepted = 0;
    for (let i = 0; i < CASES / 2; i++) {
      const route = fuzzer.pick(['traces', 'logs', 'metrics'] as const);
      const base = route === 'traces' ? fuzzer.pick(traces) : route === 'logs' ? logsRequest(randomBytes(16).toString('hex'), randomBytes(8).toString('hex')) : metricsRequest();
      // Protobuf strings must be UTF-8, which a lone surrogate cannot be: over protobuf only NUL goes in the string fields.
      const protobuf = fuzzer.int(2) === 0;
      const anywhere = fuzzer.int(4) === 0;
      const characters = protobuf && !anywhere ? ['\u0000'] : undefined;
      const spoilt = fuzzer.spoilStrings(base, anywhere ? 0.2 : 0.6, characters, anywhere ? undefined : STRING_FIELDS);
      let body: Buffer;
      if (!protobuf) body = Buffer.from(JSON.stringify(spoilt));
      else {
        const type = route === 'traces' ? ExportTraceServiceRequestType : route === 'logs' ? ExportLogsServiceRequestType : ExportMetricsServiceRequestType;
        try {
          body = protobufBody(type, spoilt);
        } catch {
          continue; // spoilt beyond what protobufjs can encode (a spoilt id, a field name it does not know…)
        }
      }
      const response = await call('POST', `${assay.ingestUrl}/v1/${route}`, {
        key: project.keys.ingest.key,
        body,
        headers: { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' },
      });
      const label = `${route} ${protobuf ? 'protobuf' : 'json'} ${anywhere ? 'anywhere' : 'string fields'} case ${i}`;
      if (response.status >= 500 || (!anywhere && response.status !== 200)) failures.push(`${label} → ${response.status} ${response.text.slice(0, 200)}`);
      if (response.status === 200) accepted++;
    }
    assert.deepEqual(failures, []);
    assert.ok(accepted >= CASES / 4, `${accepted} accepted`);
    assert.equal((await call('GET', `${assay.ingestUrl}/readyz`)).status, 200);
  });
});

// Arrays and objects `levels` deep as text (JSON.stringify would recurse that deep).
function nestedText(fuzzer: JsonFuzzer, levels: number, leaf: string): string {
  const closers: string[] = [];
  let text = '';
  for (let i = 0; i < levels; i++) {
    const array = fuzzer.int(2) === 0;
    text += array ? '[' : '{"a":';
    closers.push(array ? ']' : '}');
  }
  return text + leaf + closers.reverse().join('');
}

// An AnyValue inside `levels` arrays and kvlists, mixed.
function nestedAnyValue(fuzzer: JsonFuzzer, levels: number): string {
  let text = '';
  let closers = '';
  for (let i = 0; i < levels; i++) {
    const array = fuzzer.int(2) === 0;
    text += array ? '{"arrayValue":{"values":[' : `{"kvlistValue":{"values":[{"key":"k${i}","value":`;
    closers = (array ? ']}}' : '}]}}') + closers;
  }
  return `${text}{"stringValue":"leaf"}${closers}`;
}

// `extra` is an unknown field, which the decoders ignore, at the span, record or resource level; `extraAt` the level it opens at.
const DEEP_ENVELOPES: Record<'traces' | 'logs' | 'metrics', { extraAt: number; wrap: (value: string, extra: string) => string }> = {
  traces: { extraAt: 8, wrap: (value, extra) => `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${randomBytes(16).toString('hex')}","spanId":"${randomBytes(8).toString('hex')}","name":"deep","x":${extra},"attributes":[{"key":"deep","value":${value}}]}]}]}]}` },
  logs: { extraAt: 8, wrap: (value, extra) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"x":${extra},"body":${value}}]}]}]}` },
  metrics: { extraAt: 4, wrap: (value, extra) => `{"resourceMetrics":[{"x":${extra},"resource":{"attributes":[{"key":"deep","value":${value}}]},"scopeMetrics":[]}]}` },
};

describe('OTLP fuzzing: deep nesting in OTLP/JSON', () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
  });
  after(() => assay.close());

  it(`answers 400 naming the limit past ${MAX_OTLP_JSON_DEPTH} levels, 200 at it and for AnyValues ${MAX_ANY_VALUE_DEPTH} deep, never a 5xx`, async () => {
    const fuzzer = new JsonFuzzer(SEED + 31);
    const failures: string[] = [];
    for (let i = 0; i < CASES / 4; i++) {
      const route = fuzzer.pick(['traces', 'logs', 'metrics'] as const);
      const envelope = DEEP_ENVELOPES[route];
      const kind = fuzzer.pick(['past', 'at the limit', 'deep AnyValue', 'very deep AnyValue'] as const);
      const toLimit = MAX_OTLP_JSON_DEPTH - envelope.extraAt + 1;
      const extraLevels = kind === 'past' ? toLimit + 1 + fuzzer.int(20_000) : kind === 'at the limit' ? toLimit : 1;
      const value = kind === 'deep AnyValue' ? nestedAnyValue(fuzzer, 1 + fuzzer.int(MAX_ANY_VALUE_DEPTH)) : kind === 'very deep AnyValue' ? nestedAnyValue(fuzzer, 1_000 + fuzzer.int(5_000)) : '{"stringValue":"leaf"}';
      const gzip = fuzzer.int(3) === 0;
      const text = envelope.wrap(value, nestedText(fuzzer, extraLevels, '1'));
      const response = await call<{ message?: string }>('POST', `${assay.ingestUrl}/v1/${route}`, {
        key: project.keys.ingest.key,
        body: gzip ? gzipSync(text) : text,
        headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      });
      const refusedForDepth = response.status === 400 && response.body.message === `invalid JSON: JSON nesting deeper than ${MAX_OTLP_JSON_DEPTH} levels`;
      const expected = kind === 'past' || kind === 'very deep AnyValue' ? refusedForDepth : response.status === 200;
      if (!expected || response.status >= 500) failures.push(`${route} ${kind} case ${i} → ${response.status} ${response.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
    assert.equal((await call('GET', `${assay.ingestUrl}/readyz`)).status, 200);
  });
});
