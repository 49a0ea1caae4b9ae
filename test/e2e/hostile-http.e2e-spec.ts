import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MAX_OTLP_JSON_DEPTH } from '@assay/otlp';
import { call, createKey, openRawRequest, otlpChatRequest, seedProject, startTestAssay, uniqueName, type RawRequest, type SeededProject, type TestAssay } from '@assay/testing';

const API_DEPTH_MESSAGE = 'JSON nesting deeper than 64 levels';

function deepArrays(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

function deepObjects(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

// An AnyValue inside `levels` arrays, with the envelope of each OTLP signal around it.
function deepAnyValue(levels: number): string {
  return '{"arrayValue":{"values":['.repeat(levels) + '{"stringValue":"leaf"}' + ']}}'.repeat(levels);
}

const OTLP_WITH_VALUE: Record<'traces' | 'logs' | 'metrics', (value: string) => string> = {
  traces: (value) => `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x","attributes":[{"key":"deep","value":${value}}]}]}]}]}`,
  logs: (value) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`,
  metrics: (value) => `{"resourceMetrics":[{"resource":{"attributes":[{"key":"deep","value":${value}}]},"scopeMetrics":[]}]}`,
};

interface Operation {
  method: string;
  path: string;
}

async function jsonOperations(apiUrl: string): Promise<Operation[]> {
  const doc = await call<{ paths: Record<string, Record<string, unknown>> }>('GET', `${apiUrl}/docs-json`);
  return Object.entries(doc.body.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['post', 'put', 'patch'].includes(method))
      .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[a-zA-Z]+\}/g, () => randomUUID()) })),
  );
}

describe('JSON nesting limit', () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0' } });
    project = await seedProject(assay);
  });
  after(() => assay.close());

  it('answers 400 naming the limit on every JSON route of the API, for 200,000 arrays and 20,000 objects deep', async () => {
    const operations = await jsonOperations(assay.apiUrl);
    assert.ok(operations.length >= 20, `only ${operations.length} operations in the OpenAPI document`);
    const answers: string[] = [];
    for (const { method, path } of operations) {
      for (const body of [deepArrays(200_000), `{"name":"x","attributes":${deepObjects(20_000)}}`]) {
        const response = await call<{ message: string }>(method, `${assay.apiUrl}${path}`, { key: project.keys.owner.key, body, headers: { 'content-type': 'application/json' } });
        answers.push(`${method} ${path} ${response.status} ${response.body.message}`);
      }
    }
    assert.deepEqual(answers.filter((answer) => !answer.endsWith(`400 ${API_DEPTH_MESSAGE}`)), []);
  });

  it('parses a body 64 levels deep and leaves it to validation', async () => {
    const response = await call<{ message: unknown }>('POST', `${assay.apiUrl}/v1/drift/compare`, {
      key: project.keys.owner.key,
      body: `{"reference":${deepArrays(63)},"current":[1,2,3]}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 400);
    assert.doesNotMatch(JSON.stringify(response.body.message), /nesting/);
  });

  it('refuses JSON lines bodies nested past the limit too', async () => {
    const response = await call<{ message: string }>('POST', `${assay.apiUrl}/v1/drift/compare`, {
      key: project.keys.owner.key,
      body: `${deepArrays(100)}\n`,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.deepEqual([response.status, response.body.message], [400, API_DEPTH_MESSAGE]);
  });

  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    it(`answers OTLP/JSON ${signal} with an AnyValue 5,000 deep with 400 naming the limit`, async () => {
      const response = await call<{ code: number; message: string }>('POST', `${assay.ingestUrl}/v1/${signal}`, {
        key: project.keys.ingest.key,
        body: OTLP_WITH_VALUE[signal](deepAnyValue(5_000)),
        headers: { 'content-type': 'application/json' },
      });
      assert.deepEqual([response.status, response.body.code, response.body.message], [400, 3, `invalid JSON: JSON nesting deeper than ${MAX_OTLP_JSON_DEPTH} levels`]);
    });
  }

  it('takes OTLP/JSON traces whose attribute nests 32 arrays deep', async () => {
    const response = await call('POST', `${assay.ingestUrl}/v1/traces`, {
      key: project.keys.ingest.key,
      body: OTLP_WITH_VALUE.traces(deepAnyValue(32)),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 200);
  });
});

