import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { QueueName, QueueService, SCHEDULE_REFRESH_MS } from '@assay/queue';
import {
  call, eventually, freePort, seedProject, spawnAssay, startRedis, startTestAssay, testAdminKey,
  uniqueName, type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';
import { CheckRunFeeder } from '../e2e/alert-fixtures.js';
import { WebhookReceiver } from '../e2e/alert-receiver.fixture.js';

interface FiringPayload {
  type: string;
  data: { groupLabels: Record<string, string>; alerts: Array<{ status: string; labels: Record<string, string> }> };
}

// Longer than the workers' refresh, so that at least one refresh falls inside the wait while its job is
// still in Redis: re-deriving it then must not queue it a second time.
const GROUP_WAIT_SECONDS = Math.ceil(SCHEDULE_REFRESH_MS / 1000) + 2;
const SLACK_MS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('alert notifications across Redis losing its data', () => {
  const processes: SpawnedProcess[] = [];

  after(async () => {
    for (const p of processes) await p.stop('SIGKILL');
  });

  interface Deployment {
    api: TestAssay;
    project: SeededProject;
    receiver: WebhookReceiver;
    restartRedisEmpty(): Promise<void>;
    close(): Promise<void>;
  }

  // The API in this process, a worker of its own (consuming the alert queue) as a separate process,
  // and a redis-server of its own that the test may kill.
  async function deploy(): Promise<Deployment> {
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    processes.push(redis);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const api = await startTestAssay({ apps: ['api'], env: { REDIS_URL: redisUrl } });
    const workerPort = await freePort();
    const worker = spawnAssay(['serve', 'worker'], {
      ...process.env,
      DATABASE_URL: api.databaseUrl,
      REDIS_URL: redisUrl,
      ASSAY_QUEUE_PREFIX: api.queuePrefix,
      ASSAY_WORKER_PORT: String(workerPort),
      ASSAY_WORKER_QUEUES: 'alert-delivery',
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_WEBHOOK_ALLOW: '127.0.0.1',
      ASSAY_LOG_LEVEL: process.env.ASSAY_TEST_WORKER_LOG_LEVEL ?? 'warn',
    });
    processes.push(worker);
    await eventually(async () => (await call('GET', `http://127.0.0.1:${workerPort}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200, 30_000, 200);
    const project = await seedProject(api);
    const receiver = await WebhookReceiver.start();
    return {
      api, project, receiver,
      restartRedisEmpty: async () => {
        await redis.stop('SIGKILL');
        redis = await startRedis(redisPort);
        processes.push(redis);
      },
      close: async () => {
        await worker.stop('SIGKILL');
        await receiver.close();
        await api.close();
      },
    };
  }

  async function fireAlert(deployment: Deployment, groupWaitSeconds = GROUP_WAIT_SECONDS): Promise<{ secret: string; subscriptionId: string; model: string; firedAt: number }> {
    const { api, project, receiver } = deployment;
    const model = uniqueName('group-wait-model');
    assert.equal((await call('POST', `${api.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } })).status, 201);
    const subscription = await call<{ id: string; secret: string }>('POST', `${api.apiUrl}/v1/subscriptions`, {
      key: project.keys.owner.key,
      json: { name: 'oncall', url: receiver.url(), models: [model], groupWaitSeconds, groupIntervalSeconds: 60, repeatIntervalSeconds: 3600 },
    });
    assert.equal(subscription.status, 201, subscription.text);
    const feeder = new CheckRunFeeder(api, project.id);
    const firedAt = Date.now();
    await feeder.run(await feeder.monitor(model, 'latency drift', 'critical'), 'drift');
    return { secret: subscription.body.secret, subscriptionId: subscription.body.id, model, firedAt };
  }

  async function delayedAlertJobs(api: TestAssay): Promise<number> {
    return api.running.apps.api!.get(QueueService).queue(QueueName.AlertDelivery).getDelayedCount();
  }

  async function deliveries(databaseUrl: string, subscriptionId: string): Promise<Array<{ status: string; attempts: number; webhookId: string }>> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (
        await db.query<{ status: string; attempts: number; webhookId: string }>(
          `SELECT status, attempts, webhook_id AS "webhookId" FROM deliveries WHERE subscription_id = $1`,
          [subscriptionId],
        )
      ).rows;
    } finally {
      await db.end();
    }
  }

  function assertFiringNotification(model: string, body: FiringPayload): void {
    assert.equal(body.type, 'alert.firing');
    assert.deepEqual(body.data.groupLabels, { model });
    assert.deepEqual(body.data.alerts.map((a) => [a.labels.monitor, a.status]), [['latency drift', 'firing']]);
  }

  it('delivers the notification once when Redis restarts empty during the group wait', async (t) => {
    const deployment = await deploy();
    try {
      const { api, receiver } = deployment;
      const fired = await fireAlert(deployment);
      assert.equal(await delayedAlertJobs(api), 1, 'the group wait is a delayed job in Redis');

      await sleep(2000);
      await deployment.restartRedisEmpty();
      const restartedAt = Date.now();
      await eventually(async () => (await delayedAlertJobs(api).catch(() => -1)) === 0, 10_000, 100);

      // The wait is re-derived at the workers' next refresh; it still ends when the group wait does
      // unless that refresh comes later.
      const boundMs = Math.max(fired.firedAt + GROUP_WAIT_SECONDS * 1000, restartedAt + SCHEDULE_REFRESH_MS) - fired.firedAt + SLACK_MS;
      const first = await eventually(async () => receiver.received[0], boundMs, 100);
      const tookMs = first.at - fired.firedAt;
      t.diagnostic(`group wait ${GROUP_WAIT_SECONDS} s, Redis restarted ${restartedAt - fired.firedAt} ms after the alert fired; notified after ${tookMs} ms (bound ${boundMs} ms)`);
      assert.ok(tookMs >= GROUP_WAIT_SECONDS * 1000 - 1000, `notified after ${tookMs} ms, before the group wait ended`);
      assert.ok(tookMs <= boundMs, `notified after ${tookMs} ms, bound ${boundMs} ms`);
      assertFiringNotification(fired.model, WebhookReceiver.verify<FiringPayload>(fired.secret, first));

      await sleep(5000);
      assert.equal(receiver.received.length, 1, 'notified exactly once');
      assert.deepEqual(await deliveries(api.databaseUrl, fired.subscriptionId), [{ status: 'delivered', attempts: 1, webhookId: first.headers['webhook-id'] }]);
    } finally {
      await deployment.close();
    }
  });

  it('delivers the notification exactly once when Redis keeps its data', async (t) => {
    const deployment = await deploy();
    try {
      const { api, receiver } = deployment;
      const fired = await fireAlert(deployment);
      assert.equal(await delayedAlertJobs(api), 1);

      const first = await eventually(async () => receiver.received[0], GROUP_WAIT_SECONDS * 1000 + SLACK_MS, 100);
      const tookMs = first.at - fired.firedAt;
      t.diagnostic(`group wait ${GROUP_WAIT_SECONDS} s; notified after ${tookMs} ms`);
      assert.ok(tookMs >= GROUP_WAIT_SECONDS * 1000 - 1000 && tookMs <= GROUP_WAIT_SECONDS * 1000 + SLACK_MS, `notified after ${tookMs} ms`);
      assertFiringNotification(fired.model, WebhookReceiver.verify<FiringPayload>(fired.secret, first));

      await sleep(5000);
      assert.equal(receiver.received.length, 1, 'notified exactly once');
      assert.deepEqual(await deliveries(api.databaseUrl, fired.subscriptionId), [{ status: 'delivered', attempts: 1, webhookId: first.headers['webhook-id'] }]);
    } finally {
      await deployment.close();
    }
  });

  it('makes a webhook retry that was pending when Redis restarted empty, once, under the same webhook-id', async (t) => {
    const retryAfterSeconds = 20;
    const deployment = await deploy();
    try {
      const { api, receiver } = deployment;
      receiver.answer = (_request, index) => (index === 0 ? { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } } : { status: 204 });
      const fired = await fireAlert(deployment, 0);
      const refused = await eventually(async () => receiver.received[0], 15_000, 100);
      await eventually(async () => (await deliveries(api.databaseUrl, fired.subscriptionId))[0]?.attempts === 1, 10_000, 100);
      // The retry and the group's repeat are delayed jobs in Redis.
      await eventually(async () => (await delayedAlertJobs(api)) === 2, 5_000, 50);

      await deployment.restartRedisEmpty();
      const restartedAt = Date.now();
      await eventually(async () => (await delayedAlertJobs(api).catch(() => -1)) === 0, 10_000, 100);

      const boundMs = Math.max(refused.at + retryAfterSeconds * 1000, restartedAt + SCHEDULE_REFRESH_MS) - refused.at + SLACK_MS;
      const retried = await eventually(async () => receiver.received[1], boundMs, 100);
      const tookMs = retried.at - refused.at;
      t.diagnostic(`Retry-After ${retryAfterSeconds} s, Redis restarted ${restartedAt - refused.at} ms after the refused attempt; retried after ${tookMs} ms (bound ${boundMs} ms)`);
      assert.ok(tookMs >= retryAfterSeconds * 1000 - 1000, `retried after ${tookMs} ms, before Retry-After`);
      assert.equal(retried.headers['webhook-id'], refused.headers['webhook-id']);
      assertFiringNotification(fired.model, WebhookReceiver.verify<FiringPayload>(fired.secret, retried));

      await sleep(5000);
      assert.equal(receiver.received.length, 2, 'one refused attempt and one retry');
      assert.deepEqual(await deliveries(api.databaseUrl, fired.subscriptionId), [{ status: 'delivered', attempts: 2, webhookId: refused.headers['webhook-id'] }]);
    } finally {
      await deployment.close();
    }
  });
});
