import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderGroupNotification, type GroupNotification, type NotifiedAlert } from './notification-payload.js';
import type { PostableAlert } from './alertmanager-api-payload.js';

const alert = (id: string, status: NotifiedAlert['status'], kind: 'drift' | 'policy'): NotifiedAlert => ({
  id, fingerprint: `fp-${id}`, status, severity: 'critical', kind, monitorId: `m-${id}`, monitorName: `check ${id}`, explanation: null,
  labels: { alertname: `check ${id}`, project: 'p1', model: 'support/bot@v2', monitor: `check ${id}`, severity: 'critical', kind },
  summary: `${kind === 'policy' ? 'breach' : 'drift'} on check ${id}`, startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: status === 'resolved' ? '2026-01-01T01:30:00.000Z' : null,
  acknowledgedAt: null, acknowledgedBy: status === 'acknowledged' ? 'owner-key' : null, acknowledgeNote: null,
});

const notification: GroupNotification = {
  subscriptionId: 'sub', subscriptionName: 'am', groupKey: 'sub/x', groupLabels: {},
  alerts: [alert('a', 'firing', 'drift'), alert('b', 'acknowledged', 'policy'), alert('c', 'resolved', 'drift')],
};
const now = new Date('2026-01-01T02:00:00.000Z');
const options = { publicUrl: 'https://assay.example.com/', firingValidForMs: 240_000 };

describe('alertmanager-api payload', () => {
  const sut = renderGroupNotification('alertmanager-api', notification, now, options);
  const posted = JSON.parse(sut.body) as PostableAlert[];

  it("is Alertmanager's postableAlerts: a bare array, one entry per alert, firing while any is open", () => {
    assert.equal(sut.eventType, 'alert.firing');
    assert.ok(Array.isArray(posted));
    assert.deepEqual(posted.map((a) => Object.keys(a).sort()), Array(3).fill(['annotations', 'endsAt', 'generatorURL', 'labels', 'startsAt']));
  });

  it('labels each alert with its monitor or policy id beside its own labels', () => {
    assert.equal(posted[0]!.labels.monitor_id, 'm-a');
    assert.equal(posted[0]!.labels.policy_id, undefined);
    assert.equal(posted[1]!.labels.policy_id, 'm-b');
    assert.equal(posted[1]!.labels.monitor_id, undefined);
    assert.equal(posted[0]!.labels.project, 'p1');
    assert.equal(posted[0]!.labels.severity, 'critical');
  });

  it('ends open alerts (acknowledged too) one validity ahead of now, resolved ones at their resolution', () => {
    assert.deepEqual(posted.map((a) => a.endsAt), ['2026-01-01T02:04:00.000Z', '2026-01-01T02:04:00.000Z', '2026-01-01T01:30:00.000Z']);
    assert.deepEqual(new Set(posted.map((a) => a.startsAt)), new Set(['2026-01-01T00:00:00.000Z']));
    assert.equal(posted[1]!.annotations.acknowledgedBy, 'owner-key');
    assert.equal(posted[2]!.annotations.assay_alert_id, 'c');
  });

  it("links the console's alert list for the model, the name encoded", () => {
    assert.equal(posted[0]!.generatorURL, 'https://assay.example.com/console/alerts?model=support%2Fbot%40v2');
  });

  it('is resolved once nothing is open, and refuses to render without the public URL and validity', () => {
    assert.equal(renderGroupNotification('alertmanager-api', { ...notification, alerts: [notification.alerts[2]!] }, now, options).eventType, 'alert.resolved');
    assert.throws(() => renderGroupNotification('alertmanager-api', notification, now), /needs the public URL/);
  });
});
