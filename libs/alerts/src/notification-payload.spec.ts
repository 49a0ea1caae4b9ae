import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDrift, explainDrift } from '@assay/monitoring';
import { SignalProfile } from '@assay/stats';
import { renderGroupNotification, type GroupNotification, type NotifiedAlert } from './notification-payload.js';

const alert = (fingerprint: string, status: NotifiedAlert['status'], monitor: string): NotifiedAlert => ({
  id: `id-${fingerprint}`, fingerprint, status, severity: 'warning', kind: 'drift', monitorId: `monitor-${monitor}`, monitorName: monitor, explanation: null,
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

describe('explained alerts in every payload format', () => {
  const reference = new SignalProfile('numeric').addMany(Array.from({ length: 100 }, (_, i) => 150 + i));
  const current = new SignalProfile('numeric').addMany(Array.from({ length: 100 }, (_, i) => 3 * (150 + i)));
  const outcome = evaluateDrift({ method: 'ks', threshold: 0.05, minSamples: 10, reference, current });
  const explanation = explainDrift({
    signal: 'output_tokens', requestedMethod: 'ks', methodSetBy: 'set on the monitor', verdict: outcome.verdict, reason: outcome.reason, reference, current, result: outcome.result,
  });
  const explained: GroupNotification = {
    ...notification,
    alerts: [{ ...alert('f1', 'firing', 'tokens'), summary: `drift on tokens: ${explanation.sentence}`, explanation }],
  };
  const sentence = 'output_tokens: median 200 → 599 tokens (+200%), p95 244 → 732 tokens (+200%); KS D = 1 ≥ 0.05, p = 2.2e-59 ≤ α = 0.01, noise floor 0.225; drift (100 baseline vs 100 current values)';

  it("carries the explanation, with the monitor's id and name, in Assay's format", () => {
    const body = JSON.parse(renderGroupNotification('assay', explained, now).body) as { data: { alerts: NotifiedAlert[] } };
    const sut = body.data.alerts[0]!;
    assert.equal(sut.explanation?.sentence, sentence);
    assert.deepEqual(sut.explanation?.measures.map((m) => [m.measure, m.baseline, m.current]), [['mean', 199.5, 598.5], ['p50', 199.5, 598.5], ['p95', 244.05, 732.15]]);
    assert.deepEqual([sut.monitorId, sut.monitorName, sut.kind], ['monitor-tokens', 'tokens', 'drift']);
  });

  it('gives Alertmanager the sentence and the baseline and current values as annotations', () => {
    const body = JSON.parse(renderGroupNotification('alertmanager', explained, now).body) as { alerts: Array<{ annotations: Record<string, string> }> };
    assert.deepEqual(body.alerts[0]!.annotations, {
      summary: `drift on tokens: ${sentence}`,
      description: sentence,
      baseline: '100 values: mean 200 tokens, median 200 tokens, p95 244 tokens',
      current: '100 values: mean 599 tokens, median 599 tokens, p95 732 tokens',
    });
  });

  it('writes the sentence and both distributions into the Slack text', () => {
    const { text } = JSON.parse(renderGroupNotification('slack', explained, now).body) as { text: string };
    assert.equal(text.split('\n').slice(1).join('\n'), [
      `• [firing] *tokens* (warning): drift on tokens: ${sentence}`,
      '    baseline 100 values: mean 200 tokens, median 200 tokens, p95 244 tokens',
      '    current 100 values: mean 599 tokens, median 599 tokens, p95 732 tokens',
    ].join('\n'));
  });
});
