import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, eventually, startTestAssay, type TestAssay } from '@assay/testing';

describe('platform: OpenAPI, health and the job round trip', () => {
  let assay: TestAssay;

  before(async () => {
    assay = await startTestAssay();
  });
  after(() => assay.close());

  it('serves an OpenAPI document generated from the controllers', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
      'GET',
      `${assay.apiUrl}/docs-json`,
    );
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\./);
    for (const path of ['/v1/projects', '/v1/keys', '/v1/keys/{id}']) assert.ok(path in doc.body.paths, path);
    assert.ok('CreateKeyDto' in doc.body.components.schemas);
    const ui = await call('GET', `${assay.apiUrl}/docs`);
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
  });

  it('reports readiness and Prometheus metrics on every app', async () => {
    for (const url of [assay.apiUrl, assay.ingestUrl, assay.workerUrl]) {
      const ready = await call<{ ready: boolean; checks: { postgres: { ok: boolean }; redis: { ok: boolean } } }>('GET', `${url}/readyz`);
      assert.equal(ready.status, 200, url);
      assert.equal(ready.body.checks.postgres.ok, true);
      assert.equal(ready.body.checks.redis.ok, true);
      const metrics = await call('GET', `${url}/metrics`);
      assert.match(metrics.text, /^# HELP assay_process_cpu_user_seconds_total/m);
    }
    const metrics = await call('GET', `${assay.apiUrl}/metrics`);
    assert.match(metrics.text, /assay_http_request_duration_seconds_count\{app="api",method="GET",route="\/readyz",status="200"\} \d+/);
  });

  it('returns a request id, echoing a caller-supplied one', async () => {
    const response = await call('GET', `${assay.apiUrl}/healthz`, { headers: { 'x-request-id': 'trace-me-123' } });
    assert.equal(response.headers.get('x-request-id'), 'trace-me-123');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('runs a job enqueued by the API on the worker and stores its result', async () => {
    const started = await call<{ id: string; status: string }>('POST', `${assay.apiUrl}/v1/diagnostics/roundtrip`, { key: assay.adminKey });
    assert.equal(started.status, 202);
    assert.equal(started.body.status, 'queued');
    const finished = await eventually(async () => {
      const run = await call<{ status: string; attempts: number; result: { worker: string; queue: string; jobId: string } }>(
        'GET',
        `${assay.apiUrl}/v1/diagnostics/roundtrip/${started.body.id}`,
        { key: assay.adminKey },
      );
      return run.body.status === 'completed' ? run.body : null;
    });
    assert.equal(finished.attempts, 1);
    assert.equal(finished.result.queue, 'maintenance');
    assert.equal(finished.result.jobId, started.body.id);
    assert.equal(finished.result.worker.split(':')[1], String(process.pid));
  });
});
