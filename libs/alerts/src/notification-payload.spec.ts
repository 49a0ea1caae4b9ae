import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderGroupNotification, type GroupNotification, type NotifiedAlert } from './notification-payload.js';

const alert = (fingerprint: string, status: NotifiedAlert['status'], monitor: string): NotifiedAlert => ({
  id: `id-${fingerprint}`, fingerprint, status, severity: 'warning',
  labels: { alertname: monitor, model: 'bot', monitor, severity: 'warning', kind: 'drift' },
  summary: `drift on ${monitor}`, startsAt: '2026-01-01T00:00:00.000Z', endsAt: status === 'resolved' ? '2026-01-01T01:00:00.000Z' : null,
  acknowledgedAt: null, acknowledgedBy: null, acknowledgeNote: null,
});

const notification: GroupNotification = {
  subscriptionId: 'sub', subscriptionName: 'oncall', groupKey: 'sub/abc', groupLabels: { model: 'bot' },
  alerts: [alert('f1', 'firing', 'latency'), alert('f2', 'resolved', 'tokens')],
};
const now = new Date('2026-01-01T02:00:00Z');

describe(renderGroupNotification.name, () => {
  it("wraps Assay's format as {type, timestamp, data}", () => {
    const sut = renderGroupNotification('assay', notification, now);
    const body = JSON.parse(sut.body) as { type: string; timestamp: string; data: { status: string; alerts: unknown[] } };
    assert.equal(sut.eventType, 'alert.firing');
    assert.equal(body.type, 'alert.firing');
    assert.equal(body.timestamp, now.toISOString());
    assert.equal(body.data.status, 'firing');
    assert.equal(body.data.alerts.length, 2);
  });

  it('gives the Alertmanager v4 shape with common labels and zero endsAt for firing alerts', () => {
    const body = JSON.parse(renderGroupNotification('alertmanager', notification, now).body) as Record<string, unknown> & {
      alerts: Array<{ status: string; endsAt: string; fingerprint: string }>;
    };
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.equal(body.receiver, 'oncall');
    assert.deepEqual(body.groupLabels, { model: 'bot' });
    assert.deepEqual(body.commonLabels, { model: 'bot', severity: 'warning', kind: 'drift' });
    assert.deepEqual(body.alerts.map((a) => [a.fingerprint, a.status, a.endsAt]), [
      ['f1', 'firing', '0001-01-01T00:00:00Z'],
      ['f2', 'resolved', '2026-01-01T01:00:00.000Z'],
    ]);
  });

  it('is resolved once no alert is open, and Slack gets a text message', () => {
    const resolved = { ...notification, alerts: [alert('f2', 'resolved', 'tokens')] };
    assert.equal(renderGroupNotification('assay', resolved, now).eventType, 'alert.resolved');
    const slack = JSON.parse(renderGroupNotification('slack', notification, now).body) as { text: string };
    assert.match(slack.text, /1 Assay alert firing \(model=bot\)/);
    assert.match(slack.text, /\[resolved\] \*tokens\*/);
  });
});
