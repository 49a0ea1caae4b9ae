import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  ADVERSARIAL_OUTPUTS, JsonFuzzer, REGEX_REFUSAL, call, otlpOutputsRequest, pathologicalPatterns, seedProject, startTestAssay, uniqueName,
  type Json, type SeededProject, type TestAssay,
} from '@assay/testing';

// Seeded and bounded here; `npm run fuzz` runs the same with many more cases.
const CASES = Number(process.env.ASSAY_FUZZ_CASES ?? 12);
const SEED = Number(process.env.ASSAY_FUZZ_SEED ?? 20261128);

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  oneOf?: Schema[];
}

interface Operation {
  method: string;
  path: string;
  schema: Schema | null;
}

function resolve(schema: Schema | undefined, components: Record<string, Schema>): Schema {
  if (!schema) return {};
  return schema.$ref ? components[schema.$ref.split('/').pop()!] ?? {} : schema;
}

// A body shaped like the schema asks, so that mutations reach past the first validation error.
function plausible(schema: Schema | undefined, components: Record<string, Schema>, depth = 0): Json {
  const s = resolve(schema, components);
  if (s.example !== undefined) return s.example as Json;
  if (s.enum) return s.enum[0] as Json;
  if (depth > 4) return null;
  switch (s.type) {
    case 'string':
      return 'fuzz';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [plausible(s.items, components, depth + 1)];
    default:
      if (s.properties) {
        return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, plausible(v, components, depth + 1)]));
      }
      return {};
  }
}