describe('Slow and large bodies', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let other: SeededProject;
  const open: RawRequest[] = [];

  const slowExport = (key: string, declared: number): RawRequest =>
    openRawRequest(`${assay.ingestUrl}/v1/traces`, 'POST', { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(declared) });
  const slowApiCall = (key: string | null, declared: number): RawRequest =>
    openRawRequest(`${assay.apiUrl}/v1/drift/compare`, 'POST', { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', 'content-length': String(declared) });
  const exportFrom = (key: string) => call('POST', `${assay.ingestUrl}/v1/traces`, { key, body: otlpChatRequest(uniqueName('m'), 1).body, headers: { 'content-type': 'application/json' } });
  const compareFrom = (key: string) => call('POST', `${assay.apiUrl}/v1/drift/compare`, { key, json: { reference: [1, 2, 3, 4], current: [1, 2, 3, 5], method: 'ks' } });

  before(async () => {
    assay = await startTestAssay({
      apps: ['api', 'ingest'],
      env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0', ASSAY_API_MAX_IN_FLIGHT: '16', ASSAY_HTTP_BODY_IDLE_TIMEOUT_MS: '2000', ASSAY_HTTP_BODY_TIMEOUT_MS: '6000' },
    });
    project = await seedProject(assay);
    other = await seedProject(assay);
  });
  after(async () => {
    for (const request of open) request.destroy();
    await assay.close();
  });

  it("leaves another key's export at 200 while one key holds 64 slow connections, and refuses that key past its share", async () => {
    const slow = Array.from({ length: 64 }, () => slowExport(project.keys.ingest.key, 1_000_000));
    open.push(...slow);
    for (const request of slow) request.drip(500);
    const refused = (await Promise.all(slow.map((request) => Promise.race([request.response, new Promise<null>((r) => setTimeout(() => r(null), 1000))])))).filter((r) => r !== null);
    assert.equal(refused.length, 48, 'a quarter of the 64 slots is the key share');
    assert.ok(refused.every((r) => r!.status === 429 && r!.headers['retry-after'] === '1'));
    const started = Date.now();
    const others = await Promise.all(Array.from({ length: 8 }, () => exportFrom(other.keys.ingest.key)));
    assert.deepEqual(others.map((r) => r.status), Array(8).fill(200));
    assert.ok(Date.now() - started < 2000);
    const again = await exportFrom(project.keys.ingest.key);
    assert.deepEqual([again.status, again.headers.get('retry-after')], [429, '1']);
    assert.match((again.body as { message: string }).message, /this API key already has 16 requests in flight/);
    const timedOut = await Promise.all(slow.slice(0, 64).map((request) => request.response));
    const byStatus = timedOut.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r!.status]: (counts[r!.status] ?? 0) + 1 }), {});
    assert.deepEqual(byStatus, { 408: 16, 429: 48 }, 'the admitted slow bodies end at the body deadline');
    assert.equal((await exportFrom(project.keys.ingest.key)).status, 200);
  });

  for (const app of ['ingest', 'api'] as const) {
    it(`answers a 1 GiB declared body at the ${app} with 413 from the header, and closes the connection`, async () => {
      const request = app === 'ingest' ? slowExport(project.keys.ingest.key, 1 << 30) : slowApiCall(project.keys.owner.key, 1 << 30);
      open.push(request);
      const response = await request.response;
      assert.equal(response?.status, 413);
      assert.ok(response.afterMs < 1000, `answered after ${response.afterMs} ms`);
      assert.ok((await request.closed) < 3000);
    });

    it(`answers a declared body that never arrives at the ${app} with 408 within the idle deadline`, async () => {
      const request = app === 'ingest' ? slowExport(project.keys.ingest.key, 100_000) : slowApiCall(project.keys.owner.key, 100_000);
      open.push(request);
      const response = await request.response;
      assert.equal(response?.status, 408);
      assert.ok(response.afterMs >= 2000 && response.afterMs < 4000, `answered after ${response.afterMs} ms`);
      assert.match(response.body, /no byte of the request body arrived for 2000 ms/);
      assert.ok((await request.closed) < 6000);
    });

    it(`answers a body that trickles in at the ${app} with 408 at the total deadline`, async () => {
      const request = app === 'ingest' ? slowExport(project.keys.ingest.key, 100_000) : slowApiCall(project.keys.owner.key, 100_000);
      open.push(request);
      request.drip(300);
      const response = await request.response;
      assert.equal(response?.status, 408);
      assert.ok(response.afterMs >= 6000 && response.afterMs < 8000, `answered after ${response.afterMs} ms`);
      assert.match(response.body, /did not arrive within 6000 ms/);
    });
  }

  it('refuses an API key past its share of requests in flight with 429 while another key gets 200', async () => {
    const held = Array.from({ length: 4 }, () => slowApiCall(project.keys.owner.key, 50_000));
    open.push(...held);
    for (const request of held) request.drip(200);
    await new Promise((r) => setTimeout(r, 300));
    const refused = await compareFrom(project.keys.owner.key);
    assert.deepEqual([refused.status, refused.headers.get('retry-after')], [429, '1']);
    assert.match((refused.body as { message: string }).message, /this API key already has 4 requests in flight, its share of 16/);
    assert.equal((await compareFrom(other.keys.owner.key)).status, 200);
    for (const request of held) request.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await compareFrom(project.keys.owner.key)).status, 200);
  });

  it('answers bodies without a valid key with 401 before reading them, so they take no key share', async () => {
    const anonymous = Array.from({ length: 8 }, (_, i) => slowApiCall(i % 2 ? null : 'assay_owner_not-a-real-key-at-all', 50_000));
    open.push(...anonymous);
    const answers = await Promise.all(anonymous.map((request) => request.response));
    assert.deepEqual(answers.map((a) => a?.status), Array(8).fill(401));
    assert.ok(answers.every((a) => a!.afterMs < 1000));
    assert.equal((await compareFrom(project.keys.owner.key)).status, 200);
  });
});

