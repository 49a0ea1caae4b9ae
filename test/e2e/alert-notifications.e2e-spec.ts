import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';
import { WebhookReceiver, type ReceivedWebhook } from './alert-receiver.fixture.js';

interface Alert {
  id: string;
  status: string;
  occurrences: number;
  resolvedBy: string | null;
  labels: Record<string, string>;
}

interface AssayPayload {
  type: string;
  timestamp: string;
  data: { status: string; groupLabels: Record<string, string>; alerts: Array<{ status: string; labels: Record<string, string> }> };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('alert notifications, end to end from the monitoring loop', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  let receiver: WebhookReceiver;
  const model = uniqueName('alerting-model');
  const random = seededRandom(7);

  const owner = (): string => project.keys.owner.key;
  const api = (path: string): string => `${assay.apiUrl}${path}`;
  const forGroup = (): ReceivedWebhook[] => receiver.received.filter((r) => r.path === '/grouped');

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    receiver = await WebhookReceiver.start();
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model } })).status, 201);
    assert.equal((await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version: 'v1', lifecycle: 'production' } })).status, 201);
    traffic.emit(
      { model, version: 'v1', inputTokens: normal(random, 100, 10), outputTokens: normal(random, 150, 10), latencyMs: normal(random, 500, 50), finishReason: () => 'stop' },
      40,
    );
    await traffic.flush();
    await eventually(async () => (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled >= 40, 15_000);
  });

  after(async () => {
    await traffic?.shutdown();
    await receiver?.close();
    await assay?.close();
  });

  it('sends one signed notification per group, stays quiet on repeats, and sends one resolved notification on recovery', async () => {
    const groupWaitSeconds = 2;
    const scheduleSeconds = 1;
    const subscription = await call<{ id: string; secret: string }>('POST', api('/v1/subscriptions'), {
      key: owner(),
      json: { name: 'oncall', url: receiver.url('/grouped'), models: [model], groupWaitSeconds, groupIntervalSeconds: 1, repeatIntervalSeconds: 3600 },
    });
    assert.equal(subscription.status, 201, subscription.text);
    assert.match(subscription.body.secret, /^whsec_/);

    const created = Date.now();
    const policies: string[] = [];
    for (const name of ['too many calls', 'too few tokens']) {
      const rule = name === 'too many calls' ? 'count() < 1' : 'mean(output_tokens) < 1';
      const response = await call<{ id: string }>('POST', api(`/v1/models/${model}/policies`), {
        key: owner(),
        json: { name, rule, window: { type: 'time', seconds: 3600 }, minSamples: 1, severity: 'critical', scheduleSeconds },
      });
      assert.equal(response.status, 201, response.text);
      policies.push(response.body.id);
    }

    const first = await eventually(async () => forGroup()[0], 20_000, 50);
    // Both policies' first failing runs come from the same tick, so one group notification carries both.
    assert.ok(first.at - created <= (groupWaitSeconds + scheduleSeconds + 3) * 1000, `notified after ${first.at - created} ms`);
    const firing = WebhookReceiver.verify<AssayPayload>(subscription.body.secret, first);
    assert.equal(firing.type, 'alert.firing');
    assert.deepEqual(firing.data.groupLabels, { model });
    assert.deepEqual(firing.data.alerts.map((a) => [a.labels.monitor, a.status]).sort(), [['too few tokens', 'firing'], ['too many calls', 'firing']]);

    await sleep(4000);
    assert.equal(forGroup().length, 1, 'repeated failing runs must not notify again before repeat_interval');
    const open = await call<{ items: Alert[] }>('GET', api(`/v1/alerts?model=${model}&status=firing`), { key: project.keys.auditor.key });
    assert.equal(open.body.items.length, 2);
    assert.ok(open.body.items.every((a) => a.occurrences >= 3), JSON.stringify(open.body.items.map((a) => a.occurrences)));

    for (const id of policies) {
      assert.equal((await call('PATCH', api(`/v1/policies/${id}`), { key: owner(), json: { rule: 'count() >= 1' } })).status, 200);
    }
    const second = await eventually(async () => forGroup()[1], 15_000, 50);
    const resolved = WebhookReceiver.verify<AssayPayload>(subscription.body.secret, second);
    assert.equal(resolved.type, 'alert.resolved');
    assert.deepEqual(resolved.data.alerts.map((a) => a.status), ['resolved', 'resolved']);
    assert.notEqual(second.headers['webhook-id'], first.headers['webhook-id']);

    await sleep(3000);
    assert.equal(forGroup().length, 2, 'exactly one resolved notification');
    const closed = await call<{ items: Alert[] }>('GET', api(`/v1/alerts?model=${model}&status=resolved`), { key: owner() });
    assert.equal(closed.body.items.length, 2);
    assert.ok(closed.body.items.every((a) => a.resolvedBy === null));
    for (const id of policies) await call('PATCH', api(`/v1/policies/${id}`), { key: owner(), json: { enabled: false } });
  });
});
