import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookReceiver } from '@assay/cli';
import { call, eventually, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

describe('report.ready', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const receiver = new WebhookReceiver();
  const model = uniqueName('reported-model');
  let url = '';

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
    url = await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await assay.close();
  });

  it('announces a built report to the subscribers of its model with a signed webhook', async () => {
    const subscription = await call<{ secret: string }>('POST', `${assay.apiUrl}/v1/subscriptions`, {
      key: project.keys.owner.key,
      json: { name: 'auditors', url, models: [model] },
    });
    assert.equal(subscription.status, 201, subscription.text);
    receiver.setSecret(subscription.body.secret);
    const now = Date.now();
    const report = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/reports`, {
      key: project.keys.auditor.key,
      json: { model, from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() },
    });
    assert.equal(report.status, 202, report.text);
    const delivery = await receiver.waitFor((d) => (d.body as { type?: string }).type === 'report.ready', 30_000);
    assert.equal(delivery.verified, true, delivery.error ?? '');
    const data = (delivery.body as { data: { reportId: string; model: string; path: string } }).data;
    assert.equal(data.reportId, report.body.id);
    assert.equal(data.model, model);
    assert.equal(data.path, `/v1/reports/${report.body.id}`);
  });

  it('skips subscriptions whose events filter leaves report.ready out, and refuses unknown event types', async () => {
    const subscribe = (name: string, events?: string[]) =>
      call<{ id: string; secret: string; events: string[] }>('POST', `${assay.apiUrl}/v1/subscriptions`, {
        key: project.keys.owner.key,
        json: { name, url: `${url}/${name}`, models: [model], ...(events ? { events } : {}) },
      });
    const alertsOnly = await subscribe('alerts-only', ['alert.firing', 'alert.resolved']);
    assert.equal(alertsOnly.status, 201, alertsOnly.text);
    assert.deepEqual(alertsOnly.body.events, ['alert.firing', 'alert.resolved']);
    const reportsOnly = await subscribe('reports-only', ['report.ready']);
    assert.equal(reportsOnly.status, 201, reportsOnly.text);
    const unknown = await subscribe('typo', ['report.done']);
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /events/);

    const now = Date.now();
    const report = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/reports`, {
      key: project.keys.auditor.key,
      json: { model, from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() },
    });
    assert.equal(report.status, 202, report.text);
    const deliveriesOf = async (id: string) =>
      (await call<{ items: Array<{ eventType: string; payload: string }> }>('GET', `${assay.apiUrl}/v1/subscriptions/${id}/deliveries`, { key: project.keys.owner.key })).body.items
        .filter((d) => d.eventType === 'report.ready' && d.payload.includes(report.body.id));
    // One publish creates every subscription's delivery: once the wanted one exists, the other would too.
    await eventually(async () => (await deliveriesOf(reportsOnly.body.id)).length === 1, 30_000, 200);
    assert.deepEqual(await deliveriesOf(alertsOnly.body.id), []);
  });
});
