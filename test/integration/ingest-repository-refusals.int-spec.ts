import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createDataSource,
  IngestRepository,
  ModelRepository,
  ProjectRepository,
  SampleCountRepository,
  SampleRepository,
  type IngestBatch,
  type SampleToWrite,
} from '@assay/db';
import type { DataSource } from 'typeorm';

// Values below the decoder (which would have replaced them): what the database itself refuses.
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const noProfiles = () => [];

describe(`${IngestRepository.name} with a value the database refuses`, () => {
  let dataSource: DataSource;
  let sut: IngestRepository;
  let samples: SampleRepository;
  let counts: SampleCountRepository;
  let projectId: string;

  before(async () => {
    dataSource = createDataSource(process.env.DATABASE_URL!, 4);
    await dataSource.initialize();
    sut = new IngestRepository(dataSource);
    samples = new SampleRepository(dataSource);
    counts = new SampleCountRepository(dataSource);
    projectId = (await new ProjectRepository(dataSource).create(`ingest-refusals-${hex(4)}`)).id;
  });
  after(async () => {
    await dataSource.destroy();
  });

  async function newModel(): Promise<string> {
    return (await new ModelRepository(dataSource).create({ projectId, name: `model-${hex(4)}` })).id;
  }

  function sample(modelId: string, overrides: Partial<SampleToWrite> = {}): SampleToWrite {
    return {
      modelId,
      version: 'v1',
      timeMicros: BigInt(Date.now()) * 1000n,
      traceId: hex(16),
      spanId: hex(8),
      parentSpanId: null,
      responseId: null,
      serviceName: 'checkout',
      signals: { latency_ms: 120 },
      ...overrides,
    };
  }

  function batch(modelId: string, extra: Partial<IngestBatch>): IngestBatch {
    return { projectId, modelIds: [modelId], samples: [], counts: [], unmatched: [], lateEvaluations: [], pendingTtlSeconds: 3600, maxPendingPerProject: 100, ...extra };
  }

  it('stores every other sample and its counts, and reports the one refused by span id', async () => {
    const modelId = await newModel();
    const written = Array.from({ length: 9 }, () => sample(modelId));
    const bad = sample(modelId, { responseId: 'resp\u0000x' });
    const minuteMs = Math.floor(Date.now() / 60_000) * 60_000;
    const all = [...written.slice(0, 4), bad, ...written.slice(4)];
    // 10 sampled of 25 seen: 15 seen and not sampled.
    const result = await sut.write(batch(modelId, { samples: all, counts: [{ modelId, version: 'v1', minuteMs, seen: 25, sampled: 10 }] }), noProfiles);

    assert.equal(result.inserted, 9);
    assert.deepEqual(
      result.refused.map((r) => [r.spans, r.traceId, r.spanId]),
      [[1, bad.traceId, bad.spanId]],
    );
    assert.match(result.refused[0].reason, new RegExp(`^span ${bad.spanId}: text the database cannot store \\(SQLSTATE 22021\\)$`));
    const stored = (await samples.listRecent(modelId, { limit: 50 })).map((s) => s.spanId).sort();
    assert.deepEqual(stored, written.map((s) => s.spanId).sort());
    assert.deepEqual(await counts.totals(modelId, 'v1'), { seen: 24, sampled: 9 });
  });

  it('stores one good late evaluation and refuses the other alone (jsonb refuses \\u0000)', async () => {
    const modelId = await newModel();
    const span = sample(modelId);
    await sut.write(batch(modelId, { samples: [span], counts: [] }), noProfiles);
    const bad = { traceId: hex(16), parentSpanId: hex(8), responseId: null, signals: { 'eval.tone.label': 'po\u0000lite' } };
    const result = await sut.write(
      batch(modelId, { lateEvaluations: [{ traceId: span.traceId, parentSpanId: span.spanId, responseId: null, signals: { 'eval.relevance.score': 0.9 } }, bad] }),
      noProfiles,
    );

    assert.equal(result.evaluationsAttached, 1);
    assert.deepEqual(
      result.refused.map((r) => [r.spans, r.spanId, r.reason]),
      [[1, bad.parentSpanId, `evaluation of span ${bad.parentSpanId}: text the database cannot store (SQLSTATE 22P05)`]],
    );
    const [stored] = await samples.listRecent(modelId, { limit: 5 });
    assert.deepEqual(stored.signals, { latency_ms: 120, 'eval.relevance.score': 0.9 });
    const [pending] = await dataSource.query(`SELECT count(*)::int AS n FROM pending_evaluations WHERE project_id = $1 AND trace_id = $2`, [projectId, bad.traceId]);
    assert.equal(pending.n, 0);
  });

  it('refuses the unmatched spans of a service whose name is too long to index, and counts the rest', async () => {
    const modelId = await newModel();
    const minuteMs = Math.floor(Date.now() / 60_000) * 60_000;
    const longName = randomBytes(24_000).toString('base64');
    const good = `svc-${hex(4)}`;
    const result = await sut.write(
      batch(modelId, {
        samples: [sample(modelId)],
        counts: [{ modelId, version: 'v1', minuteMs, seen: 1, sampled: 1 }],
        unmatched: [
          { serviceName: good, minuteMs, count: 3 },
          { serviceName: longName, minuteMs, count: 7 },
        ],
      }),
      noProfiles,
    );

    assert.equal(result.inserted, 1);
    assert.deepEqual(
      result.refused.map((r) => [r.spans, r.spanId]),
      [[7, null]],
    );
    assert.match(result.refused[0].reason, /^7 unmatched spans at \d{4}-\d\d-\d\dT\d\d:\d\d: a value too long for the database to index \(SQLSTATE 54000\)$/);
    const rows = await dataSource.query(`SELECT service_name, count::int AS count FROM unmatched_spans WHERE project_id = $1 AND service_name = $2`, [projectId, good]);
    assert.deepEqual(rows, [{ service_name: good, count: 3 }]);
  });

  it('writes a batch of clean rows in one piece, refusing nothing', async () => {
    const modelId = await newModel();
    const result = await sut.write(batch(modelId, { samples: [sample(modelId), sample(modelId)] }), noProfiles);
    assert.deepEqual([result.inserted, result.refused], [2, []]);
  });
});
