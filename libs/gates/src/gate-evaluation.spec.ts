import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignalProfile } from '@assay/stats';
import { evaluateGate, type GateInputs } from './gate-evaluation.js';
import { gatePolicyOf } from './gate-policy.js';

function normals(n: number, mean: number, sd: number, seed: number): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

function profiles(columns: Record<string, number[]>): { count: number; profiles: Map<string, SignalProfile> } {
  const map = new Map(Object.entries(columns).map(([signal, values]) => [signal, new SignalProfile('numeric').addMany(values)]));
  return { count: Math.max(...Object.values(columns).map((v) => v.length)), profiles: map };
}

const reference = profiles({ output_tokens: normals(400, 200, 20, 1), score: normals(400, 0.9, 0.03, 2) });

function inputs(evidence: GateInputs['evidence'], overrides: Partial<GateInputs> = {}): GateInputs {
  return {
    policy: gatePolicyOf({ requiredScores: { score: { min: 0.8 } }, minSamples: 100 }),
    signals: [{ signal: 'output_tokens', method: 'ks', threshold: 0.01 }],
    rules: ['p95(output_tokens) <= 1.5 * baseline.p95(output_tokens)'],
    reference,
    evidence,
    ...overrides,
  };
}

describe(evaluateGate.name, () => {
  it('passes evidence drawn like the reference', () => {
    const sut = evaluateGate(inputs(profiles({ output_tokens: normals(300, 200, 20, 3), score: normals(300, 0.9, 0.03, 4) })));
    assert.equal(sut.decision, 'pass');
    assert.deepEqual(sut.reasons.map((r) => [r.check, r.outcome]), [
      ['drift:output_tokens', 'pass'],
      ['policy:p95(output_tokens) <= 1.5 * baseline.p95(output_tokens)', 'pass'],
      ['score:mean(score) >= 0.8', 'pass'],
    ]);
  });

  it('fails drifted evidence and names the drifted signal and the missed score', () => {
    const sut = evaluateGate(inputs(profiles({ output_tokens: normals(300, 260, 20, 5), score: normals(300, 0.6, 0.05, 6) })));
    assert.equal(sut.decision, 'fail');
    const failed = sut.reasons.filter((r) => r.outcome === 'fail');
    assert.deepEqual(failed.map((r) => r.check), ['drift:output_tokens', 'score:mean(score) >= 0.8']);
    assert.match(failed[0]!.reason, /^output_tokens drifted from the baseline/);
  });

  it('is insufficient below minSamples, without a reference, or with nothing to check', () => {
    const small = evaluateGate(inputs(profiles({ output_tokens: normals(20, 200, 20, 7), score: normals(20, 0.9, 0.03, 8) })));
    assert.equal(small.decision, 'insufficient');
    assert.match(small.reasons[0]!.reason, /20 samples; the gate needs at least 100/);
    const unreferenced = evaluateGate(inputs(profiles({ output_tokens: normals(300, 200, 20, 9), score: normals(300, 0.9, 0.03, 10) }), { reference: null }));
    assert.equal(unreferenced.decision, 'insufficient');
    assert.ok(unreferenced.reasons.some((r) => r.check === 'reference'));
    const empty = evaluateGate({ ...inputs(profiles({ x: normals(300, 1, 1, 11) })), signals: [], rules: [], policy: gatePolicyOf({}) });
    assert.equal(empty.decision, 'insufficient');
  });
});
