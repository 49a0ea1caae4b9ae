import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { OtlpError } from '@assay/otlp';
import { readFixture } from '../../../libs/otlp/src/test-support/fixtures.js';
import { compileCatalog, type CatalogSource } from '@assay/models';
import { planIngest, type PlanOptions } from './ingest-plan.js';
import { PlannerPool } from './planner-pool.js';

const MODEL_ID = '5f0c1d1e-0000-4000-8000-000000000001';
const FIXTURE_MINUTE_MS = Date.parse('2025-01-15T10:00:00Z');

function source(probability: number, name = 'gpt-4o'): CatalogSource {
  return {
    models: [
      { id: MODEL_ID, name, match: {}, versionAttribute: 'assay.model.version', sampling: { probability, maxPerMinute: 5 }, energy: null, customSignals: [] },
    ],
    prices: [{ provider: 'openai', model: 'gpt-4o-2024-08-06', inputPerMillion: 2.5, outputPerMillion: 10 }],
    autoRegisterModels: false,
  };
}

const options: PlanOptions = { nowMs: FIXTURE_MINUTE_MS + 60_000, maxAgeMs: 3_650 * 86_400_000, collectUnknownModels: false };

describe(PlannerPool.name, () => {
  const pool = new PlannerPool(2, pino({ level: 'silent' }));
  after(() => pool.close());

  it('plans a request on a thread exactly as the event loop would', async () => {
    const body = readFixture('genai', 'protobuf');
    const catalog = compileCatalog(source(1));

    const plan = (await pool.plan({ projectId: 'p1', catalog, body, format: 'protobuf', ...options }))!;

    assert.deepEqual(plan, planIngest(body, 'protobuf', catalog, options));
    assert.deepEqual([plan.inferences, plan.matched, plan.rejected], [3, 1, 0]);
    assert.deepEqual(plan.counts, [{ modelId: MODEL_ID, version: '7', minuteMs: FIXTURE_MINUTE_MS, seen: 1, sampled: 0 }]);
    assert.deepEqual(plan.unmatched, [{ serviceName: 'support-bot', minuteMs: FIXTURE_MINUTE_MS, count: 2 }]);
    assert.equal(plan.candidates.length, 1);
    const [{ sample, minuteMs, maxPerMinute }] = plan.candidates;
    assert.deepEqual([minuteMs, maxPerMinute, sample.version, sample.spanId, sample.timeMicros], [FIXTURE_MINUTE_MS, 5, '7', 'a100000000000002', 1_736_935_200_010_000n]);
    assert.equal(sample.signals.input_tokens, 120);
    assert.equal(sample.signals.cost_usd, (100 * 2.5 + 20 * 2.5 + 42 * 10) / 1e6);
    // Both evaluations name an inference of this request (by parent span and by response id).
    assert.deepEqual([sample.signals['eval.relevance.score'], sample.signals['eval.toxicity.score'], plan.lateEvaluations.length], [0.9, 0.02, 0]);
  });

  it('plans with the catalog revision it is given, compiled once per thread', async () => {
    const body = readFixture('genai', 'protobuf');
    const renamed = compileCatalog(source(1, 'claude-sonnet-4'));
    const unsampled = compileCatalog(source(0));

    const results = [];
    for (const catalog of [renamed, renamed, unsampled, unsampled]) {
      results.push((await pool.plan({ projectId: 'p2', catalog, body, format: 'protobuf', ...options }))!);
    }

    assert.deepEqual(
      results.map((p) => [p.matched, p.candidates.length, p.counts[0]?.version]),
      [
        // claude-sonnet-4 carries no assay.model.version: the service's version stands in.
        [1, 1, '1.4.2'],
        [1, 1, '1.4.2'],
        [1, 0, '7'],
        [1, 0, '7'],
      ],
    );
  });

  it('keeps plans right past the number of catalogs a thread holds', async () => {
    const small = new PlannerPool(1, pino({ level: 'silent' }), 2);
    try {
      const body = readFixture('genai', 'protobuf');
      const catalogs = new Map(['a', 'b', 'c'].map((projectId) => [projectId, compileCatalog(source(1))]));
      const matched: number[] = [];
      for (const projectId of ['a', 'b', 'c', 'a', 'b', 'c', 'a']) {
        matched.push((await small.plan({ projectId, catalog: catalogs.get(projectId)!, body, format: 'protobuf', ...options }))!.matched);
      }
      assert.deepEqual(matched, [1, 1, 1, 1, 1, 1, 1]);
    } finally {
      await small.close();
    }
  });

  it('hands back an OTLP decoding error as the OtlpError it is', async () => {
    const catalog = compileCatalog(source(1));
    const truncated = readFixture('genai', 'protobuf').subarray(0, 50);

    await assert.rejects(pool.plan({ projectId: 'p1', catalog, body: truncated, format: 'protobuf', ...options })!, (error: unknown) => {
      assert.ok(error instanceof OtlpError);
      assert.equal(error.kind, 'bad_request');
      return true;
    });
  });

  it('leaves planning to the caller once closed', async () => {
    const closing = new PlannerPool(1, pino({ level: 'silent' }));
    await closing.close();
    assert.equal(closing.plan({ projectId: 'p1', catalog: compileCatalog(source(1)), body: new Uint8Array(), format: 'protobuf', ...options }), null);
  });
});
