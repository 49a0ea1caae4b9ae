import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  call, eventually, freePort, seedProject, spawnAssay, startTestAssay, testAdminKey,
  type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';
import { WebhookReceiver } from './alert-receiver.fixture.js';

describe('a webhook delivery whose worker is killed mid-request', () => {
  const prefix = `${process.env.ASSAY_QUEUE_PREFIX}-alert-kill`;
  let api: TestAssay;
  let project: SeededProject;
  let receiver: WebhookReceiver;
  const workers: SpawnedProcess[] = [];

  async function spawnWorker(): Promise<SpawnedProcess> {
    const worker = spawnAssay(['serve', 'worker'], {
      ...process.env,
      DATABASE_URL: api.databaseUrl,
      ASSAY_QUEUE_PREFIX: prefix,
      ASSAY_WORKER_PORT: String(await freePort()),
      ASSAY_WORKER_QUEUES: 'alert-delivery',
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_WEBHOOK_ALLOW: '127.0.0.1',
      ASSAY_WEBHOOK_TIMEOUT_MS: '60000',
      ASSAY_LOG_LEVEL: process.env.ASSAY_TEST_WORKER_LOG_LEVEL ?? 'warn',
    });
    workers.push(worker);
    return worker;
  }

  before(async () => {
    api = await startTestAssay({ apps: ['api'], env: { ASSAY_QUEUE_PREFIX: prefix } });
    project = await seedProject(api);
    receiver = await WebhookReceiver.start();
  });

  after(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await receiver?.close();
    await api?.close();
  });

  it('completes after a new worker starts, with the same webhook-id, delivered once', async () => {
    receiver.answer = (_request, index) => (index === 0 ? 'hang' : { status: 204 });
    const first = await spawnWorker();
    const subscription = await call<{ id: string; secret: string }>('POST', `${api.apiUrl}/v1/subscriptions`, {
      key: project.keys.owner.key,
      json: { name: 'kill-test', url: receiver.url() },
    });
    assert.equal(subscription.status, 201, subscription.text);
    const queued = await call<{ id: string; webhookId: string }>('POST', `${api.apiUrl}/v1/subscriptions/${subscription.body.id}/test`, { key: project.keys.owner.key });
    assert.equal(queued.status, 202, queued.text);

    await eventually(async () => receiver.received.length === 1, 30_000);
    await first.stop('SIGKILL');
    await spawnWorker();

    const delivered = await eventually(async () => {
      const list = await call<{ items: Array<{ status: string; attempts: number; webhookId: string }> }>(
        'GET', `${api.apiUrl}/v1/subscriptions/${subscription.body.id}/deliveries`, { key: project.keys.owner.key },
      );
      return list.body.items[0]?.status === 'delivered' ? list.body.items : null;
    }, 60_000, 250);
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0]!.attempts, 1, 'the killed attempt was never recorded, so it is repeated as attempt 1');
    assert.equal(receiver.received.length, 2);
    assert.deepEqual(receiver.received.map((r) => r.headers['webhook-id']), [queued.body.webhookId, queued.body.webhookId]);
    for (const request of receiver.received) WebhookReceiver.verify(subscription.body.secret, request);
  });
});
