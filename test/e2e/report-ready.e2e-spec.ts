import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookReceiver } from '@assay/cli';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

describe('report.ready', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const receiver = new WebhookReceiver();
  const model = uniqueName('reported-model');

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
  });
  after(async () => {
    await receiver.stop();
    await assay.close();
  });

  it('announces a built report to the subscribers of its model with a signed webhook', async () => {
    const url = await receiver.start();
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
});
