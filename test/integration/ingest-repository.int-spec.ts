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
  type ProfiledValues,
  type SampleToWrite,
} from '@assay/db';
import type { DataSource } from 'typeorm';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function sample(modelId: string, overrides: Partial<SampleToWrite> = {}): SampleToWrite {
  return {
    modelId,
    version: 'v1',
    timeMicros: BigInt(Date.now()) * 1000n + 123n,
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: null,
    responseId: null,
    serviceName: 'checkout',
    signals: { latency_ms: 120 },
    ...overrides,
  };
}

function batchOf(projectId: string, modelId: string, samples: SampleToWrite[], extra: Partial<IngestBatch> = {}): IngestBatch {
  const minuteMs = Math.floor(Date.now() / 60_000) * 60_000;
  return {
    projectId,
    modelIds: [modelId],
    samples,
    counts: [{ modelId, version: 'v1', minuteMs, seen: samples.length * 2, sampled: samples.length }],
    unmatched: [],
    lateEvaluations: [],
    pendingTtlSeconds: 3600,
    maxPendingPerProject: 100,
    ...extra,
  };
}

const profiled: ProfiledValues[][] = [];
const recordingProfiler = (values: ProfiledValues[]) => {
  profiled.push(values);
  return [];
};

describe(IngestRepository.name, () => {
  let dataSource: DataSource;
  let sut: IngestRepository;
  let samples: SampleRepository;
  let counts: SampleCountRepository;
  let projectId: string;
  let modelId: string;

  before(async () => {
    dataSource = createDataSource(process.env.DATABASE_URL!, 4);
    await dataSource.initialize();
    sut = new IngestRepository(dataSource);
    samples = new SampleRepository(dataSource);
    counts = new SampleCountRepository(dataSource);
    projectId = (await new ProjectRepository(dataSource).create(`ingest-repo-${hex(4)}`)).id;
    modelId = (await new ModelRepository(dataSource).create({ projectId, name: 'gpt-4o' })).id;
  });
  after(async () => {
    await dataSource.destroy();
  });

  it('stores a redelivered span once and counts it once', async () => {
    const first = [sample(modelId), sample(modelId)];
    const redelivery = first.map((s) => ({ ...s, signals: { ...s.signals } }));

    const a = await sut.write(batchOf(projectId, modelId, first), recordingProfiler);
    const b = await sut.write(batchOf(projectId, modelId, redelivery), recordingProfiler);

    assert.deepEqual([a.inserted, a.duplicates, b.inserted, b.duplicates], [2, 0, 0, 2]);
    const stored = await samples.listRecent(modelId, { limit: 10 });
    assert.equal(stored.filter((s) => first.some((f) => f.spanId === s.spanId)).length, 2);
    assert.deepEqual(await counts.totals(modelId, 'v1'), { seen: 2 * 2 + 2 * 2 - 2, sampled: 2 });
  });

  it('creates the partition of a day it has not seen', async () => {
    const old = sample(modelId, { timeMicros: BigInt(Date.parse('2021-06-01T10:00:00Z')) * 1000n });
    await sut.write(batchOf(projectId, modelId, [old], { counts: [] }), recordingProfiler);
    const [row] = await dataSource.query(`SELECT to_regclass('samples_20210601')::text AS part`);
    assert.equal(row.part, 'samples_20210601');
  });

  it('attaches a late evaluation by parent span, then one that came first when its span arrives', async () => {
    const span = sample(modelId, { responseId: `resp-${hex(4)}` });
    await sut.write(batchOf(projectId, modelId, [span], { counts: [] }), recordingProfiler);
    const late = await sut.write(
      batchOf(projectId, modelId, [], {
        counts: [],
        lateEvaluations: [{ traceId: span.traceId, parentSpanId: span.spanId, responseId: null, signals: { 'eval.relevance.score': 0.9 } }],
      }),
      recordingProfiler,
    );
    const early = sample(modelId, { responseId: `resp-${hex(4)}` });
    const pending = await sut.write(
      batchOf(projectId, modelId, [], {
        counts: [],
        lateEvaluations: [{ traceId: hex(16), parentSpanId: hex(8), responseId: early.responseId, signals: { 'eval.tone.label': 'polite' } }],
      }),
      recordingProfiler,
    );
    await sut.write(batchOf(projectId, modelId, [early], { counts: [] }), recordingProfiler);

    assert.deepEqual([late.evaluationsAttached, pending.evaluationsAttached, pending.evaluationsPending], [1, 0, 1]);
    const stored = await samples.listRecent(modelId, { limit: 50 });
    assert.deepEqual(stored.find((s) => s.spanId === span.spanId)?.signals, { latency_ms: 120, 'eval.relevance.score': 0.9 });
    assert.deepEqual(stored.find((s) => s.spanId === early.spanId)?.signals, { latency_ms: 120, 'eval.tone.label': 'polite' });
    const [left] = await dataSource.query(`SELECT count(*)::int AS n FROM pending_evaluations WHERE project_id = $1`, [projectId]);
    assert.equal(left.n, 0);
  });

  it('profiles only the signals a late record adds to its sample, keeping the ones it had', async () => {
    const span = sample(modelId, { signals: { latency_ms: 90, finish_reason: 'stop' } });
    await sut.write(batchOf(projectId, modelId, [span], { counts: [] }), recordingProfiler);
    profiled.length = 0;
    const joined = await sut.write(
      batchOf(projectId, modelId, [], {
        counts: [],
        lateEvaluations: [{ traceId: span.traceId, parentSpanId: span.spanId, responseId: null, signals: { finish_reason: 'length', output_chars: 12 } }],
      }),
      recordingProfiler,
    );
    assert.equal(joined.evaluationsAttached, 1);
    assert.deepEqual(profiled.flat().map((v) => v.signals), [{ output_chars: 12 }]);
    const stored = await samples.listRecent(modelId, { limit: 50 });
    assert.deepEqual(stored.find((s) => s.spanId === span.spanId)?.signals, { latency_ms: 90, finish_reason: 'stop', output_chars: 12 });
  });

  it('keeps evaluations up to the project\'s pending limit and refuses the rest, each by its span', async () => {
    const project = (await new ProjectRepository(dataSource).create(`ingest-pending-${hex(4)}`)).id;
    const model = (await new ModelRepository(dataSource).create({ projectId: project, name: 'gpt-4o' })).id;
    const evaluations = Array.from({ length: 5 }, () => ({ traceId: hex(16), parentSpanId: hex(8), responseId: null, signals: { 'eval.relevance.score': 0.5 } }));
    const first = await sut.write(batchOf(project, model, [], { counts: [], lateEvaluations: evaluations.slice(0, 2), maxPendingPerProject: 3 }), recordingProfiler);
    assert.deepEqual([first.evaluationsPending, first.refused.length], [2, 0]);
    const second = await sut.write(batchOf(project, model, [], { counts: [], lateEvaluations: evaluations.slice(2), maxPendingPerProject: 3 }), recordingProfiler);
    assert.equal(second.evaluationsPending, 1);
    assert.deepEqual(second.refused.map((r) => [r.traceId, r.spanId, r.spans]), evaluations.slice(3).map((e) => [e.traceId, e.parentSpanId, 1]));
    assert.match(second.refused[0].reason, /has not arrived and the project already holds 3 evaluations waiting for theirs/);
    const kept = await dataSource.query<Array<{ parent_span_id: string }>>(`SELECT parent_span_id FROM pending_evaluations WHERE project_id = $1 ORDER BY id`, [project]);
    assert.deepEqual(kept.map((r) => r.parent_span_id), evaluations.slice(0, 3).map((e) => e.parentSpanId));
  });

  it('joins spans and their evaluations written at the same moment, by two writers, each exactly once', async () => {
    const other = new IngestRepository(dataSource);
    const spans: SampleToWrite[] = [];
    const rounds = await Promise.all(
      Array.from({ length: 30 }, async (_, round) => {
        const batch = Array.from({ length: 10 }, () => sample(modelId));
        spans.push(...batch);
        const evaluations = batch.map((s) => ({ traceId: s.traceId, parentSpanId: s.spanId, responseId: null, signals: { output_chars: round } }));
        const [stored, evaluated] = await Promise.all([
          (round % 2 === 0 ? sut : other).write(batchOf(projectId, modelId, batch, { counts: [] }), recordingProfiler),
          (round % 2 === 0 ? other : sut).write(batchOf(projectId, modelId, [], { counts: [], lateEvaluations: evaluations, maxPendingPerProject: 10_000 }), recordingProfiler),
        ]);
        return stored.evaluationsAttached + evaluated.evaluationsAttached;
      }),
    );
    const [joined] = await dataSource.query(
      `SELECT count(*) FILTER (WHERE signals ? 'output_chars')::int AS joined, count(*)::int AS n FROM samples WHERE span_id = ANY($1::text[])`,
      [spans.map((s) => s.spanId)],
    );
    assert.deepEqual(joined, { joined: spans.length, n: spans.length });
    assert.equal(rounds.reduce((a, b) => a + b, 0), spans.length);
    const [left] = await dataSource.query(`SELECT count(*)::int AS n FROM pending_evaluations WHERE project_id = $1`, [projectId]);
    assert.equal(left.n, 0);
  });

  it('writes concurrent batches together, merging their counter rows, and isolates a redelivery', async () => {
    const otherProject = (await new ProjectRepository(dataSource).create(`ingest-repo-${hex(4)}`)).id;
    const otherModel = (await new ModelRepository(dataSource).create({ projectId: otherProject, name: 'claude' })).id;
    const minuteMs = Math.floor(Date.now() / 60_000) * 60_000;
    const before = await counts.totals(modelId, 'v1');
    const billing = (count: number) => [{ serviceName: 'billing', minuteMs, count }];

    // One write goes out at once; the four that wait meanwhile become one statement, in which three
    // batches share a counter row and one belongs to another project.
    const together = [
      batchOf(projectId, modelId, [sample(modelId)], { unmatched: billing(1) }),
      batchOf(projectId, modelId, [sample(modelId)], { unmatched: billing(2) }),
      batchOf(projectId, modelId, [sample(modelId), sample(modelId)], { unmatched: billing(3) }),
      batchOf(projectId, modelId, [sample(modelId)], { unmatched: billing(4) }),
      batchOf(otherProject, otherModel, [sample(otherModel)], { unmatched: billing(5) }),
    ];
    const first = await Promise.all(together.map((b) => sut.write(b, recordingProfiler)));

    assert.deepEqual(first.map((r) => r.inserted), [1, 1, 2, 1, 1]);
    const transactions = await dataSource.query<Array<{ span_id: string; tx: string }>>(
      `SELECT span_id, xmin::text AS tx FROM samples WHERE span_id = ANY($1)`,
      [together.flatMap((b) => b.samples.map((s) => s.spanId))],
    );
    const txOf = (batch: IngestBatch): string => transactions.find((t) => t.span_id === batch.samples[0].spanId)!.tx;
    assert.equal(new Set(together.slice(1).map(txOf)).size, 1);
    assert.equal(new Set(together.map(txOf)).size, 2);
    const mid = await counts.totals(modelId, 'v1');
    assert.deepEqual({ seen: mid.seen - before.seen, sampled: mid.sampled - before.sampled }, { seen: 10, sampled: 5 });
    assert.deepEqual(await counts.totals(otherModel, 'v1'), { seen: 2, sampled: 1 });
    const unmatched = await dataSource.query<Array<{ project_id: string; count: string }>>(
      `SELECT project_id, count FROM unmatched_spans WHERE service_name = 'billing' AND project_id = ANY($1) ORDER BY count`,
      [[projectId, otherProject]],
    );
    assert.deepEqual(
      unmatched.map((u) => [u.project_id, Number(u.count)]),
      [[otherProject, 5], [projectId, 10]],
    );

    // The last group holds a redelivered span: its statement fails, and each batch is written alone.
    const stored = together[0].samples[0];
    const redelivering = [
      batchOf(projectId, modelId, [sample(modelId)]),
      batchOf(projectId, modelId, [sample(modelId)]),
      batchOf(projectId, modelId, [sample(modelId)]),
      batchOf(projectId, modelId, [{ ...stored, signals: { ...stored.signals } }, sample(modelId)]),
    ];
    const second = await Promise.all(redelivering.map((b) => sut.write(b, recordingProfiler)));

    assert.deepEqual(
      second.map((r) => [r.inserted, r.duplicates]),
      [[1, 0], [1, 0], [1, 0], [1, 1]],
    );
    const after = await counts.totals(modelId, 'v1');
    // seen 2 + 2 + 2 + 4 and sampled 1 + 1 + 1 + 2, minus the redelivered span once each.
    assert.deepEqual({ seen: after.seen - mid.seen, sampled: after.sampled - mid.sampled }, { seen: 9, sampled: 4 });
    const storedSpans = new Set((await samples.listRecent(modelId, { limit: 200 })).map((s) => s.spanId));
    for (const batch of [...together.slice(0, 4), ...redelivering]) for (const s of batch.samples) assert.ok(storedSpans.has(s.spanId));
  });

  it('keeps sample ids and versions in byte order, whatever the database collation', async () => {
    const rows = await dataSource.query<Array<{ column_name: string; collation_name: string }>>(
      `SELECT column_name, collation_name FROM information_schema.columns
        WHERE table_name = 'samples' AND column_name IN ('version', 'trace_id', 'span_id', 'parent_span_id', 'response_id', 'service_name')
        ORDER BY column_name`,
    );
    assert.deepEqual(
      rows.map((r) => [r.column_name, r.collation_name]),
      [
        ['parent_span_id', 'C'],
        ['response_id', 'C'],
        ['service_name', null],
        ['span_id', 'C'],
        ['trace_id', 'C'],
        ['version', 'C'],
      ],
    );
  });

  it('writes nothing of a batch whose insert fails', async () => {
    const good = sample(modelId);
    const bad = sample(modelId, { traceId: 'not-hex' });

    await assert.rejects(sut.write(batchOf(projectId, modelId, [good, bad]), recordingProfiler), /check constraint/);

    const stored = await samples.listRecent(modelId, { limit: 100 });
    assert.equal(stored.some((s) => s.spanId === good.spanId), false);
  });
});
