import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  call, createIsolatedDatabase, eventually, freePort, otlpChatRequest, seedProject, spawnAssay, startRedis, startTestAssay, testAdminKey, uniqueName,
  type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';

async function post(url: string, key: string, body: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

describe('faults: Redis restarts and a killed ingest', () => {
  const processes: SpawnedProcess[] = [];

  after(async () => {
    for (const p of processes) await p.stop('SIGKILL');
  });

  async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async function storedSpans(databaseUrl: string, model: string): Promise<Map<string, number>> {
    const rows = await query<{ span_id: string; n: number }>(
      databaseUrl,
      `SELECT s.span_id, count(*)::int AS n FROM samples s JOIN models m ON m.id = s.model_id WHERE m.name = $1 GROUP BY s.span_id`,
      [model],
    );
    return new Map(rows.map((r) => [r.span_id, r.n]));
  }

  async function assertLedgerHasNoGap(databaseUrl: string): Promise<void> {
    const [row] = await query<{ n: string; max: string | null }>(databaseUrl, `SELECT count(*) AS n, max(idx) AS max FROM ledger_entries`);
    assert.equal(Number(row.n), row.max === null ? 0 : Number(row.max) + 1, 'the ledger has a gap');
  }

  it('keeps ingesting while Redis restarts, and loses or doubles nothing that got a 200', async () => {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    processes.push(redis);
    const assay: TestAssay = await startTestAssay({ apps: ['api', 'ingest'], env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
    try {
      const project: SeededProject = await seedProject(assay);
      const model = uniqueName('redis-ingest');
      assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } })).status, 201);
      const accepted = new Set<string>();
      const send = async (rounds: number): Promise<void> => {
        for (let i = 0; i < rounds; i++) {
          const { body, spanIds } = otlpChatRequest(model, 20);
          if ((await post(`${assay.ingestUrl}/v1/traces`, project.keys.ingest.key, body)) === 200) for (const id of spanIds) accepted.add(id);
        }
      };
      await send(5);
      await redis.stop('SIGKILL');
      await send(5);
      redis = await startRedis(redisPort);
      processes.push(redis);
      await send(5);
      assert.equal(accepted.size, 300, 'ingest answered 200 throughout: it does not need Redis to store spans');
      const stored = await storedSpans(assay.databaseUrl, model);
      assert.deepEqual([...accepted].filter((id) => stored.get(id) !== 1), []);
      assert.equal(stored.size, 300);
      await assertLedgerHasNoGap(assay.databaseUrl);
    } finally {
      await assay.close();
    }
  });

  it('resumes scheduled checks after Redis restarts empty, with no tick stored twice', async () => {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    processes.push(redis);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    // A database of its own: this worker schedules every monitor it finds, and must not run other tests'.
    const database = await createIsolatedDatabase('redis_checks');
    const isolated = new pg.Client({ connectionString: database.url });
    await isolated.connect();
    const api = await startTestAssay({ apps: ['api'], env: { REDIS_URL: redisUrl, DATABASE_URL: database.url } });
    const worker = spawnAssay(['serve', 'worker'], {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      ASSAY_WORKER_PORT: String(await freePort()),
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_LOG_LEVEL: 'warn',
    });
    processes.push(worker);
    try {
      const project = await seedProject(api);
      const model = uniqueName('redis-checks');
      await call('POST', `${api.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
      const policy = await call<{ id: string }>('POST', `${api.apiUrl}/v1/models/${model}/policies`, {
        key: project.keys.owner.key,
        json: { name: 'count', rule: 'count() >= 0', window: { type: 'time', seconds: 60 }, minSamples: 1, scheduleSeconds: 1 },
      });
      assert.equal(policy.status, 201, policy.text);
      const runsAfter = async (since: Date): Promise<number> =>
        (await isolated.query<{ n: number }>(`SELECT count(*)::int AS n FROM check_runs WHERE monitor_id = $1 AND created_at > $2`, [policy.body.id, since])).rows[0].n;
      await eventually(async () => (await runsAfter(new Date(0))) >= 3, 20_000, 250);

      await redis.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 3000));
      redis = await startRedis(redisPort);
      processes.push(redis);
      const restartedAt = new Date();
      // The job schedulers died with Redis's data; the workers recreate them within their 30 s refresh.
      await eventually(async () => (await runsAfter(restartedAt)) >= 3, 60_000, 500);
      const duplicates = await isolated.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT window_to FROM check_runs WHERE monitor_id = $1 GROUP BY window_to HAVING count(*) > 1) d`,
        [policy.body.id],
      );
      assert.equal(duplicates.rows[0].n, 0);
      await assertLedgerHasNoGap(database.url);
    } finally {
      await worker.stop('SIGKILL');
      await api.close();
      await isolated.end();
      await database.drop();
    }
  });

  it('stores every span that got a 200 exactly once when the ingest is killed with requests in flight', async () => {
    const api = await startTestAssay({ apps: ['api'] });
    const project = await seedProject(api);
    const model = uniqueName('killed-ingest');
    await call('POST', `${api.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: api.databaseUrl, ASSAY_INGEST_PORT: String(port), ASSAY_ADMIN_KEY: testAdminKey(), ASSAY_LOG_LEVEL: 'warn' };
    const url = `http://127.0.0.1:${port}/v1/traces`;
    const ready = async (): Promise<boolean> => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200;
    let ingest = spawnAssay(['serve', 'ingest'], env);
    processes.push(ingest);
    try {
      await eventually(ready, 30_000, 200);
      const requests = Array.from({ length: 40 }, () => otlpChatRequest(model, 25));
      const acknowledged = new Set<string>();
      const outcomes = await Promise.all(
        requests.map(async (request, i) => {
          if (i === 20) await ingest.stop('SIGKILL');
          return post(url, project.keys.ingest.key, request.body);
        }),
      );
      outcomes.forEach((status, i) => {
        if (status === 200) for (const id of requests[i].spanIds) acknowledged.add(id);
      });
      ingest = spawnAssay(['serve', 'ingest'], env);
      processes.push(ingest);
      await eventually(ready, 30_000, 200);
      // An exporter retries what was not acknowledged; redelivering everything also exercises deduplication.
      for (const request of requests) assert.equal(await post(url, project.keys.ingest.key, request.body), 200);
      const stored = await storedSpans(api.databaseUrl, model);
      for (const id of acknowledged) assert.equal(stored.get(id), 1, `acknowledged span ${id}`);
      assert.equal(stored.size, 40 * 25);
      assert.ok([...stored.values()].every((n) => n === 1));
      await assertLedgerHasNoGap(api.databaseUrl);
    } finally {
      await ingest.stop('SIGKILL');
      await api.close();
    }
  });
});
