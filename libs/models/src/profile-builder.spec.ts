import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignalProfile } from '@assay/stats';
import { buildProfiles } from './profile-builder.js';

describe(buildProfiles.name, () => {
  it('makes one profile per model, version, minute and signal, typed by the first value, skipping non-finite numbers', () => {
    const rows = buildProfiles([
      { modelId: 'm1', version: 'v1', minuteMs: 60_000, signals: { latency_ms: 10, finish_reason: 'stop' } },
      { modelId: 'm1', version: 'v1', minuteMs: 60_000, signals: { latency_ms: 30, finish_reason: 'length' } },
      { modelId: 'm1', version: 'v2', minuteMs: 60_000, signals: { latency_ms: 5 } },
      { modelId: 'm1', version: 'v1', minuteMs: 120_000, signals: { latency_ms: Number.NaN } },
      { modelId: 'm1', version: 'v1', minuteMs: 60_000, signals: { latency_ms: 'slow', finish_reason: 7 } },
      { modelId: 'm2', version: 'v1', minuteMs: 60_000, signals: { latency_ms: 2 } },
    ]);
    const summary = rows.map((r) => {
      const profile = SignalProfile.fromJSON(r.profile as ReturnType<SignalProfile['toJSON']>);
      return [r.modelId, r.version, r.minuteMs, r.signal, r.count, profile.kind, profile.kind === 'numeric' ? profile.sum : profile.categoryCounts()];
    });
    assert.deepEqual(
      summary.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        ['m1', 'v1', 60_000, 'finish_reason', 2, 'categorical', new Map([['length', 1], ['stop', 1]])],
        ['m1', 'v1', 60_000, 'latency_ms', 2, 'numeric', 40],
        ['m1', 'v2', 60_000, 'latency_ms', 1, 'numeric', 5],
        ['m2', 'v1', 60_000, 'latency_ms', 1, 'numeric', 2],
      ],
    );
  });
});
