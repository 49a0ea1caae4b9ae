import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, eventually, startAlertmanager, startTestAssay, type RunningAlertmanager, type TestAssay } from '@assay/testing';
import { WebhookReceiver } from './alert-receiver.fixture.js';
import { DriftScenario } from './drift-scenario.js';

interface ForwardedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

interface Delivery {
  eventType: string;
  status: string;
  lastStatusCode: number | null;
  payload: string;
  createdAt: string;
}

const PUBLIC_URL = 'https://assay.example.com';
const REPEAT_SECONDS = 2;

describe('alertmanager-api: Assay posts its alerts to a real Alertmanager', () => {
  let assay: TestAssay;
  let scenario: DriftScenario;
  let receiver: WebhookReceiver;
  let alertmanager: RunningAlertmanager;
  let subscriptionId = '';
  let alertId = '';

  const fromAlertmanager = (): ForwardedAlert[] =>
    receiver.received.filter((r) => r.path === '/from-alertmanager').flatMap((r) => (JSON.parse(r.body) as { alerts: ForwardedAlert[] }).alerts);
  const forwarded = (status: 'firing' | 'resolved'): ForwardedAlert | undefined =>
    fromAlertmanager().find((a) => a.status === status && a.labels.monitor_id === scenario.monitorId);
  const deliveries = async (): Promise<Delivery[]> =>
    (await call<{ items: Delivery[] }>('GET', scenario.api(`/v1/subscriptions/${subscriptionId}/deliveries?limit=500`), { key: scenario.owner() })).body.items;

  before(async () => {
    receiver = await WebhookReceiver.start();
    alertmanager = await startAlertmanager(receiver.url('/from-alertmanager'));
    assay = await startTestAssay({ env: { ASSAY_PUBLIC_URL: PUBLIC_URL, ASSAY_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1' } });
    scenario = await DriftScenario.prepare(assay, async (s) => {
      const created = await call<{ id: string; groupWaitSeconds: number; groupBy: string[]; events: string[] }>('POST', s.api('/v1/subscriptions'), {
        key: s.owner(),
        json: { name: 'alertmanager', url: `${alertmanager.url}/api/v2/alerts`, format: 'alertmanager-api', models: [s.model], repeatIntervalSeconds: REPEAT_SECONDS },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.groupWaitSeconds, 0);
      assert.deepEqual(created.body.groupBy, []);
      assert.deepEqual(created.body.events, []);
      subscriptionId = created.body.id;
      const firingOnly = await call<{ id: string }>('POST', s.api('/v1/subscriptions'), {
        key: s.owner(),
        json: { name: 'firing-only', url: receiver.url('/firing-only'), models: [s.model], events: ['alert.firing'], groupWaitSeconds: 0, groupIntervalSeconds: 1 },
      });
      assert.equal(firingOnly.status, 201, firingOnly.text);
    });
    alertId = (await scenario.firingAlert()).id;
  });
  after(async () => {
    await scenario?.shutdown();
    await assay?.close();
    await alertmanager?.stop();
    await receiver?.close();
  });

  it("refuses an alertmanager-api URL that is not Alertmanager's alerts endpoint, saying which it needs", async () => {
    const refused = await call<{ message: string }>('POST', scenario.api('/v1/subscriptions'), {
      key: scenario.owner(),
      json: { name: 'bare', url: alertmanager.url, format: 'alertmanager-api' },
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /posts to Alertmanager's \/api\/v2\/alerts; give its full URL/);
  });

  it('a drift alert reaches Alertmanager, which forwards it firing with the labels, explanation and link Assay gave it', async () => {
    const alert = await eventually(async () => forwarded('firing'), 20_000, 200);
    const assayAlert = (await call<{ startedAt: string; summary: string; explanation: { sentence: string } }>('GET', scenario.api(`/v1/alerts/${alertId}`), { key: scenario.owner() })).body;
    assert.deepEqual(alert.labels, {
      alertname: 'output_tokens drift', project: scenario.project.id, model: scenario.model, monitor: 'output_tokens drift',
      monitor_id: scenario.monitorId, kind: 'drift', severity: 'warning', signal: 'output_tokens',
    });
    assert.equal(alert.annotations.summary, assayAlert.summary);
    assert.match(alert.annotations.summary, /^drift on output_tokens drift \(3 failing windows in a row\): output_tokens: /);
    assert.equal(alert.annotations.description, assayAlert.explanation.sentence);
    assert.equal(alert.annotations.assay_alert_id, alertId);
    assert.equal(alert.generatorURL, `${PUBLIC_URL}/console/alerts?model=${encodeURIComponent(scenario.model)}`);
    assert.equal(Date.parse(alert.startsAt), Date.parse(assayAlert.startedAt));
  });

  it('re-posts a firing alert every repeat interval, each post valid for four intervals', async () => {
    const posts = await eventually(async () => {
      const firing = (await deliveries()).filter((d) => d.eventType === 'alert.firing' && d.status === 'delivered');
      return firing.length >= 3 ? firing : null;
    }, 20_000, 250);
    for (const post of posts) {
      assert.equal(post.lastStatusCode, 200);
      const [alert] = JSON.parse(post.payload) as ForwardedAlert[];
      // Rendered (now + 4 intervals; the unit test checks the arithmetic) before the delivery row is stored, which a
      // loaded machine may delay by a second or more: valid at most four intervals past the row, and past the next post.
      const validForMs = Date.parse(alert!.endsAt) - Date.parse(post.createdAt);
      assert.ok(validForMs <= 4 * REPEAT_SECONDS * 1000 && validForMs > 2 * REPEAT_SECONDS * 1000, `valid for ${validForMs} ms: ${post.payload}`);
    }
    const times = posts.map((p) => Date.parse(p.createdAt)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= REPEAT_SECONDS * 1000 - 1000, `posts ${times.join(', ')}`);
    const active = await call<Array<{ labels: Record<string, string>; status: { state: string } }>>(
      'GET',
      `${alertmanager.url}/api/v2/alerts?filter=${encodeURIComponent(`monitor_id="${scenario.monitorId}"`)}`,
    );
    assert.equal(active.status, 200);
    assert.deepEqual(active.body.map((a) => a.status.state), ['active']);
  });

  it('while an Alertmanager answers 503, a retry behind a newer post of the group is dropped instead of piling up', async () => {
    receiver.answer = (request) => ({ status: request.path.startsWith('/down/') ? 503 : 200 });
    const down = await call<{ id: string }>('POST', scenario.api('/v1/subscriptions'), {
      key: scenario.owner(),
      json: { name: 'down', url: receiver.url('/down/api/v2/alerts'), format: 'alertmanager-api', models: [scenario.model], repeatIntervalSeconds: 1 },
    });
    assert.equal(down.status, 201, down.text);
    const ofDown = async () =>
      (await call<{ items: Array<Delivery & { attempts: number; lastError: string | null }> }>('GET', scenario.api(`/v1/subscriptions/${down.body.id}/deliveries?limit=500`), { key: scenario.owner() })).body.items;
    const superseded = await eventually(async () => {
      const items = await ofDown();
      return items.filter((d) => d.lastError === 'superseded by a newer post of its group').length >= 2 ? items : null;
    }, 20_000, 250);
    // Each post is tried once, or twice when the next one was not yet made: none goes on through the schedule.
    assert.ok(superseded.every((d) => d.attempts <= 2), JSON.stringify(superseded.map((d) => [d.status, d.attempts, d.lastError])));
    assert.ok(superseded.filter((d) => d.status === 'pending').length <= 2);
    assert.equal((await call('DELETE', scenario.api(`/v1/subscriptions/${down.body.id}`), { key: scenario.owner() })).status, 204);
  });

  it('the alert resolves in Assay, and Alertmanager forwards it resolved, ended at the resolution time', async () => {
    await scenario.calmAgain();
    const resolved = await eventually(async () => {
      const a = await call<{ status: string; resolvedAt: string | null }>('GET', scenario.api(`/v1/alerts/${alertId}`), { key: scenario.owner() });
      return a.body.status === 'resolved' ? a.body : null;
    }, 30_000, 250);
    const alert = await eventually(async () => forwarded('resolved'), 20_000, 200);
    assert.equal(Date.parse(alert.endsAt), Date.parse(resolved.resolvedAt!));
    assert.equal(alert.labels.monitor_id, scenario.monitorId);
    const resolvedPosts = (await deliveries()).filter((d) => d.eventType === 'alert.resolved');
    assert.equal(resolvedPosts.length, 1);
    // The webhook subscription whose events leave alert.resolved out heard the firing and, given time, nothing more.
    await new Promise((r) => setTimeout(r, 2000));
    const types = receiver.received.filter((r) => r.path === '/firing-only').map((r) => (JSON.parse(r.body) as { type: string }).type);
    assert.ok(types.length > 0 && types.every((t) => t === 'alert.firing'), types.join(', '));
  });

  it('a test delivery posts an alert that has already ended, so Alertmanager takes it and pages no one', async () => {
    const test = await call<{ id: string }>('POST', scenario.api(`/v1/subscriptions/${subscriptionId}/test`), { key: scenario.owner() });
    assert.equal(test.status, 202, test.text);
    const delivered = await eventually(async () => (await deliveries()).find((d) => d.eventType === 'subscription.test' && d.status === 'delivered'), 10_000, 200);
    assert.equal(delivered.lastStatusCode, 200);
    const [posted] = JSON.parse(delivered.payload) as ForwardedAlert[];
    assert.equal(posted!.labels.alertname, 'AssayTestDelivery');
    assert.equal(posted!.startsAt, posted!.endsAt);
    await new Promise((r) => setTimeout(r, 2500));
    const notified = fromAlertmanager().filter((a) => a.labels.alertname === 'AssayTestDelivery');
    assert.deepEqual(notified, []);
  });
});
