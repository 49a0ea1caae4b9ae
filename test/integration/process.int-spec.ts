import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  call, eventually, freePort, spawnAssay, startRedis, testAdminKey, type SpawnedProcess,
} from '@assay/testing';

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
