import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { SubscriptionsService, WebhookSecrets } from '@assay/alerts';
import { call, eventually, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';
import { CheckRunFeeder } from './alert-fixtures.js';
import { WebhookReceiver, type ReceivedWebhook } from './alert-receiver.fixture.js';

interface Delivery {
  id: string;
  webhookId: string;
  status: string;
  attempts: number;
  attemptLog: Array<{ attempt: number; statusCode: number | null }>;
  nextAttemptAt: string | null;
  payload: string;
}

interface Alert {
  id: string;
  status: string;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  resolvedBy: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('webhook deliveries, alert routes and the alert stream', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let other: SeededProject;
  let receiver: WebhookReceiver;
  let feeder: CheckRunFeeder;
  const model = uniqueName('webhook-model');

  const owner = (): string => project.keys.owner.key;
  const api = (path: string): string => `${assay.apiUrl}${path}`;
  const at = (path: string): ReceivedWebhook[] => receiver.received.filter((r) => r.path === path);

  async function subscribe(path: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const response = await call<{ id: string; secret: string }>('POST', api('/v1/subscriptions'), {
      key: owner(),
      json: { name: path, url: receiver.url(path), models: [model], groupWaitSeconds: 0, groupIntervalSeconds: 1, ...extra },
    });
    assert.equal(response.status, 201, response.text);
    return response.body;
  }

  async function deliveries(subscriptionId: string): Promise<Delivery[]> {
    const response = await call<{ items: Delivery[] }>('GET', api(`/v1/subscriptions/${subscriptionId}/deliveries`), { key: owner() });
    assert.equal(response.status, 200, response.text);
    return response.body.items;
  }

  before(async () => {
    assay = await startTestAssay({ env: { ASSAY_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1' } });
    [project, other] = await Promise.all([seedProject(assay), seedProject(assay)]);
    receiver = await WebhookReceiver.start();
    feeder = new CheckRunFeeder(assay, project.id);
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model } })).status, 201);
  });

  after(async () => {
    await receiver?.close();
    await assay?.close();
  });

  it('keeps signing secrets encrypted at rest, bound to their project, and encrypts those stored before', async () => {
    const subscription = await subscribe('/sealed');
    const db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    try {
      const stored = async (): Promise<string> => ((await db.query<{ secret: string }>('SELECT secret FROM subscriptions WHERE id = $1', [subscription.id])).rows[0]!.secret);
      const sealed = await stored();
      assert.match(sealed, /^enc1:[A-Za-z0-9_-]+$/);
      assert.ok(!sealed.includes(subscription.secret.slice('whsec_'.length)));
      const secrets = assay.running.apps.api!.get(WebhookSecrets);
      assert.equal(secrets.open(sealed, project.id), subscription.secret);
      assert.throws(() => secrets.open(sealed, other.id), /does not open/);

      await db.query('UPDATE subscriptions SET secret = $2 WHERE id = $1', [subscription.id, subscription.secret]);
      assert.ok((await assay.running.apps.api!.get(SubscriptionsService).sealStoredSecrets()).sealed >= 1);
      const resealed = await stored();
      assert.match(resealed, /^enc1:/);
      assert.notEqual(resealed, sealed);
      assert.equal(secrets.open(resealed, project.id), subscription.secret);
    } finally {
      await db.end();
    }
  });

  it('retries a failing receiver with the same webhook-id until it succeeds, and logs each attempt', async () => {
    const subscription = await subscribe('/flaky');
    receiver.answer = (r) => (r.path === '/flaky' && at('/flaky').length <= 3 ? { status: 500 } : { status: 204 });
    const test = await call<Delivery>('POST', api(`/v1/subscriptions/${subscription.id}/test`), { key: owner() });
    assert.equal(test.status, 202, test.text);
    const delivered = await eventually(async () => (await deliveries(subscription.id)).find((d) => d.status === 'delivered'), 20_000, 100);
    const requests = at('/flaky');
    assert.equal(requests.length, 4);
    assert.deepEqual(new Set(requests.map((r) => r.headers['webhook-id'])), new Set([test.body.webhookId]));
    for (const request of requests) {
      const payload = WebhookReceiver.verify<{ type: string; data: { subscriptionId: string } }>(subscription.secret, request);
      assert.equal(payload.type, 'subscription.test');
    }
    assert.deepEqual(delivered.attemptLog.map((a) => a.statusCode), [500, 500, 500, 204]);
    assert.equal(delivered.attempts, 4);
    assert.equal(delivered.nextAttemptAt, null);
    assert.deepEqual((await deliveries(subscription.id)).map((d) => d.status), ['delivered']);
  });

  it('waits as long as Retry-After asks', async () => {
    const subscription = await subscribe('/throttled');
    receiver.answer = (r) => (r.path === '/throttled' && at('/throttled').length === 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 });
    await call('POST', api(`/v1/subscriptions/${subscription.id}/test`), { key: owner() });
    await eventually(async () => (await deliveries(subscription.id))[0]?.status === 'delivered', 20_000, 100);
    const [first, second] = at('/throttled');
    assert.ok(second!.at - first!.at >= 2900, `retried after ${second!.at - first!.at} ms`);
  });

  it('disables the subscription when the receiver answers 410 Gone', async () => {
    const subscription = await subscribe('/gone');
    receiver.answer = (r) => (r.path === '/gone' ? { status: 410 } : { status: 204 });
    await call('POST', api(`/v1/subscriptions/${subscription.id}/test`), { key: owner() });
    const disabled = await eventually(async () => {
      const response = await call<{ enabled: boolean; disabledReason: string | null }>('GET', api(`/v1/subscriptions/${subscription.id}`), { key: owner() });
      return response.body.enabled === false ? response.body : null;
    }, 15_000);
    assert.match(disabled.disabledReason ?? '', /410/);
    const [delivery] = await deliveries(subscription.id);
    assert.equal(delivery!.status, 'failed');
    assert.equal(delivery!.attempts, 1);
    assert.equal(at('/gone').length, 1);
    assert.equal((await call('POST', api(`/v1/subscriptions/${subscription.id}/test`), { key: owner() })).status, 409);
  });

  it('redelivers a message with its webhook-id and body', async () => {
    const subscription = await subscribe('/again');
    receiver.answer = () => ({ status: 204 });
    await call('POST', api(`/v1/subscriptions/${subscription.id}/test`), { key: owner() });
    const [original] = await eventually(async () => ((await deliveries(subscription.id))[0]?.status === 'delivered' ? deliveries(subscription.id) : null));
    const again = await call<Delivery>('POST', api(`/v1/deliveries/${original!.id}/redeliver`), { key: owner() });
    assert.equal(again.status, 202, again.text);
    await eventually(async () => at('/again').length === 2);
    const [first, second] = at('/again');
    assert.equal(second!.headers['webhook-id'], first!.headers['webhook-id']);
    assert.equal(second!.body, first!.body);
    assert.equal((await call('POST', api(`/v1/deliveries/${original!.id}/redeliver`), { key: other.keys.owner.key })).status, 404);
  });

  it('speaks the Alertmanager v4 format, and silences mute matching alerts until they are expired', async () => {
    const subscription = await subscribe('/am', { format: 'alertmanager' });
    receiver.answer = () => ({ status: 200 });
    const silence = await call<{ id: string; active: boolean }>('POST', api('/v1/silences'), {
      key: owner(),
      json: { matchers: [{ label: 'monitor', value: 'muted' }], comment: 'known issue', endsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    assert.equal(silence.status, 201, silence.text);
    assert.equal(silence.body.active, true);
    const muted = await feeder.monitor(model, 'muted');
    await feeder.run(muted, 'drift');
    await sleep(2500);
    assert.equal(at('/am').length, 0, 'a silenced alert is not notified');

    const loud = await feeder.monitor(model, 'loud', 'critical');
    await feeder.run(loud, 'drift');
    const first = await eventually(async () => at('/am')[0], 10_000);
    const body = WebhookReceiver.verify<{ version: string; status: string; groupLabels: Record<string, string>; alerts: Array<{ labels: Record<string, string>; status: string }> }>(
      subscription.secret, first,
    );
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.deepEqual(body.groupLabels, { model });
    assert.deepEqual(body.alerts.map((a) => [a.labels.monitor, a.labels.severity, a.status]), [['loud', 'critical', 'firing']]);

    assert.equal((await call('DELETE', api(`/v1/silences/${silence.body.id}`), { key: owner() })).status, 200);
    const second = await eventually(async () => at('/am')[1], 10_000);
    const unmuted = WebhookReceiver.verify<{ alerts: Array<{ labels: Record<string, string> }> }>(subscription.secret, second);
    assert.deepEqual(unmuted.alerts.map((a) => a.labels.monitor).sort(), ['loud', 'muted']);
    await call('PATCH', api(`/v1/subscriptions/${subscription.id}`), { key: owner(), json: { enabled: false } });
  });

  it('lets owners acknowledge and resolve, auditors only read, and keeps other projects out', async () => {
    const target = await feeder.monitor(model, 'acknowledged one');
    await feeder.run(target, 'breach');
    const listed = await call<{ items: Array<Alert & { labels: Record<string, string> }> }>('GET', api('/v1/alerts?status=firing'), { key: project.keys.auditor.key });
    assert.equal(listed.status, 200);
    const alert = listed.body.items.find((a) => a.labels.monitor === 'acknowledged one')!;
    assert.ok(alert);

    assert.equal((await call('POST', api(`/v1/alerts/${alert.id}/acknowledge`), { key: project.keys.auditor.key, json: {} })).status, 403);
    assert.equal((await call('POST', api('/v1/subscriptions'), { key: project.keys.auditor.key, json: { name: 'x', url: receiver.url() } })).status, 403);
    assert.equal((await call('GET', api('/v1/subscriptions'), { key: project.keys.auditor.key })).status, 200);
    assert.equal((await call('GET', api('/v1/alerts'), { key: project.keys.ci.key })).status, 403);
    assert.equal((await call('GET', api(`/v1/alerts/${alert.id}`), { key: other.keys.owner.key })).status, 404);
    assert.equal((await call('POST', api(`/v1/alerts/${alert.id}/acknowledge`), { key: other.keys.owner.key, json: {} })).status, 404);

    const acknowledged = await call<Alert>('POST', api(`/v1/alerts/${alert.id}/acknowledge`), { key: owner(), json: { note: 'looking into it' } });
    assert.equal(acknowledged.status, 200, acknowledged.text);
    assert.equal(acknowledged.body.status, 'acknowledged');
    assert.equal(acknowledged.body.acknowledgeNote, 'looking into it');
    assert.match(acknowledged.body.acknowledgedBy ?? '', new RegExp(project.keys.owner.id));
    assert.equal((await call('POST', api(`/v1/alerts/${alert.id}/acknowledge`), { key: owner(), json: {} })).status, 409);

    // A repeat of the failure keeps it acknowledged; resolving by hand closes it.
    await feeder.run(target, 'breach');
    assert.equal((await call<Alert>('GET', api(`/v1/alerts/${alert.id}`), { key: owner() })).body.status, 'acknowledged');
    const resolved = await call<Alert>('POST', api(`/v1/alerts/${alert.id}/resolve`), { key: owner(), json: { note: 'rolled back' } });
    assert.equal(resolved.body.status, 'resolved');
    assert.ok(resolved.body.resolvedBy);
    assert.equal((await call('POST', api(`/v1/alerts/${alert.id}/resolve`), { key: owner(), json: {} })).status, 409);
  });

  it('refuses private destinations when the subscription is created', async () => {
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data', 'ftp://example.com/x']) {
      const response = await call('POST', api('/v1/subscriptions'), { key: owner(), json: { name: 'bad', url } });
      assert.equal(response.status, 400, `${url}: ${response.text}`);
    }
    for (const [url, reason] of [
      ['http://hooks.invalid/x', /hooks\.invalid: names under \.invalid never resolve/],
      ['https://HOOKS.INVALID./x', /hooks\.invalid\.: names under \.invalid never resolve/],
      ['http://abc.onion/x', /not in the DNS \(RFC 7686\)/],
    ] as const) {
      const response = await call<{ message: string }>('POST', api('/v1/subscriptions'), { key: owner(), json: { name: 'never', url } });
      assert.equal(response.status, 400, `${url}: ${response.text}`);
      assert.match(response.body.message, reason);
    }
  });

  it('streams alert changes as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(api('/v1/alerts/stream'), { headers: { authorization: `Bearer ${owner()}` }, signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const read = (async () => {
      while (!/event: alert\.fired\ndata: .*"streamed one"/.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
    })();
    await eventually(async () => text.includes(': connected'), 5000, 20);
    const target = await feeder.monitor(model, 'streamed one');
    await feeder.run(target, 'drift');
    await Promise.race([read, sleep(10_000)]);
    controller.abort();
    assert.match(text, /event: alert\.fired\ndata: \{.*"monitor":"streamed one"/);
    const unauthenticated = await fetch(api('/v1/alerts/stream'));
    assert.equal(unauthenticated.status, 401);
    await unauthenticated.body?.cancel();
  });
});

describe('shutting down with alert streams open', () => {
  it('ends every open stream with a retry hint, so the API closes at once', async () => {
    const assay = await startTestAssay({ apps: ['api'] });
    const project = await seedProject(assay);
    const response = await fetch(`${assay.apiUrl}/v1/alerts/stream`, { headers: { authorization: `Bearer ${project.keys.owner.key}` } });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    let text = '';
    const drained = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString('utf8');
      }
    })();
    await eventually(async () => text.includes(': connected'), 5000, 20);
    const started = Date.now();
    const closed = await Promise.race([assay.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
    assert.equal(closed, 'closed');
    assert.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms`);
    await drained;
    assert.match(text, /retry: 1000\n\n$/);
  });
});