describe('API fuzzing: hostile bodies never cause a 5xx, a crash or a hang', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const operations: Operation[] = [];
  let components: Record<string, Schema> = {};
  const model = uniqueName('fuzz-model');

  before(async () => {
    assay = await startTestAssay({ apps: ['api'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0' } });
    project = await seedProject(assay);
    await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
    const doc = await call<{ paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>; components: { schemas: Record<string, Schema> } }>(
      'GET',
      `${assay.apiUrl}/docs-json`,
    );
    components = doc.body.components.schemas;
    for (const [path, methods] of Object.entries(doc.body.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['post', 'put', 'patch'].includes(method)) continue;
        const schema = operation.requestBody?.content?.['application/json']?.schema ?? null;
        operations.push({ method: method.toUpperCase(), path, schema: schema ? resolve(schema, components) : null });
      }
    }
  });
  after(() => assay.close());

  it('finds the routes to fuzz in the OpenAPI document', () => {
    assert.ok(operations.length >= 10, `only ${operations.length} operations`);
  });

  it('answers every mutated body with a 4xx or a success, never a 5xx', async () => {
    const fuzzer = new JsonFuzzer(SEED);
    const failures: string[] = [];
    for (const operation of operations) {
      const valid = plausible(operation.schema ?? undefined, components);
      for (let i = 0; i < CASES; i++) {
        const path = operation.path
          .replace('{name}', fuzzer.int(3) === 0 ? encodeURIComponent(JSON.stringify(fuzzer.value())) : model)
          .replace(/\{[a-zA-Z]+\}/g, () => (fuzzer.int(3) === 0 ? 'not-a-uuid' : randomUUID()));
        const key = operation.path.startsWith('/v1/projects') || operation.path.startsWith('/v1/ledger/verify') ? assay.adminKey : project.keys.owner.key;
        const raw = fuzzer.int(6) === 0;
        const response = await call(operation.method, `${assay.apiUrl}${path}`, {
          key,
          ...(raw
            ? { body: fuzzer.rawBody(), headers: { 'content-type': 'application/json' } }
            : { json: fuzzer.int(3) === 0 ? fuzzer.value() : fuzzer.mutate(valid) }),
        });
        if (response.status >= 500 && response.status !== 503) {
          failures.push(`${operation.method} ${path} → ${response.status} ${response.text.slice(0, 200)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal((await call('GET', `${assay.apiUrl}/healthz`)).status, 200);
  });
});

// Arrays and objects `levels` deep as text (JSON.stringify would recurse that deep).
function nestedText(fuzzer: JsonFuzzer, levels: number): string {
  const closers: string[] = [];
  let text = '';
  for (let i = 0; i < levels; i++) {
    const array = fuzzer.int(2) === 0;
    text += array ? '[' : '{"a":';
    closers.push(array ? ']' : '}');
  }
  return text + fuzzer.pick(['1', '"x"', 'null', '"[[{"']) + closers.reverse().join('');
}

describe('API fuzzing: deep nesting', () => {
  const LIMIT = 64;
  let assay: TestAssay;
  let project: SeededProject;
  const operations: Operation[] = [];
  let components: Record<string, Schema> = {};

  before(async () => {
    assay = await startTestAssay({ apps: ['api'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0' } });
    project = await seedProject(assay);
    const doc = await call<{ paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>; components: { schemas: Record<string, Schema> } }>('GET', `${assay.apiUrl}/docs-json`);
    components = doc.body.components.schemas;
    for (const [path, methods] of Object.entries(doc.body.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!['post', 'put', 'patch'].includes(method)) continue;
        const schema = operation.requestBody?.content?.['application/json']?.schema ?? null;
        operations.push({ method: method.toUpperCase(), path, schema: schema ? resolve(schema, components) : null });
      }
    }
  });
  after(() => assay.close());

  it(`answers bodies nested past ${LIMIT} levels with 400 naming the limit, and bodies at it never with a 5xx`, async () => {
    const fuzzer = new JsonFuzzer(SEED + 41);
    const failures: string[] = [];
    for (const operation of operations) {
      const valid = plausible(operation.schema ?? undefined, components);
      const fields = valid !== null && typeof valid === 'object' && !Array.isArray(valid) ? Object.keys(valid) : [];
      for (let i = 0; i < Math.max(2, CASES / 4); i++) {
        const past = i % 2 === 0;
        const path = operation.path.replace(/\{name\}/g, 'fuzz-model').replace(/\{[a-zA-Z]+\}/g, () => randomUUID());
        const key = operation.path.startsWith('/v1/projects') || operation.path.startsWith('/v1/ledger/verify') ? assay.adminKey : project.keys.owner.key;
        // A field of a plausible body replaced by the nest (one level down), or the nest as the whole body.
        const field = fields.length > 0 && fuzzer.int(3) > 0 ? fuzzer.pick(fields) : null;
        const levels = (past ? LIMIT + 1 + fuzzer.int(20_000) : LIMIT) - (field ? 1 : 0);
        const nest = nestedText(fuzzer, levels);
        const body = field ? JSON.stringify({ ...(valid as Record<string, Json>), [field]: 'NEST' }).replace('"NEST"', nest) : nest;
        const response = await call<{ message?: unknown }>(operation.method, `${assay.apiUrl}${path}`, { key, body, headers: { 'content-type': 'application/json' } });
        const refusedForDepth = response.status === 400 && response.body.message === `JSON nesting deeper than ${LIMIT} levels`;
        if (response.status >= 500 || past !== refusedForDepth) {
          failures.push(`${operation.method} ${path} ${past ? 'past' : 'at'} the limit, ${field ?? 'whole body'} → ${response.status} ${response.text.slice(0, 200)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.equal((await call('GET', `${assay.apiUrl}/healthz`)).status, 200);
  });
});

describe('API fuzzing: pathological regexes as custom signals are accepted or refused with 400, and the ingest stays responsive', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const model = uniqueName('fuzz-regex');

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0', ASSAY_INGEST_THREADS: '0' } });
    project = await seedProject(assay);
    await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
  });
  after(() => assay.close());

  it('answers every generated pattern with 200 or a 400 naming why, and every export of an adversarial output with 200 while /healthz answers within 1 s', async () => {
    const fuzzer = new JsonFuzzer(SEED);
    const failures: string[] = [];
    let accepted = 0;
    for (const pattern of pathologicalPatterns(SEED, CASES * 2)) {
      const flags = fuzzer.pick(['', 'i', 'm', 's', 'is', 'u', 'g']);
      const signal = { name: 'fuzzed', kind: fuzzer.pick(['numeric', 'categorical']), source: { type: 'regex_match', pattern, ...(flags ? { flags } : {}), target: fuzzer.pick(['output_text', 'input_text']) } };
      const response = await call<{ message?: string }>('PATCH', `${assay.apiUrl}/v1/models/${model}`, { key: project.keys.owner.key, json: { customSignals: [signal] } });
      if (response.status === 400) {
        if (!REGEX_REFUSAL.test(response.body.message ?? '') && !/source\.flags may only contain i, m, s and u/.test(response.body.message ?? '')) {
          failures.push(`/${pattern}/${flags} → 400 without a reason: ${response.text.slice(0, 200)}`);
        }
        continue;
      }
      if (response.status !== 200) {
        failures.push(`/${pattern}/${flags} → ${response.status} ${response.text.slice(0, 200)}`);
        continue;
      }
      accepted++;
      const outputs = [fuzzer.pick(ADVERSARIAL_OUTPUTS), fuzzer.pick(ADVERSARIAL_OUTPUTS)];
      const started = Date.now();
      const exported = await call('POST', `${assay.ingestUrl}/v1/traces`, { key: project.keys.ingest.key, body: otlpOutputsRequest(model, outputs).body, headers: { 'content-type': 'application/json' } });
      if (exported.status !== 200) failures.push(`/${pattern}/${flags}: export → ${exported.status} ${exported.text.slice(0, 200)}`);
      const health = await call('GET', `${assay.ingestUrl}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => null);
      if (health?.status !== 200) failures.push(`/${pattern}/${flags}: /healthz did not answer within 1 s of an export that took ${Date.now() - started} ms`);
    }
    assert.deepEqual(failures, []);
    assert.ok(accepted > 0, 'some generated patterns were accepted and ran');
  });
});
