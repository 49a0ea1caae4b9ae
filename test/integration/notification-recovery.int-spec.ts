import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Worker, type Job } from 'bullmq';
import { NotificationRecovery, NotificationScheduler, deliverJobId, notifyJobId } from '@assay/alerts';
import { JobName, QueueName, QueueService, type JobPayloads } from '@assay/queue';
import {
  call, eventually, freePort, seedProject, startRedis, startTestAssay, uniqueName, type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';
import { CheckRunFeeder } from '../e2e/alert-fixtures.js';

// The API alone consumes no queue, so every job stays where the test put it; each restoreDue() call
// stands for one worker's refresh.
describe(NotificationRecovery.name, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let feeder: CheckRunFeeder;
  let db: pg.Client;
  let sut: NotificationRecovery;
  let queues: QueueService;

  const queue = () => queues.queue(QueueName.AlertDelivery);

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    project = await seedProject(assay);
    feeder = new CheckRunFeeder(assay, project.id);
    sut = assay.running.apps.api!.get(NotificationRecovery);
    queues = assay.running.apps.api!.get(QueueService);
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await assay?.close();
  });

  async function subscribedModel(groupWaitSeconds: number): Promise<{ model: string; subscriptionId: string }> {
    const model = uniqueName('recovery-model');
    assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } })).status, 201);
    const subscription = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/subscriptions`, {
      key: project.keys.owner.key,
      json: { name: model, url: 'http://127.0.0.1:9/hook', models: [model], groupWaitSeconds, groupIntervalSeconds: 60, repeatIntervalSeconds: 3600 },
    });
    assert.equal(subscription.status, 201, subscription.text);
    return { model, subscriptionId: subscription.body.id };
  }

  async function pendingGroup(subscriptionId: string): Promise<{ groupKey: string; at: number }> {
    const { rows } = await db.query<{ group_key: string; pending_flush_at: Date }>(
      `SELECT group_key, pending_flush_at FROM notification_groups WHERE subscription_id = $1`,
      [subscriptionId],
    );
    assert.equal(rows.length, 1);
    return { groupKey: rows[0]!.group_key, at: rows[0]!.pending_flush_at.getTime() };
  }

  async function jobsNamed(name: JobName, dataMatches: (data: Record<string, unknown>) => boolean): Promise<Job[]> {
    const jobs = await queue().getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    return jobs.filter((j) => j.name === name && dataMatches(j.data as Record<string, unknown>));
  }

  async function restoreAsTwoWorkers(): Promise<number> {
    const outcomes = await Promise.all([sut.restoreDue(), sut.restoreDue()]);
    return outcomes.reduce((n, o) => n + o.flushes.queued + o.flushes.retried + o.attempts.queued + o.attempts.retried, 0);
  }

  it('leaves a group wait still in Redis alone and puts a lost one back once, with its due time, when two workers restore at once', async () => {
    const { model, subscriptionId } = await subscribedModel(30);
    await feeder.run(await feeder.monitor(model, 'latency drift'), 'drift');
    const { groupKey, at } = await pendingGroup(subscriptionId);
    const id = notifyJobId(groupKey, at);
    const original = (await queue().getJob(id))!;
    assert.equal(await original.getState(), 'delayed');

    assert.equal(await restoreAsTwoWorkers(), 0);
    const kept = await jobsNamed(JobName.AlertNotify, (d) => d.groupKey === groupKey);
    assert.deepEqual(kept.map((j) => [j.id, j.timestamp]), [[id, original.timestamp]]);

    await original.remove();
    const before = Date.now();
    // Both workers may find it missing and add it: the second add is a no-op under the same id.
    assert.ok((await restoreAsTwoWorkers()) >= 1);
    const restored = await jobsNamed(JobName.AlertNotify, (d) => d.groupKey === groupKey);
    assert.equal(restored.length, 1);
    assert.equal(restored[0]!.id, id);
    assert.deepEqual(restored[0]!.data, { subscriptionId, groupKey, at } satisfies JobPayloads[JobName.AlertNotify]);
    assert.equal(await restored[0]!.getState(), 'delayed');
    const dueAt = restored[0]!.timestamp + (restored[0]!.delay ?? 0);
    assert.ok(Math.abs(dueAt - at) <= Date.now() - before + 50, `restored job due at ${dueAt}, the group at ${at}`);
  });

  it('retries a group flush whose job failed for good, once, with fresh attempts', async () => {
    const { model, subscriptionId } = await subscribedModel(30);
    await feeder.run(await feeder.monitor(model, 'latency drift'), 'drift');
    const { groupKey, at } = await pendingGroup(subscriptionId);
    const id = notifyJobId(groupKey, at);
    await (await queue().getJob(id))!.remove();
    // The same job, failing at once for good, as after PostgreSQL was unreachable for all its attempts.
    await queue().add(JobName.AlertNotify, { subscriptionId, groupKey, at }, { jobId: id, attempts: 1 });
    const failing = new Worker(QueueName.AlertDelivery, async () => { throw new Error('PostgreSQL unreachable'); }, {
      connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
      prefix: assay.queuePrefix,
    });
    try {
      await eventually(async () => (await (await queue().getJob(id))?.getState()) === 'failed', 10_000, 50);
    } finally {
      await failing.close();
    }

    assert.equal(await restoreAsTwoWorkers(), 1);
    const retried = (await queue().getJob(id))!;
    assert.equal(await retried.getState(), 'waiting');
    assert.equal(retried.attemptsMade, 0);
    assert.equal(await restoreAsTwoWorkers(), 0);
  });

  it('sends nothing more for a group notified between the read and the restore', async () => {
    const { model, subscriptionId } = await subscribedModel(0);
    await feeder.run(await feeder.monitor(model, 'latency drift'), 'drift');
    const { groupKey, at } = await pendingGroup(subscriptionId);
    const scheduler = assay.running.apps.api!.get(NotificationScheduler);
    // A worker runs the flush while another read the group's due time; the finished job is then gone
    // from Redis (its retention), so the restore queues it again and it runs a second time.
    assert.equal(await scheduler.flush({ subscriptionId, groupKey, at }), 'sent');
    await (await queue().getJob(notifyJobId(groupKey, at)))!.remove();
    assert.equal(await scheduler.restoreFlush(subscriptionId, groupKey, at), 'queued');
    assert.equal(await scheduler.flush({ subscriptionId, groupKey, at }), 'sent');

    const { rows } = await db.query<{ id: string; status: string }>(`SELECT id, status FROM deliveries WHERE subscription_id = $1`, [subscriptionId]);
    assert.equal(rows.length, 1, 'one notification');
    const attempts = await jobsNamed(JobName.WebhookDeliver, (d) => d.deliveryId === rows[0]!.id);
    assert.deepEqual(attempts.map((j) => j.id), [deliverJobId(rows[0]!.id, 1)]);
    const group = await pendingGroup(subscriptionId);
    assert.ok(group.at >= at + 3600_000, 'the next flush is the repeat');
  });

  it('puts back a lost webhook attempt under its attempt number, and nothing for a settled delivery or one not due soon', async () => {
    const { subscriptionId } = await subscribedModel(0);
    const queueTest = async (): Promise<string> => {
      const response = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/subscriptions/${subscriptionId}/test`, { key: project.keys.owner.key });
      assert.equal(response.status, 202, response.text);
      await (await queue().getJob(deliverJobId(response.body.id, 1)))!.remove();
      return response.body.id;
    };
    const fresh = await queueTest();
    const retrying = await queueTest();
    const later = await queueTest();
    const delivered = await queueTest();
    await db.query(`UPDATE deliveries SET attempts = 1, next_attempt_at = now() + interval '20 seconds' WHERE id = $1`, [retrying]);
    await db.query(`UPDATE deliveries SET attempts = 1, next_attempt_at = now() + interval '10 minutes' WHERE id = $1`, [later]);
    await db.query(`UPDATE deliveries SET attempts = 1, status = 'delivered', delivered_at = now() WHERE id = $1`, [delivered]);

    // Both workers may find a job missing and add it: the second add is a no-op under the same id.
    assert.ok((await restoreAsTwoWorkers()) >= 2);
    const byDelivery = async (deliveryId: string): Promise<Array<[string | undefined, string]>> =>
      Promise.all((await jobsNamed(JobName.WebhookDeliver, (d) => d.deliveryId === deliveryId)).map(async (j) => [j.id, await j.getState()] as [string | undefined, string]));
    assert.deepEqual(await byDelivery(fresh), [[deliverJobId(fresh, 1), 'waiting']]);
    assert.deepEqual(await byDelivery(retrying), [[deliverJobId(retrying, 2), 'delayed']]);
    assert.deepEqual(await byDelivery(later), []);
    assert.deepEqual(await byDelivery(delivered), []);
  });
});

