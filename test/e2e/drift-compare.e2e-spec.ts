import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

// Expected values from scipy 1.17: ks_2samp(reference, current) and chi2_contingency(counts, correction=False).
const KS_REFERENCE = [0.1, 0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9];
const KS_CURRENT = [1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.4, 3.8, 4.2];

function repeat(entries: Array<[string, number]>): string[] {
  return entries.flatMap(([label, n]) => Array<string>(n).fill(label));
}

interface ExplainedResult {
  threshold: number;
  noiseFloor: number | null;
  summary: string;
  explanation: {
    unit: string | null;
    verdict: string;
    baseline: { count: number };
    current: { count: number };
    measures: Array<{ measure: string; baseline: number; current: number; change: number | null }>;
    shares: Array<{ category: string; baseline: number; current: number }>;
    test: { method: string; chosenBecause: string; pValue: number | null; threshold: number | null; noiseFloor?: number | null };
    sentence: string;
  };
}

describe('POST /v1/drift/compare', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const url = (): string => `${assay.apiUrl}/v1/drift/compare`;

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    project = await seedProject(assay);
  });
  after(() => assay.close());

  it('computes the two-sample KS test as scipy does', async () => {
    const response = await call<Record<string, unknown>>('POST', url(), {
      key: project.keys.ci.key,
      json: { reference: KS_REFERENCE, current: KS_CURRENT, method: 'ks' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.method, 'ks');
    assert.ok(Math.abs((response.body.statistic as number) - 0.4444444444444444) < 1e-12);
    assert.ok(Math.abs((response.body.pValue as number) - 0.24245166598107779) < 1e-9);
    assert.equal(response.body.drifted, false);
    assert.equal(response.body.exact, true);
    assert.equal(response.body.nReference, 8);
    assert.equal(response.body.nCurrent, 9);
  });

  it('picks chi-square for categories under auto and says why', async () => {
    const response = await call<Record<string, unknown>>('POST', url(), {
      key: project.keys.owner.key,
      json: {
        reference: repeat([['stop', 30], ['length', 50], ['content_filter', 20]]),
        current: repeat([['stop', 20], ['length', 40], ['content_filter', 40]]),
      },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.method, 'chi2');
    assert.ok(Math.abs((response.body.statistic as number) - 9.777777777777779) < 1e-9);
    assert.ok(Math.abs((response.body.pValue as number) - 0.007529784255650024) < 1e-9);
    assert.equal(response.body.degreesOfFreedom, 2);
    assert.equal(response.body.drifted, true);
    assert.match(response.body.reason as string, /chi/i);
  });

  it('explains a numeric comparison as check runs do: both sides, the test, the verdict in one sentence', async () => {
    // numpy 2 / scipy 1.17: mean, median, percentile(95) (linear) of each side, and ks_2samp(reference, current).
    const reference = Array.from({ length: 100 }, (_, i) => 700 + 2 * i);
    const current = Array.from({ length: 100 }, (_, i) => 1100 + 3 * i);
    const response = await call<ExplainedResult>('POST', url(), { key: project.keys.ci.key, json: { reference, current, signal: 'latency_ms', method: 'ks' } });
    assert.equal(response.status, 200, response.text);
    const { explanation } = response.body;
    assert.deepEqual(
      explanation.measures.map((m) => [m.measure, m.baseline, m.current]),
      [['mean', 799, 1248.5], ['p50', 799, 1248.5], ['p95', 888.1, 1382.15]].map(([m, b, c]) => [m, b, c]),
    );
    assert.ok(explanation.measures.every((m) => Math.abs(m.change! - (m.current - m.baseline) / m.baseline) < 1e-12));
    assert.deepEqual([explanation.baseline.count, explanation.current.count, explanation.unit, explanation.verdict], [100, 100, 'ms', 'drift']);
    assert.equal(explanation.test.method, 'ks');
    assert.equal(explanation.test.chosenBecause, 'set in the request');
    assert.ok(Math.abs(explanation.test.pValue! / 2.2087606931995054e-59 - 1) < 1e-6, String(explanation.test.pValue));
    assert.equal(explanation.test.threshold, response.body.threshold);
    assert.equal(explanation.test.noiseFloor, response.body.noiseFloor);
    assert.equal(response.body.summary, explanation.sentence);
    assert.match(
      explanation.sentence,
      /^latency_ms: median 799 → 1,249 ms \(\+56%\), p95 888 → 1,382 ms \(\+56%\); KS D = 1 ≥ 0\.05, p = 2\.2e-59 ≤ α = 0\.01, noise floor 0\.225; drift \(100 baseline vs 100 current values\)$/,
    );
  });

  it('says why auto chose its test for numbers: a calibrated distance from 100 reference values on', async () => {
    const reference = Array.from({ length: 100 }, (_, i) => 700 + 2 * i);
    const current = Array.from({ length: 100 }, (_, i) => 1100 + 3 * i);
    const response = await call<ExplainedResult>('POST', url(), { key: project.keys.ci.key, json: { reference, current, signal: 'latency_ms' } });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.explanation.test.method, 'wasserstein_norm');
    assert.match(response.body.explanation.test.chosenBecause, /reference of 100 values \(>= 100\)/);
    assert.equal(response.body.explanation.verdict, 'drift');
    const fewer = await call<ExplainedResult>('POST', url(), { key: project.keys.ci.key, json: { reference: reference.slice(0, 99), current, signal: 'latency_ms' } });
    assert.equal(fewer.body.explanation.test.method, 'ks');
  });

  it('explains categories by their shares, and names the test set in the request', async () => {
    const response = await call<ExplainedResult>('POST', url(), {
      key: project.keys.owner.key,
      json: { reference: repeat([['stop', 30], ['length', 50], ['content_filter', 20]]), current: repeat([['stop', 20], ['length', 40], ['content_filter', 40]]), method: 'chi2' },
    });
    assert.equal(response.status, 200, response.text);
    const { explanation } = response.body;
    assert.deepEqual(
      explanation.shares.map((s) => [s.category, s.baseline, s.current]).sort(),
      [['content_filter', 0.2, 0.4], ['length', 0.5, 0.4], ['stop', 0.3, 0.2]],
    );
    assert.equal(explanation.test.chosenBecause, 'set in the request');
    assert.match(explanation.sentence, /^values: "content_filter" 20% → 40%, "length" 50% → 40%, "stop" 30% → 20%; χ² = 9\.78, Cramér’s V [\d.]+ ≥ 0\.05, p = 0\.0075 ≤ α = 0\.01, noise floor [\d.]+; drift \(100 baseline vs 100 current values\)$/);
  });

  it('refuses bad input with 400 and the reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ reference: [], current: [1, 2] }, /empty|no values|at least/i],
      [{ reference: [1, null], current: [1, 2] }, /reference\[1\] must be a number, a string or a boolean \(got null\)/],
      [{ reference: [1, 2], current: [3, 4], method: 'magic' }, /method must be one of/],
      [{ reference: 'abc', current: [1] }, /reference must be an array/],
      [{ reference: [1, 2], current: [3, 4], signal: 'not a name!' }, /signal must be a signal name/],
    ];
    for (const [json, message] of cases) {
      const response = await call<{ message: string | string[] }>('POST', url(), { key: project.keys.ci.key, json });
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match([response.body.message].flat().join('; '), message);
    }
  });

  it('refuses more values than the documented limit', async () => {
    const response = await call<{ message: string[] }>('POST', url(), {
      key: project.keys.ci.key,
      json: { reference: new Array(250_001).fill(1), current: [1] },
    });
    assert.equal(response.status, 400);
    assert.match(response.body.message.join(';'), /reference must contain no more than 250000 elements/);
  });

  it('documents the explanation in the OpenAPI schema', async () => {
    type Schema = { properties: Record<string, { $ref?: string; allOf?: Array<{ $ref: string }> }>; required?: string[] };
    const doc = await call<{ components: { schemas: Record<string, Schema> } }>('GET', `${assay.apiUrl}/docs-json`);
    assert.equal(doc.status, 200);
    const result = doc.body.components.schemas.DriftResultDto!;
    const explanation = result.properties.explanation!;
    assert.equal(explanation.$ref ?? explanation.allOf?.[0]?.$ref, '#/components/schemas/DriftExplanationDto');
    assert.ok(result.required?.includes('summary'));
    const documented = doc.body.components.schemas.DriftExplanationDto!;
    for (const field of ['baseline', 'current', 'measures', 'shares', 'test', 'sentence']) assert.ok(field in documented.properties, field);
    assert.ok(['noiseFloor', 'pValue', 'threshold', 'chosenBecause'].every((f) => f in doc.body.components.schemas.ExplainedTestDto!.properties));
    assert.ok('signal' in doc.body.components.schemas.DriftCompareDto!.properties);
  });

  it('is closed to auditors and ingest keys', async () => {
    for (const role of ['auditor', 'ingest'] as const) {
      const response = await call('POST', url(), { key: project.keys[role].key, json: { reference: [1], current: [2] } });
      assert.equal(response.status, 403, role);
    }
  });
});
