import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatChecks } from './gate.command.js';

describe(formatChecks.name, () => {
  it('has a p-value column and says which number each threshold applies to', () => {
    const sut = formatChecks([
      {
        check: 'drift:output_tokens', kind: 'drift', outcome: 'pass', method: 'ks', statistic: 0.06833, pValue: 0.41, threshold: 0.05,
        reason: 'no drift: p = 0.41 >= 0.05', summary: 'output_tokens: median 198 → 201 tokens (+1.5%); KS D = 0.0683, p = 0.41 ≥ 0.05; no drift',
        explanation: { test: { thresholdAppliesTo: 'p-value' } },
      },
      { check: 'drift:latency_ms', kind: 'drift', outcome: 'fail', method: 'psi', statistic: 0.234, pValue: null, threshold: 0.1, reason: 'drift: psi = 0.234 >= 0.1' },
      {
        check: 'policy:p95(latency_ms) <= 1500', kind: 'policy', outcome: 'pass', statistic: 1234.5, threshold: 1500, reason: 'holds',
        explanation: { rule: { operator: '<=' } },
      },
      { check: 'drift:old', kind: 'drift', outcome: 'fail', method: 'ks', statistic: 0.9, pValue: 1.6e-206, threshold: 0.05, reason: 'drift: p = 1.6e-206 < 0.05' },
    ]);
    assert.deepEqual(sut, [
      'RESULT  CHECK                           STATISTIC  P-VALUE   THRESHOLD  REASON',
      'PASS    drift:output_tokens             0.06833    0.41      p < 0.05   output_tokens: median 198 → 201 tokens (+1.5%); KS D = 0.0683, p = 0.41 ≥ 0.05; no drift',
      'FAIL    drift:latency_ms                0.234                ≥ 0.1      drift: psi = 0.234 >= 0.1',
      'PASS    policy:p95(latency_ms) <= 1500  1,235                <= 1,500   holds',
      'FAIL    drift:old                       0.9        1.6e-206  p < 0.05   drift: p = 1.6e-206 < 0.05',
    ]);
  });
});