describe(`${NotificationRecovery.name} with Redis unreachable`, () => {
  it('commits an alert whose group wait could not be queued, and queues the wait once Redis is back', async () => {
    const redisPort = await freePort();
    let redis: SpawnedProcess = await startRedis(redisPort);
    const assay = await startTestAssay({ apps: ['api'], env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
    try {
      const project = await seedProject(assay);
      const model = uniqueName('unreachable-model');
      assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } })).status, 201);
      const subscription = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/subscriptions`, {
        key: project.keys.owner.key,
        json: { name: model, url: 'http://127.0.0.1:9/hook', models: [model], groupWaitSeconds: 30 },
      });
      assert.equal(subscription.status, 201, subscription.text);
      const feeder = new CheckRunFeeder(assay, project.id);
      const monitor = await feeder.monitor(model, 'latency drift');
      await redis.stop('SIGKILL');

      await feeder.run(monitor, 'drift');
      const db = new pg.Client({ connectionString: assay.databaseUrl });
      await db.connect();
      const { rows } = await db.query<{ group_key: string; pending_flush_at: Date }>(
        `SELECT group_key, pending_flush_at FROM notification_groups WHERE subscription_id = $1`,
        [subscription.body.id],
      );
      await db.end();
      assert.equal(rows.length, 1, 'the group and its due time are in PostgreSQL');

      redis = await startRedis(redisPort);
      const sut = assay.running.apps.api!.get(NotificationRecovery);
      const outcome = await eventually(async () => sut.restoreDue().catch(() => null), 10_000, 200);
      // The add that timed out may still land once Redis is back; either way one job, under the wait's id.
      assert.equal(outcome.flushes.queued + outcome.flushes.present, 1);
      assert.equal(outcome.flushes.retried, 0);
      const job = await assay.running.apps.api!.get(QueueService).queue(QueueName.AlertDelivery).getJob(notifyJobId(rows[0]!.group_key, rows[0]!.pending_flush_at.getTime()));
      assert.equal(await job?.getState(), 'delayed');
    } finally {
      await assay.close();
      await redis.stop('SIGKILL');
    }
  });
});
