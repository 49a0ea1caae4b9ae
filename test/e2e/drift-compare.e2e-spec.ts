import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

// Expected values from scipy 1.17: ks_2samp(reference, current) and chi2_contingency(counts, correction=False).
const KS_REFERENCE = [0.1, 0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9];
const KS_CURRENT = [1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.4, 3.8, 4.2];

function repeat(entries: Array<[string, number]>): string[] {
  return entries.flatMap(([label, n]) => Array<string>(n).fill(label));
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

  it('refuses bad input with 400 and the reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ reference: [], current: [1, 2] }, /empty|no values|at least/i],
      [{ reference: [1, null], current: [1, 2] }, /reference\[1\] must be a number, a string or a boolean \(got null\)/],
      [{ reference: [1, 2], current: [3, 4], method: 'magic' }, /method must be one of/],
      [{ reference: 'abc', current: [1] }, /reference must be an array/],
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

  it('is closed to auditors and ingest keys', async () => {
    for (const role of ['auditor', 'ingest'] as const) {
      const response = await call('POST', url(), { key: project.keys[role].key, json: { reference: [1], current: [2] } });
      assert.equal(response.status, 403, role);
    }
  });
});
