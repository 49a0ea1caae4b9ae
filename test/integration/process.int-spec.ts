import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  call, eventually, freePort, otlpChatRequest, seedProject, spawnAssay, startRedis, testAdminKey, type SpawnedProcess,
} from '@assay/testing';

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await action();
  return { result, ms: Date.now() - started };
}

async function readyStatus(url: string): Promise<number> {
  try {
    return (await call('GET', `${url}/readyz`, { signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return 0;
  }
}

describe('the assay process', () => {
  const processes: SpawnedProcess[] = [];
  after(async () => {
    for (const p of processes) await p.stop('SIGKILL');
  });

  it('exits non-zero naming REDIS_URL when it is not a URL', async () => {
    const assay = spawnAssay(['serve'], { ...process.env, REDIS_URL: 'notaurl' });
    processes.push(assay);
    const code = await assay.exited;
    assert.notEqual(code, 0);
    assert.match(assay.output(), /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(got "notaurl"\)/);
  });

  it('answers 503 on /readyz within 5 s of Redis stopping and 200 again once it is back, without a restart', async () => {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    processes.push(redis);
    const [apiPort, ingestPort, workerPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ASSAY_API_PORT: String(apiPort),
      ASSAY_INGEST_PORT: String(ingestPort),
      ASSAY_WORKER_PORT: String(workerPort),
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-readyz`,
    };
    // No worker: readiness is what is under test, and a worker would schedule the run's other monitors.
    const assay = spawnAssay(['serve', 'api', 'ingest'], env);
    processes.push(assay);
    const urls = [`http://127.0.0.1:${apiPort}`, `http://127.0.0.1:${ingestPort}`];
    for (const url of urls) await eventually(async () => (await readyStatus(url)) === 200, 30_000);

    await redis.stop('SIGKILL');
    const stoppedAt = Date.now();
    for (const url of urls) await eventually(async () => (await readyStatus(url)) === 503, 5000, 200);
    assert.ok(Date.now() - stoppedAt <= 5000 + 500);

    redis = await startRedis(redisPort);
    processes.push(redis);
    for (const url of urls) await eventually(async () => (await readyStatus(url)) === 200, 10_000, 200);
    assert.equal(assay.child.exitCode, null, 'assay kept running');
  });

  it('answers while Redis hangs without closing its connections: reads and capped ingest go on, changes stay, queued work is refused with 503', async () => {
    const redisPort = await freePort();
    const redis = await startRedis(redisPort);
    processes.push(redis);
    const [apiPort, ingestPort] = [await freePort(), await freePort()];
    const adminKey = testAdminKey();
    const assay = spawnAssay(['serve', 'api', 'ingest'], {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ASSAY_API_PORT: String(apiPort),
      ASSAY_INGEST_PORT: String(ingestPort),
      ASSAY_ADMIN_KEY: adminKey,
      ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-hung-redis`,
      ASSAY_WEBHOOK_ALLOW: '127.0.0.1',
    });
    processes.push(assay);
    const api = `http://127.0.0.1:${apiPort}`;
    await eventually(async () => (await readyStatus(api)) === 200, 30_000);
    await eventually(async () => (await readyStatus(`http://127.0.0.1:${ingestPort}`)) === 200, 30_000);
    const project = await seedProject({ apiUrl: api, adminKey });
    const owner = project.keys.owner.key;
    const model = await call('POST', `${api}/v1/models`, { key: owner, json: { name: 'capped', sampling: { probability: 1, maxPerMinute: 2 } } });
    assert.equal(model.status, 201, model.text);
    const policyBody = (name: string) => ({ name, rule: 'count() >= 0', window: { type: 'time', seconds: 60 }, minSamples: 1, scheduleSeconds: 60 });
    const bounded = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(20_000) });
    const subscription = await call<{ id: string }>('POST', `${api}/v1/subscriptions`, { key: owner, json: { name: 'oncall', url: `http://127.0.0.1:${await freePort()}/hook` } });
    assert.equal(subscription.status, 201, subscription.text);

    redis.child.kill('SIGSTOP');
    let policyId = '';
    let reportId = '';
    try {
      const read = await timed(() => call('GET', `${api}/v1/projects`, { key: adminKey, ...bounded() }));
      assert.equal(read.result.status, 200, read.result.text);
      assert.ok(read.ms < 3000, `a read took ${read.ms} ms`);

      const ingested = await timed(() =>
        call('POST', `http://127.0.0.1:${ingestPort}/v1/traces`, {
          key: project.keys.ingest.key, body: otlpChatRequest('capped', 3).body, headers: { 'content-type': 'application/json' }, ...bounded(),
        }),
      );
      assert.equal(ingested.result.status, 200, ingested.result.text);
      assert.ok(ingested.ms < 3000, `ingest took ${ingested.ms} ms`);

      // PostgreSQL holds the policy; its schedule is set by the workers once Redis answers.
      const policy = await timed(() => call<{ id: string }>('POST', `${api}/v1/models/capped/policies`, { key: owner, json: policyBody('count'), ...bounded() }));
      assert.equal(policy.result.status, 201, policy.result.text);
      assert.ok(policy.ms < 8000, `creating a policy took ${policy.ms} ms`);
      policyId = policy.result.body.id;

      const run = await call('POST', `${api}/v1/policies/${policyId}/run`, { key: owner, ...bounded() });
      assert.equal(run.status, 503, run.text);
      assert.equal(run.headers.get('retry-after'), '5');
      assert.equal((run.body as { message?: string }).message, 'the job queue is unavailable; retry later');

      const from = new Date(Date.now() - 3_600_000).toISOString();
      const report = await call('POST', `${api}/v1/reports`, { key: owner, json: { model: 'capped', from, to: new Date().toISOString() }, ...bounded() });
      assert.equal(report.status, 503, report.text);
      const reports = await call<{ items: Array<{ id: string; status: string; error: string | null }> }>('GET', `${api}/v1/models/capped/reports`, { key: owner, ...bounded() });
      assert.equal(reports.body.items.length, 1);
      assert.equal(reports.body.items[0].status, 'failed');
      assert.match(reports.body.items[0].error ?? '', /^could not be queued: the job queue \(Redis\) is unavailable/);
      reportId = reports.body.items[0].id;

      const test = await call('POST', `${api}/v1/subscriptions/${subscription.body.id}/test`, { key: owner, ...bounded() });
      assert.equal(test.status, 503, test.text);
      const deliveries = await call<{ items: Array<{ status: string; lastError: string | null }> }>('GET', `${api}/v1/subscriptions/${subscription.body.id}/deliveries`, { key: owner, ...bounded() });
      assert.deepEqual(deliveries.body.items.map((d) => [d.status, /^could not be queued: the job queue \(Redis\) is unavailable/.test(d.lastError ?? '')]), [['failed', true]]);
    } finally {
      redis.child.kill('SIGCONT');
    }

    const stored = await call<{ items: unknown[]; seen: number; sampled: number }>('GET', `${api}/v1/models/capped/samples`, { key: owner });
    assert.deepEqual([stored.body.items.length, stored.body.seen, stored.body.sampled], [2, 3, 2]);
    assert.equal((await call('GET', `${api}/v1/policies/${policyId}`, { key: owner })).status, 200);
    assert.ok(reportId);
    await eventually(async () => (await call('POST', `${api}/v1/policies/${policyId}/run`, { key: owner })).status === 202, 15_000, 250);
  });

  it('starts with nothing configured on an embedded PostgreSQL and local Redis', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-embedded-'));
    fs.chmodSync(dataDir, 0o755);
    const [apiPort, ingestPort, workerPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ASSAY_DATA_DIR: dataDir,
      ASSAY_EMBEDDED_PG_PORT: String(pgPort),
      ASSAY_API_PORT: String(apiPort),
      ASSAY_INGEST_PORT: String(ingestPort),
      ASSAY_WORKER_PORT: String(workerPort),
      ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-embedded`,
    };
    const assay = spawnAssay(['serve'], env);
    processes.push(assay);
    for (const port of [apiPort, ingestPort]) {
      await eventually(async () => (await readyStatus(`http://127.0.0.1:${port}`)) === 200, 90_000, 250);
    }
    const key = /assay_admin_[A-Za-z0-9_-]{43}/.exec(assay.output())?.[0];
    assert.ok(key, 'the generated bootstrap admin key is printed once');
    const projects = await call('GET', `http://127.0.0.1:${apiPort}/v1/projects`, { key });
    assert.equal(projects.status, 200);
    assert.ok(fs.existsSync(path.join(dataDir, 'postgres', 'data', 'PG_VERSION')));
    assert.equal(await assay.stop('SIGTERM'), 0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
