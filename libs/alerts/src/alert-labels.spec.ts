import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertFingerprint, alertLabels, groupKeyOf, groupLabelsOf, isSilenced, matchesFilter } from './alert-labels.js';

const identity = { projectId: 'p', modelId: 'm', monitorId: 'mon', signal: 'latency_ms' };
const labels = alertLabels({ projectId: 'p', modelName: 'bot', monitorName: 'latency', kind: 'drift', severity: 'critical', signal: 'latency_ms' });

describe(alertFingerprint.name, () => {
  it('is stable for one identity and differs when any part differs', () => {
    assert.equal(alertFingerprint(identity), alertFingerprint({ ...identity }));
    assert.notEqual(alertFingerprint(identity), alertFingerprint({ ...identity, signal: null }));
    assert.notEqual(alertFingerprint(identity), alertFingerprint({ ...identity, monitorId: 'other' }));
    assert.match(alertFingerprint(identity), /^[0-9a-f]{32}$/);
  });
});

describe(matchesFilter.name, () => {
  it('lets everything through empty lists and filters on model, severity and kind', () => {
    assert.equal(matchesFilter({ models: [], severities: [], kinds: [] }, labels), true);
    assert.equal(matchesFilter({ models: ['bot'], severities: ['critical'], kinds: ['drift'] }, labels), true);
    assert.equal(matchesFilter({ models: ['other'], severities: [], kinds: [] }, labels), false);
    assert.equal(matchesFilter({ models: [], severities: ['warning'], kinds: [] }, labels), false);
    assert.equal(matchesFilter({ models: [], severities: [], kinds: ['policy'] }, labels), false);
  });
});

describe(groupKeyOf.name, () => {
  it('puts alerts with equal group labels in one group per subscription', () => {
    const other = { ...labels, monitor: 'tokens', alertname: 'tokens' };
    assert.equal(groupKeyOf('s', groupLabelsOf(['model'], labels)), groupKeyOf('s', groupLabelsOf(['model'], other)));
    assert.notEqual(groupKeyOf('s', groupLabelsOf(['model', 'monitor'], labels)), groupKeyOf('s', groupLabelsOf(['model', 'monitor'], other)));
    assert.notEqual(groupKeyOf('s', groupLabelsOf(['model'], labels)), groupKeyOf('t', groupLabelsOf(['model'], labels)));
    assert.deepEqual(groupLabelsOf(['severity', 'model'], labels), { model: 'bot', severity: 'critical' });
  });
});

describe(isSilenced.name, () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const window = { startsAt: new Date('2026-01-01T11:00:00Z'), endsAt: new Date('2026-01-01T13:00:00Z') };

  it('mutes alerts whose labels match every matcher while the silence lasts', () => {
    const silence = { ...window, matchers: [{ label: 'model', value: 'bot', op: '=' as const }, { label: 'severity', value: 'info', op: '!=' as const }] };
    assert.equal(isSilenced([silence], labels, now), true);
    assert.equal(isSilenced([silence], { ...labels, severity: 'info' }, now), false);
    assert.equal(isSilenced([silence], labels, new Date('2026-01-01T13:00:00Z')), false);
    assert.equal(isSilenced([silence], labels, new Date('2026-01-01T10:59:59Z')), false);
  });
});