describe('Body budget', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let otherKey: string;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { ASSAY_BODY_BUDGET: '1MiB', ASSAY_KEY_SHARE_PERCENT: '100' } });
    project = await seedProject(assay);
    otherKey = (await createKey(assay, assay.adminKey, project.id, 'ingest')).key;
  });
  after(() => assay.close());

  const exportBody = (padding: number): string => otlpChatRequest(uniqueName('m'), 1).body.replace('"name":"chat', `"name":"${'x'.repeat(padding)}chat`);

  it('answers 503 with Retry-After past the process budget, plain or inflated, and 200 once bytes are free', async () => {
    const holder = openRawRequest(`${assay.ingestUrl}/v1/traces`, 'POST', { authorization: `Bearer ${project.keys.ingest.key}`, 'content-type': 'application/json', 'content-length': String(700 << 10) });
    holder.drip(200);
    await new Promise((r) => setTimeout(r, 300));
    const plain = await call<{ message: string }>('POST', `${assay.ingestUrl}/v1/traces`, { key: otherKey, body: exportBody(500 << 10), headers: { 'content-type': 'application/json' } });
    assert.deepEqual([plain.status, plain.headers.get('retry-after')], [503, '1']);
    assert.match(plain.body.message, /the server holds as many request bytes as it may \(1048576\)/);
    const bomb = gzipSync(exportBody(600 << 10));
    const inflated = await call('POST', `${assay.ingestUrl}/v1/traces`, { key: otherKey, body: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    assert.deepEqual([inflated.status, inflated.headers.get('retry-after')], [503, '1']);
    assert.equal((await call('POST', `${assay.ingestUrl}/v1/traces`, { key: otherKey, body: exportBody(10_000), headers: { 'content-type': 'application/json' } })).status, 200);
    holder.destroy();
    await holder.closed;
    await new Promise((r) => setTimeout(r, 200));
    const later = await call('POST', `${assay.ingestUrl}/v1/traces`, { key: otherKey, body: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    assert.equal(later.status, 200);
  });
});
