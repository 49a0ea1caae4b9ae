import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { digestOf } from '@assay/provenance';
import { REPORT_SCHEMA, type ReportContent } from './report-content.js';
import { modelCardBom } from './report-cyclonedx.js';

const content: ReportContent = {
  schema: REPORT_SCHEMA,
  reportId: '0b7e4c1a-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
  generatedAt: '2026-11-29T04:00:00.000Z',
  period: { from: '2026-11-28T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z' },
  projectId: '6f1c1d54-8f0e-4a3e-9f53-3f1b0c9f2a11',
  model: { id: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'support-bot', owner: 'ml-team', riskTier: 'high', description: 'answers tickets' },
  versions: [
    { version: 'v1', lifecycle: 'retired', artifactDigest: null, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-20T00:00:00.000Z' },
    { version: 'v2', lifecycle: 'production', artifactDigest: `sha256:${'ab'.repeat(32)}`, createdAt: '2026-11-20T00:00:00.000Z', updatedAt: '2026-11-20T00:00:00.000Z' },
  ],
  baselines: [],
  monitors: [],
  checkRuns: { total: 10, byVerdict: { ok: 8, drift: 2 }, items: [] },
  series: [
    {
      monitorId: 'm1',
      name: 'latency drift',
      kind: 'drift',
      signal: 'latency_ms',
      method: 'ks',
      threshold: 0.05,
      decidedOn: 'p-value',
      unit: null,
      points: [
        { from: 'a', to: 'b', runs: 6, flagged: 1, min: 0.1, mean: 0.2, max: 0.3, minPValue: 0.01 },
        { from: 'b', to: 'c', runs: 4, flagged: 1, min: 0.1, mean: 0.2, max: 0.3, minPValue: 0.02 },
      ],
    },
  ],
  distributions: [],
  alerts: [{
    id: 'al1', fingerprint: 'f', kind: 'drift', monitorId: 'm1', monitorName: 'latency drift',
    summary: 'drift on latency drift: latency_ms: median 800 → 1,200 ms (+50%); KS D = 0.5, p = 1e-9 < 0.05; drift', signal: 'latency_ms', severity: 'warning', status: 'resolved', startedAt: '2026-11-28T10:00:00.000Z', endedAt: '2026-11-28T11:00:00.000Z', ending: 'resolved after 2 failing runs', ledgerIndex: 7 }],
  gateDecisions: [],
  economics: {
    source: 'samples', requests: 450, sampled: 45, estimated: true, inputTokens: 1, outputTokens: 1, costUsd: 1.25, latencyMs: { p50: 800, p95: 1900 }, providers: [], energyWh: null, co2eG: null },
  verification: { instructions: [] },
};

describe(modelCardBom.name, () => {
  it('is valid under the official CycloneDX 1.6 JSON schema (strict), with and without the optional parts', async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    const sparse: ReportContent = {
      ...content,
      model: { ...content.model, owner: null, riskTier: 'low', description: null },
      versions: [{ ...content.versions[0]!, lifecycle: 'staging' }],
      checkRuns: { total: 0, byVerdict: {}, items: [] },
      series: [],
      alerts: [],
      economics: { ...content.economics, requests: 0, sampled: 0, costUsd: null, latencyMs: { p50: null, p95: null } },
    };
    for (const report of [content, sparse]) {
      const problems = await validator.validate(JSON.stringify(modelCardBom(report, '0.1.0')));
      assert.equal(problems, null, JSON.stringify(problems, null, 2));
    }
    // The validator does refuse what the schema does not allow.
    assert.notEqual(await validator.validate(JSON.stringify({ ...modelCardBom(content, '0.1.0'), specVersion: '1.6', components: [{ type: 'model', name: 'x' }] })), null);
  });

  it('describes the production version as a CycloneDX 1.6 machine-learning-model with the report\'s figures and alerts', () => {
    const bom = modelCardBom(content, '0.1.0');
    assert.deepEqual([bom.bomFormat, bom.specVersion, bom.serialNumber, bom.version], ['CycloneDX', '1.6', `urn:uuid:${content.reportId}`, 1]);
    assert.deepEqual(bom.metadata.properties.find((p) => p.name === 'assay:report:contentSha256')?.value, digestOf(content));
    const [model] = bom.components;
    assert.deepEqual(
      [model!.type, model!['bom-ref'], model!.name, model!.version, model!.description, model!.hashes],
      ['machine-learning-model', `model:${content.model.id}`, 'support-bot', 'v2', 'answers tickets', [{ alg: 'SHA-256', content: 'ab'.repeat(32) }]],
    );
    assert.deepEqual(model!.properties, [
      { name: 'assay:riskTier', value: 'high' },
      { name: 'assay:owner', value: 'ml-team' },
      { name: 'assay:version:v1', value: 'retired' },
      { name: 'assay:version:v2', value: 'production' },
    ]);
    const period = `${content.period.from}/${content.period.to}`;
    assert.deepEqual(model!.modelCard.quantitativeAnalysis.performanceMetrics, [
      { type: 'check runs', value: '10', slice: period },
      { type: 'check runs with verdict drift', value: '2', slice: period },
      { type: 'check runs with verdict ok', value: '8', slice: period },
      { type: 'share of runs flagged', value: '0.2', slice: 'monitor latency drift on latency_ms (ks)' },
      { type: 'requests', value: '450', slice: period },
      { type: 'latency p50 (ms)', value: '800', slice: period },
      { type: 'latency p95 (ms)', value: '1900', slice: period },
      { type: 'cost (USD, estimated from samples)', value: '1.25', slice: period },
    ]);
    assert.deepEqual(model!.modelCard.considerations.technicalLimitations, [
      'warning alert of monitor "latency drift" (m1) on latency_ms from 2026-11-28T10:00:00.000Z: drift on latency drift: latency_ms: median 800 → 1,200 ms (+50%); KS D = 0.5, p = 1e-9 < 0.05; drift; resolved after 2 failing runs',
    ]);
  });

  it('leaves out what the report does not know: no production version, no digest, no description', () => {
    const bom = modelCardBom({ ...content, model: { ...content.model, description: null, owner: null }, versions: [] }, '0.1.0');
    const [model] = bom.components;
    assert.deepEqual([model!.version, model!.description, model!.hashes], [undefined, undefined, undefined]);
    assert.deepEqual(model!.properties, [{ name: 'assay:riskTier', value: 'high' }]);
  });
});
