import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { OtlpReceiver } from '@assay/ingest';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

const MODEL = 'bad-input-model';

function jsonBody(overrides: { traceId?: string; attribute?: string } = {}): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attributes = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
    { key: 'gen_ai.request.model', value: { stringValue: MODEL } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
  ];
  if (overrides.attribute !== undefined) attributes.push({ key: 'app.blob', value: { stringValue: overrides.attribute } });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-app' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: overrides.traceId ?? randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                name: `chat ${MODEL}`,
                kind: 3,
                startTimeUnixNano: String(now - 100_000_000n),
                endTimeUnixNano: String(now),
                attributes,
              },
            ],
          },
        ],
      },
    ],
  });
}

describe(`${OtlpReceiver.name} refusals`, () => {
  let assay: TestAssay;
  let project: SeededProject;

  const send = (body: string | Uint8Array, headers: Record<string, string>, key: string | null = project.keys.ingest.key) =>
    call('POST', `${assay.ingestUrl}/v1/traces`, { body, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

  async function assertNothingWrittenAndUp(): Promise<void> {
    const page = await call<{ items: unknown[]; seen: number; sampled: number }>('GET', `${assay.apiUrl}/v1/models/${MODEL}/samples`, {
      key: project.keys.auditor.key,
    });
    assert.deepEqual([page.body.items.length, page.body.seen, page.body.sampled], [0, 0, 0]);
    assert.equal((await call('GET', `${assay.ingestUrl}/healthz`)).status, 200);
  }

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { ASSAY_INGEST_MAX_BODY: '4MiB', ASSAY_INGEST_THREADS: '1' } });
    project = await seedProject(assay);
    const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: MODEL } });
    assert.equal(created.status, 201, created.text);
  });
  after(async () => {
    await assay.close();
  });

  it('serves /v1/traces ahead of Express with the request id, security headers and metrics of every route', async () => {
    const response = await send('{"resourceSpans": [', { 'content-type': 'application/json', 'x-request-id': 'otlp-req-7' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-request-id'), 'otlp-req-7');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(response.headers.get('x-powered-by'), null);
    const metrics = await call('GET', `${assay.ingestUrl}/metrics`);
    assert.match(metrics.text, /assay_http_request_duration_seconds_count\{[^}]*route="\/v1\/traces"[^}]*status="400"[^}]*\} [1-9]/);
    // Matched as Express matched it (trailing slash, any case); other methods are Express's: no route there.
    const slashed = await call('POST', `${assay.ingestUrl}/V1/Traces/?x=1`, { body: '{"resourceSpans": [', headers: { 'content-type': 'application/json', authorization: `Bearer ${project.keys.ingest.key}` } });
    assert.equal(slashed.status, 400);
    assert.match((JSON.parse(slashed.text) as { message: string }).message, /JSON/i);
    assert.equal((await call('GET', `${assay.ingestUrl}/v1/traces`)).status, 404);
  });

  it('answers 400 with a google.rpc.Status for truncated protobuf', async () => {
    const fixture = fs.readFileSync(path.resolve('libs/otlp/fixtures/genai.pb'));
    const response = await send(fixture.subarray(0, fixture.length - 7), { 'content-type': 'application/x-protobuf' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
    assert.ok(response.text.length > 0);
    await assertNothingWrittenAndUp();
  });

  it('answers 400 naming the problem for invalid JSON', async () => {
    const response = await send('{"resourceSpans": [', { 'content-type': 'application/json' });
    assert.equal(response.status, 400);
    const status = JSON.parse(response.text) as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.match(status.message, /JSON/i);
    await assertNothingWrittenAndUp();
  });

  it('answers 400 for a trace id that is not hex, naming the field', async () => {
    const response = await send(jsonBody({ traceId: 'zz'.repeat(16) }), { 'content-type': 'application/json' });
    assert.equal(response.status, 400);
    assert.match((JSON.parse(response.text) as { message: string }).message, /traceId/);
    await assertNothingWrittenAndUp();
  });

  it('answers 415 for another content type', async () => {
    const response = await send(jsonBody(), { 'content-type': 'text/plain' });
    assert.equal(response.status, 415);
    assert.match((JSON.parse(response.text) as { message: string }).message, /application\/x-protobuf/);
    await assertNothingWrittenAndUp();
  });

  it('answers 413 for a gzip bomb without inflating it past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(200 << 20));
    assert.ok(bomb.length < 1 << 20);
    const response = await send(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    assert.equal(response.status, 413);
    await assertNothingWrittenAndUp();
  });

  it('answers 413 for a 10 MB attribute over the body limit', async () => {
    const response = await send(jsonBody({ attribute: 'x'.repeat(10 << 20) }), { 'content-type': 'application/json' });
    assert.equal(response.status, 413);
    await assertNothingWrittenAndUp();
  });

  it('answers 401 without a key and 403 for a key without the ingest role', async () => {
    const missing = await send(jsonBody(), { 'content-type': 'application/json' }, null);
    const owner = await send(jsonBody(), { 'content-type': 'application/json' }, project.keys.owner.key);
    const unknown = await send(jsonBody(), { 'content-type': 'application/json' }, `assay_ingest_${'a'.repeat(40)}`);
    assert.deepEqual([missing.status, owner.status, unknown.status], [401, 403, 401]);
    assert.equal((JSON.parse(owner.text) as { code: number }).code, 7);
    await assertNothingWrittenAndUp();
  });

  it('stops accepting a revoked key within a second', async () => {
    const ok = await send(jsonBody(), { 'content-type': 'application/json' });
    assert.equal(ok.status, 200, ok.text);
    const revoked = await call('DELETE', `${assay.apiUrl}/v1/keys/${project.keys.ingest.id}`, { key: assay.adminKey });
    assert.ok(revoked.status < 300, revoked.text);
    await new Promise((r) => setTimeout(r, 1100));
    const refused = await send(jsonBody(), { 'content-type': 'application/json' });
    assert.equal(refused.status, 401);
  });
});
