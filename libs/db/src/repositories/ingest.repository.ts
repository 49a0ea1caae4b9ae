import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { batchOfParts, partsOf, refusalOf, refusesAValue, type BatchPart, type WriteRefusal } from './ingest-batch-parts.js';
import {
  JOURNEY_COUNT_PARAMETERS, addJourneyCounts, addJourneyOverflow, journeyCountKey, journeyCountParameters, journeyOverflowParameters, mergedJourneyCounts, mergedJourneyOverflow,
} from './journey-rows.js';
import type { SampleSignals } from './sample.repository.js';
import { inPoolTransaction } from './pool-transaction.js';

export type { WriteRefusal } from './ingest-batch-parts.js';

export interface SampleToWrite {
  modelId: string;
  version: string;
  /** Span start in microseconds since the epoch (timestamptz precision). */
  timeMicros: bigint;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  responseId: string | null;
  serviceName: string;
  /** Absent: '(none)'. */
  journey?: string;
  signals: SampleSignals;
}

export interface CountToWrite {
  modelId: string;
  version: string;
  minuteMs: number;
  seen: number;
  sampled: number;
}

export interface JourneyCountToWrite {
  modelId: string;
  version: string;
  journey: string;
  minuteMs: number;
  seen: number;
  sampled: number;
}

/** Spans of a minute whose journey names were past the project's limit (counted as '(other)'). */
export interface JourneyOverflowToWrite {
  minuteMs: number;
  count: number;
}

export interface UnmatchedToWrite {
  serviceName: string;
  minuteMs: number;
  count: number;
}

/** An evaluation result not tied to an inference of its own request. */
export interface LateEvaluation {
  traceId: string;
  parentSpanId: string | null;
  responseId: string | null;
  signals: SampleSignals;
  /**
   * Signals that depend on the model the sample belongs to, by model id: a model's content-derived
   * custom signals computed over text carried in log records, before anyone knows the span's model.
   */
  signalsByModel?: Record<string, SampleSignals>;
}

type PendingEvaluationBody = { signals: SampleSignals; byModel?: Record<string, SampleSignals> };

/** Values of some signals of one stored sample, to be summarised into profile rows. */
export interface ProfiledValues {
  modelId: string;
  version: string;
  minuteMs: number;
  signals: SampleSignals;
}

export interface ProfileToWrite {
  modelId: string;
  version: string;
  signal: string;
  minuteMs: number;
  count: number;
  profile: unknown;
}

export interface IngestBatch {
  projectId: string;
  /** The project's models: late evaluations are only attached to their samples. */
  modelIds: string[];
  samples: SampleToWrite[];
  counts: CountToWrite[];
  journeyCounts?: JourneyCountToWrite[];
  journeyOverflow?: JourneyOverflowToWrite[];
  unmatched: UnmatchedToWrite[];
  lateEvaluations: LateEvaluation[];
  pendingTtlSeconds: number;
  maxPendingPerProject: number;
}

export interface IngestWriteResult {
  inserted: number;
  duplicates: number;
  evaluationsAttached: number;
  evaluationsPending: number;
  /** Rows the database refused (a value it cannot store), left out; everything else was written. */
  refused: WriteRefusal[];
}

type Profiler = (values: ProfiledValues[]) => ProfileToWrite[];

const MINUTE_MS = 60_000;
const NO_JOURNEY = '(none)';
// check_violation: raised when no partition accepts a row.
const NO_PARTITION = '23514';
// unique_violation: the batch holds a span stored before (a redelivery).
const REDELIVERY = '23505';
const EPOCH_PLUS_MICROS = `'epoch'::timestamptz + m * interval '1 microsecond'`;
const key = (traceId: string, spanId: string): string => `${traceId}:${spanId}`;
// One group statement at a time, so that the next group gathers every request that arrives
// meanwhile: small groups cost PostgreSQL a statement, a commit and per-minute profile rows each.
// (Measured with `npm run bench:ingest`: a second statement in flight lowered throughput at both
// 100% and 10% sampling.)
const MAX_GROUPS_IN_FLIGHT = 1;
// Rows per group statement: past this, a bigger statement no longer saves anything and only delays.
const MAX_GROUP_SAMPLES = 2000;

interface WaitingBatch {
  batch: IngestBatch;
  profiler: Profiler;
  resolve(result: IngestWriteResult): void;
  reject(error: unknown): void;
}

// Values sent once per statement, referred to by 1-based position (PostgreSQL's array subscripts).
class Dictionary {
  readonly values: string[] = [];
  private readonly positions = new Map<string, number>();

  indexOf(value: string): number {
    let position = this.positions.get(value);
    if (position === undefined) {
      position = this.values.push(value);
      this.positions.set(value, position);
    }
    return position;
  }
}

// The columns of sampleColumns() from parameter $first on, as ROWS FROM items (mo, v, m, t, s, p, r, sn, sig).
const sampleRows = (first: number): string =>
  [...['int', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text'].map((type, i) => `unnest($${first + i}::${type}[])`), `jsonb_array_elements($${first + 8}::jsonb)`].join(', ');

const WRITE_AT_ONCE = `
  WITH stored AS (
    INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, parent_span_id, response_id, service_name, signals, journey)
    SELECT ($1::uuid[])[pj], ($2::uuid[])[mo], v, ${EPOCH_PLUS_MICROS}, t, s, p, r, sn, sig, j
      FROM ROWS FROM (unnest($3::int[]), ${sampleRows(4)}, unnest($28::text[])) AS x(pj, mo, v, m, t, s, p, r, sn, sig, j)
  ), profiles AS (
    INSERT INTO signal_profiles (model_id, version, signal, minute, count, profile)
    SELECT ($2::uuid[])[mo], v, s, 'epoch'::timestamptz + mi * interval '1 millisecond', c, p
      FROM ROWS FROM (unnest($13::int[]), unnest($14::text[]), unnest($15::text[]), unnest($16::bigint[]), unnest($17::bigint[]),
                      jsonb_array_elements($18::jsonb)) AS x(mo, v, s, mi, c, p)
  ), counts AS (
    INSERT INTO sample_counts (model_id, version, minute, seen, sampled)
    SELECT ($2::uuid[])[mo], v, 'epoch'::timestamptz + mi * interval '1 millisecond', se, sa
      FROM unnest($19::int[], $20::text[], $21::bigint[], $22::bigint[], $23::bigint[]) WITH ORDINALITY AS x(mo, v, mi, se, sa, o)
     ORDER BY o
    ON CONFLICT (model_id, version, minute) DO UPDATE SET
      seen = sample_counts.seen + excluded.seen, sampled = sample_counts.sampled + excluded.sampled
  ), unmatched AS (
    INSERT INTO unmatched_spans (project_id, service_name, minute, count)
    SELECT ($1::uuid[])[pj], s, 'epoch'::timestamptz + mi * interval '1 millisecond', c
      FROM unnest($24::int[], $25::text[], $26::bigint[], $27::bigint[]) WITH ORDINALITY AS x(pj, s, mi, c, o)
     ORDER BY o
    ON CONFLICT (project_id, service_name, minute) DO UPDATE SET count = unmatched_spans.count + excluded.count
  ), journeys AS (
    ${addJourneyCounts(29)}
  ), journey_overflows AS (
    ${addJourneyOverflow(29 + JOURNEY_COUNT_PARAMETERS)}
  )
  SELECT 1`;

// Asked only after the samples are committed, and the writer of a pending evaluation looks for its
// sample only after the evaluation is committed: whichever commits second sees the other, so a span
// and its evaluation (or GenAI log record) written at the same moment cannot both miss each other.
// DELETE … RETURNING makes sure only one of them attaches it.
const PROJECTS_WITH_PENDING = `SELECT ARRAY(SELECT DISTINCT project_id::text FROM pending_evaluations WHERE project_id = ANY($1::uuid[])) AS pending`;
const countKey = (modelId: string, version: string, minuteMs: number): string => `${modelId}\u0000${version}\u0000${minuteMs}`;

// Shared counter rows are always locked in this order, so concurrent writers cannot deadlock.
function sortCounts(counts: CountToWrite[]): CountToWrite[] {
  return counts.sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : a.minuteMs - b.minuteMs));
}

function sortUnmatched<T extends UnmatchedToWrite & { projectId?: string }>(unmatched: T[]): T[] {
  const projectOf = (u: T): string => u.projectId ?? '';
  return [...unmatched].sort((a, b) =>
    projectOf(a) < projectOf(b) ? -1 : projectOf(a) > projectOf(b) ? 1 : a.serviceName < b.serviceName ? -1 : a.serviceName > b.serviceName ? 1 : a.minuteMs - b.minuteMs,
  );
}

// One row per key: an upsert may not touch the same row twice in one statement.
function mergeCounts(counts: readonly CountToWrite[]): CountToWrite[] {
  const merged = new Map<string, CountToWrite>();
  for (const count of counts) {
    const k = countKey(count.modelId, count.version, count.minuteMs);
    const into = merged.get(k);
    if (into) {
      into.seen += count.seen;
      into.sampled += count.sampled;
    } else merged.set(k, { ...count });
  }
  return [...merged.values()];
}

function mergeUnmatched(unmatched: ReadonlyArray<UnmatchedToWrite & { projectId: string }>): Array<UnmatchedToWrite & { projectId: string }> {
  const merged = new Map<string, UnmatchedToWrite & { projectId: string }>();
  for (const u of unmatched) {
    const k = `${u.projectId}\u0000${u.serviceName}\u0000${u.minuteMs}`;
    const into = merged.get(k);
    if (into) into.count += u.count;
    else merged.set(k, { ...u });
  }
  return [...merged.values()];
}

// The parameters of a multi-row sample insert (SAMPLE_ROWS), one per column in column order: model
// ids as positions in `models`, the signals as one JSON array.
function sampleColumns(samples: readonly SampleToWrite[], models: Dictionary): unknown[] {
  return [
    samples.map((x) => models.indexOf(x.modelId)),
    samples.map((x) => x.version),
    samples.map((x) => x.timeMicros.toString()),
    samples.map((x) => x.traceId),
    samples.map((x) => x.spanId),
    samples.map((x) => x.parentSpanId),
    samples.map((x) => x.responseId),
    samples.map((x) => x.serviceName),
    JSON.stringify(samples.map((x) => x.signals)),
  ];
}

const journeysOf = (samples: readonly SampleToWrite[]): string[] => samples.map((x) => x.journey ?? NO_JOURNEY);

function minuteOfMicros(micros: bigint): number {
  const ms = Number(micros / 1000n);
  return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

// The ingest's write path: raw pg on TypeORM's own pool (no entity per row), one transaction per
// OTLP request, so that a 200 means everything of the request is stored and an error means nothing is.
@Injectable()
export class IngestRepository {
  private readonly pool: Pool;
  private readonly partitions = new Set<string>();
  private readonly waiting: WaitingBatch[] = [];
  private groupsInFlight = 0;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Creates the daily partitions the samples need, outside the write transaction (DDL locks the parent). */
  async ensurePartitions(samples: readonly SampleToWrite[]): Promise<void> {
    let missing: Set<string> | null = null;
    let lastDay = NaN;
    for (const sample of samples) {
      const dayNumber = Math.floor(Number(sample.timeMicros / 1000n) / 86_400_000);
      if (dayNumber === lastDay) continue;
      lastDay = dayNumber;
      const day = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
      if (!this.partitions.has(day)) (missing ??= new Set()).add(day);
    }
    if (!missing) return;
    for (const day of missing) {
      await this.pool.query('SELECT ensure_sample_partition($1::date)', [day]);
      this.partitions.add(day);
    }
  }

  /**
   * Stores one request's batch; resolves once it is committed. Batches without late evaluations
   * (nearly all of them) are written together with the batches of other requests that arrive while
   * earlier writes are in flight: one statement and one commit for the group, which is where most of
   * a small write's cost goes. A group that fails is written again batch by batch, so that one
   * batch's problem (a redelivered span, a bad value) is that batch's alone.
   */
  write(batch: IngestBatch, profiler: Profiler): Promise<IngestWriteResult> {
    if (batch.lateEvaluations.length > 0) return this.writeAlone(batch, profiler);
    return new Promise<IngestWriteResult>((resolve, reject) => {
      this.waiting.push({ batch, profiler, resolve, reject });
      this.startGroups();
    });
  }

  private startGroups(): void {
    while (this.groupsInFlight < MAX_GROUPS_IN_FLIGHT && this.waiting.length > 0) {
      let rows = this.waiting[0].batch.samples.length;
      let size = 1;
      while (size < this.waiting.length && rows + this.waiting[size].batch.samples.length <= MAX_GROUP_SAMPLES) rows += this.waiting[size++].batch.samples.length;
      const group = this.waiting.splice(0, size);
      this.groupsInFlight++;
      void this.writeGroup(group).finally(() => {
        this.groupsInFlight--;
        this.startGroups();
      });
    }
  }

  private async writeGroup(group: WaitingBatch[]): Promise<void> {
    if (group.length > 1) {
      let results: IngestWriteResult[] | null = null;
      try {
        await this.ensurePartitions(group.flatMap((g) => g.batch.samples));
        results = await this.writeAtOnce(
          group.map((g) => g.batch),
          group[0].profiler,
        );
      } catch {
        results = null;
      }
      if (results) {
        group.forEach((g, i) => g.resolve(results[i]));
        return;
      }
    }
    await Promise.all(group.map((g) => this.writeAlone(g.batch, g.profiler).then(g.resolve, g.reject)));
  }

  /**
   * A batch holding a value the database refuses is written again in halves, and those in halves,
   * down to the single sample, counter or evaluation that holds it, which is left out and reported:
   * one bad value costs its own span. (Each piece commits on its own; should the database fail
   * otherwise midway, the error goes to the caller as before, and a redelivery stores each span once.)
   */
  private async writeAlone(batch: IngestBatch, profiler: Profiler): Promise<IngestWriteResult> {
    try {
      return await this.writeRetryingPartitions(batch, profiler);
    } catch (error) {
      if (!refusesAValue(error)) throw error;
      const result: IngestWriteResult = { inserted: 0, duplicates: 0, evaluationsAttached: 0, evaluationsPending: 0, refused: [] };
      await this.writeInParts(batch, partsOf(batch), error, profiler, result);
      return result;
    }
  }

  private async writeInParts(batch: IngestBatch, parts: BatchPart[], error: unknown, profiler: Profiler, into: IngestWriteResult): Promise<void> {
    if (parts.length === 0) return;
    if (parts.length === 1) {
      into.refused.push(refusalOf(parts[0], error));
      return;
    }
    const middle = parts.length >>> 1;
    for (const half of [parts.slice(0, middle), parts.slice(middle)]) {
      try {
        const written = await this.writeRetryingPartitions(batchOfParts(batch, half), profiler);
        into.inserted += written.inserted;
        into.duplicates += written.duplicates;
        into.evaluationsAttached += written.evaluationsAttached;
        into.evaluationsPending += written.evaluationsPending;
      } catch (halfError) {
        if (!refusesAValue(halfError)) throw halfError;
        await this.writeInParts(batch, half, halfError, profiler, into);
      }
    }
  }

  private async writeRetryingPartitions(batch: IngestBatch, profiler: Profiler): Promise<IngestWriteResult> {
    try {
      return await this.writeByPath(batch, profiler);
    } catch (error) {
      // Retention may have dropped a partition this process believed in: forget them and retry once.
      if ((error as { code?: string }).code !== NO_PARTITION) throw error;
      this.partitions.clear();
      return this.writeByPath(batch, profiler);
    }
  }

  private async writeByPath(batch: IngestBatch, profiler: Profiler): Promise<IngestWriteResult> {
    await this.ensurePartitions(batch.samples);
    if (batch.lateEvaluations.length === 0) {
      try {
        return (await this.writeAtOnce([batch], profiler))[0];
      } catch (error) {
        if ((error as { code?: string }).code !== REDELIVERY) throw error;
      }
    }
    return this.writeOnce(batch, profiler);
  }

  /**
   * The common case in one autocommitted statement (atomic by itself, one round trip): the samples,
   * profiles, counts and unmatched counts of one or more batches. A batch holding a span stored
   * before makes the statement fail with REDELIVERY and write nothing; the transactional path then
   * handles that batch. Model and project ids go once in a dictionary and rows refer to them by
   * position; the signals go as one JSON array, which PostgreSQL splits (no per-element escaping).
   */
  private async writeAtOnce(batches: readonly IngestBatch[], profiler: Profiler): Promise<IngestWriteResult[]> {
    const samples = batches.length === 1 ? batches[0].samples : batches.flatMap((b) => b.samples);
    const projects = new Dictionary();
    const models = new Dictionary();
    const sampleProjects: number[] = [];
    for (const batch of batches) {
      const index = projects.indexOf(batch.projectId);
      for (let i = 0; i < batch.samples.length; i++) sampleProjects.push(index);
    }
    const profiles = profiler(
      samples.map((s) => ({ modelId: s.modelId, version: s.version, minuteMs: minuteOfMicros(s.timeMicros), signals: s.signals })),
    );
    const counts = sortCounts(mergeCounts(batches.flatMap((b) => b.counts)).filter((c) => c.seen > 0 || c.sampled > 0));
    const unmatched = sortUnmatched(mergeUnmatched(batches.flatMap((b) => b.unmatched.map((u) => ({ ...u, projectId: b.projectId })))));
    await this.pool.query({
      name: 'assay-ingest-write',
      text: WRITE_AT_ONCE,
      // The dictionaries fill while the columns after them are built; pg reads them when it sends.
      values: [
        projects.values,
        models.values,
        sampleProjects,
        ...sampleColumns(samples, models),
        profiles.map((p) => models.indexOf(p.modelId)),
        profiles.map((p) => p.version),
        profiles.map((p) => p.signal),
        profiles.map((p) => p.minuteMs),
        profiles.map((p) => p.count),
        JSON.stringify(profiles.map((p) => p.profile)),
        counts.map((c) => models.indexOf(c.modelId)),
        counts.map((c) => c.version),
        counts.map((c) => c.minuteMs),
        counts.map((c) => c.seen),
        counts.map((c) => c.sampled),
        unmatched.map((u) => projects.indexOf(u.projectId)),
        unmatched.map((u) => u.serviceName),
        unmatched.map((u) => u.minuteMs),
        unmatched.map((u) => u.count),
        journeysOf(samples),
        ...journeyCountParameters(mergedJourneyCounts(batches)),
        ...journeyOverflowParameters(mergedJourneyOverflow(batches)),
      ],
    });
    const withPending = await this.projectsWithPending(batches.filter((b) => b.samples.length > 0).map((b) => b.projectId));
    const results: IngestWriteResult[] = [];
    for (const batch of batches) {
      let evaluationsAttached = 0;
      if (withPending.has(batch.projectId) && batch.samples.length > 0) evaluationsAttached = await this.attachPending(batch, profiler);
      results.push({ inserted: batch.samples.length, duplicates: 0, evaluationsAttached, evaluationsPending: 0, refused: [] });
    }
    return results;
  }

  private async projectsWithPending(projectIds: string[]): Promise<Set<string>> {
    if (projectIds.length === 0) return new Set();
    const result = await this.pool.query<{ pending: string[] }>({ name: 'assay-ingest-pending', text: PROJECTS_WITH_PENDING, values: [[...new Set(projectIds)]] });
    return new Set(result.rows[0]?.pending ?? []);
  }

  /** The evaluations this batch left pending whose samples another request committed meanwhile. */
  private attachKeptPending(batch: IngestBatch, ids: string[], profiler: Profiler): Promise<number> {
    return this.inTransaction(async (client) => {
      const taken = await client.query<{ trace_id: string; parent_span_id: string | null; response_id: string | null; evaluation: PendingEvaluationBody }>(
        `DELETE FROM pending_evaluations p
          WHERE p.id = ANY($1::bigint[])
            AND ((p.parent_span_id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM samples s WHERE s.trace_id = p.trace_id AND s.span_id = p.parent_span_id AND s.model_id = ANY($2::uuid[])))
              OR (p.response_id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM samples s WHERE s.response_id = p.response_id AND s.model_id = ANY($2::uuid[]))))
          RETURNING trace_id, parent_span_id, response_id, evaluation`,
        [ids, batch.modelIds],
      );
      if (taken.rows.length === 0) return 0;
      const evaluations: LateEvaluation[] = taken.rows.map((r) => ({
        traceId: r.trace_id,
        parentSpanId: r.parent_span_id,
        responseId: r.response_id,
        signals: r.evaluation.signals,
        signalsByModel: r.evaluation.byModel,
      }));
      const bySpan = await this.attachBySpan(client, batch.modelIds, evaluations);
      const byResponse = await this.attachByResponse(client, batch.modelIds, evaluations.filter((_, i) => !bySpan.matched.has(i)));
      await this.insertProfiles(client, profiler([...bySpan.values, ...byResponse.values]));
      return bySpan.matched.size + byResponse.matched.size;
    });
  }

  /** Evaluations that came before their spans, attached to the spans just stored. */
  private attachPending(batch: IngestBatch, profiler: Profiler): Promise<number> {
    return this.inTransaction(async (client) => {
      const early = await this.takePendingFor(client, batch.projectId, batch.samples);
      if (early.size === 0) return 0;
      const found = await this.attachBySpan(
        client,
        batch.modelIds,
        [...early].map(([s, signals]) => ({ traceId: s.traceId, parentSpanId: s.spanId, responseId: null, signals })),
      );
      await this.insertProfiles(client, profiler(found.values));
      return found.matched.size;
    });
  }

  private async insertProfiles(client: PoolClient, profiles: ProfileToWrite[]): Promise<void> {
    if (profiles.length === 0) return;
    await client.query(
      `INSERT INTO signal_profiles (model_id, version, signal, minute, count, profile)
       SELECT mo, v, s, 'epoch'::timestamptz + mi * interval '1 millisecond', c, p
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::jsonb[]) AS x(mo, v, s, mi, c, p)`,
      [
        profiles.map((p) => p.modelId),
        profiles.map((p) => p.version),
        profiles.map((p) => p.signal),
        profiles.map((p) => p.minuteMs),
        profiles.map((p) => p.count),
        profiles.map((p) => JSON.stringify(p.profile)),
      ],
    );
  }

  private async writeOnce(batch: IngestBatch, profiler: Profiler): Promise<IngestWriteResult> {
    const { result, keptPending } = await this.inTransaction((client) => this.writeInTransaction(client, batch, profiler));
    if (batch.samples.length > 0 && (await this.projectsWithPending([batch.projectId])).has(batch.projectId)) {
      result.evaluationsAttached += await this.attachPending(batch, profiler);
    }
    if (keptPending.length > 0) {
      const attached = await this.attachKeptPending(batch, keptPending, profiler);
      result.evaluationsAttached += attached;
      result.evaluationsPending -= attached;
    }
    return result;
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inPoolTransaction(this.pool, work);
  }


  async purgeExpiredEvaluations(): Promise<number> {
    const result = await this.pool.query('DELETE FROM pending_evaluations WHERE expires_at < now()');
    return result.rowCount ?? 0;
  }

  private async writeInTransaction(client: PoolClient, batch: IngestBatch, profiler: Profiler): Promise<{ result: IngestWriteResult; keptPending: string[] }> {
    const { samples } = batch;
    const profiled: ProfiledValues[] = [];
    let inserted = 0;
    let duplicates = 0;
    const counts = new Map<string, CountToWrite>();
    for (const count of batch.counts) counts.set(countKey(count.modelId, count.version, count.minuteMs), { ...count });
    const journeyCounts = new Map<string, JourneyCountToWrite>();
    for (const count of batch.journeyCounts ?? []) journeyCounts.set(journeyCountKey(count), { ...count });

    if (samples.length > 0) {
      const early = await this.takePendingFor(client, batch.projectId, samples);
      const models = new Dictionary();
      const columns = sampleColumns(samples, models);
      const result = await client.query<{ trace_id: string; span_id: string; model_id: string }>(
        `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, parent_span_id, response_id, service_name, signals, journey)
         SELECT $1, ($2::uuid[])[mo], v, ${EPOCH_PLUS_MICROS}, t, s, p, r, sn, sig, j
           FROM ROWS FROM (${sampleRows(3)}, unnest($12::text[])) AS x(mo, v, m, t, s, p, r, sn, sig, j)
         ON CONFLICT DO NOTHING
         RETURNING trace_id, span_id, model_id`,
        [batch.projectId, models.values, ...columns, journeysOf(samples)],
      );
      inserted = result.rowCount ?? result.rows.length;
      const stored = inserted === samples.length ? null : new Set(result.rows.map((r) => `${r.model_id}:${key(r.trace_id, r.span_id)}`));
      const redelivered: SampleToWrite[] = [];
      for (const sample of samples) {
        if (stored === null || stored.has(`${sample.modelId}:${key(sample.traceId, sample.spanId)}`)) {
          profiled.push({ modelId: sample.modelId, version: sample.version, minuteMs: minuteOfMicros(sample.timeMicros), signals: sample.signals });
          continue;
        }
        redelivered.push(sample);
        // A span stored by an earlier delivery was counted then; it is not seen or sampled twice.
        const count = counts.get(countKey(sample.modelId, sample.version, minuteOfMicros(sample.timeMicros)));
        if (count) {
          count.seen = Math.max(0, count.seen - 1);
          count.sampled = Math.max(0, count.sampled - 1);
        }
        const journeyCount = journeyCounts.get(journeyCountKey({ ...sample, journey: sample.journey ?? NO_JOURNEY, minuteMs: minuteOfMicros(sample.timeMicros) }));
        if (journeyCount) {
          journeyCount.seen = Math.max(0, journeyCount.seen - 1);
          journeyCount.sampled = Math.max(0, journeyCount.sampled - 1);
        }
      }
      duplicates = redelivered.length;
      const redeliveredWithEvaluations = redelivered.filter((s) => early.has(s));
      if (redeliveredWithEvaluations.length > 0) {
        const attached = await this.attachBySpan(
          client,
          batch.modelIds,
          redeliveredWithEvaluations.map((s) => ({ traceId: s.traceId, parentSpanId: s.spanId, responseId: null, signals: early.get(s)! })),
        );
        profiled.push(...attached.values);
      }
    }

    let evaluationsAttached = 0;
    let keptPending: string[] = [];
    const refused: WriteRefusal[] = [];
    if (batch.lateEvaluations.length > 0) {
      const bySpan = await this.attachBySpan(client, batch.modelIds, batch.lateEvaluations);
      const rest = batch.lateEvaluations.filter((_, i) => !bySpan.matched.has(i));
      const byResponse = await this.attachByResponse(client, batch.modelIds, rest);
      const unattached = rest.filter((_, i) => !byResponse.matched.has(i));
      profiled.push(...bySpan.values, ...byResponse.values);
      evaluationsAttached = batch.lateEvaluations.length - unattached.length;
      const kept = await this.keepPending(client, batch, unattached);
      keptPending = kept.ids;
      for (const i of kept.left) {
        const evaluation = unattached[i];
        refused.push({
          spans: 1,
          traceId: evaluation.traceId,
          spanId: evaluation.parentSpanId,
          reason: `span ${evaluation.parentSpanId ?? evaluation.responseId ?? '?'} has not arrived and the project already holds ${batch.maxPendingPerProject} evaluations waiting for theirs; send the span first, or again once they arrive or expire`,
        });
      }
    }

    await this.insertProfiles(client, profiler(profiled));

    // Counters last and in key order: their rows are the only ones concurrent requests share, so
    // they are locked for the shortest time and always in the same order (no deadlocks).
    if (batch.unmatched.length > 0) {
      const unmatched = sortUnmatched(batch.unmatched);
      await client.query(
        `INSERT INTO unmatched_spans (project_id, service_name, minute, count)
         SELECT $1, s, 'epoch'::timestamptz + mi * interval '1 millisecond', c FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS x(s, mi, c)
         ON CONFLICT (project_id, service_name, minute) DO UPDATE SET count = unmatched_spans.count + excluded.count`,
        [batch.projectId, unmatched.map((u) => u.serviceName), unmatched.map((u) => u.minuteMs), unmatched.map((u) => u.count)],
      );
    }
    const countRows = [...counts.values()].filter((c) => c.seen > 0 || c.sampled > 0);
    if (countRows.length > 0) {
      sortCounts(countRows);
      await client.query(
        `INSERT INTO sample_counts (model_id, version, minute, seen, sampled)
         SELECT mo, v, 'epoch'::timestamptz + mi * interval '1 millisecond', se, sa
           FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS x(mo, v, mi, se, sa)
         ON CONFLICT (model_id, version, minute) DO UPDATE SET
           seen = sample_counts.seen + excluded.seen, sampled = sample_counts.sampled + excluded.sampled`,
        [
          countRows.map((c) => c.modelId),
          countRows.map((c) => c.version),
          countRows.map((c) => c.minuteMs),
          countRows.map((c) => c.seen),
          countRows.map((c) => c.sampled),
        ],
      );
    }
    const journeyRows = mergedJourneyCounts([{ ...batch, journeyCounts: [...journeyCounts.values()] }]);
    if (journeyRows.length > 0) await client.query(addJourneyCounts(1), journeyCountParameters(journeyRows));
    const overflowRows = mergedJourneyOverflow([batch]);
    if (overflowRows.length > 0) await client.query(addJourneyOverflow(1), journeyOverflowParameters(overflowRows));
    return { result: { inserted, duplicates, evaluationsAttached, evaluationsPending: keptPending.length, refused }, keptPending };
  }

  /** Takes the pending evaluations of the samples about to be stored and merges them into their signals. */
  private async takePendingFor(client: PoolClient, projectId: string, samples: SampleToWrite[]): Promise<Map<SampleToWrite, SampleSignals>> {
    const responseIds = samples.flatMap((s) => (s.responseId === null ? [] : [s.responseId]));
    const result = await client.query<{ trace_id: string; parent_span_id: string | null; response_id: string | null; evaluation: PendingEvaluationBody }>(
      `DELETE FROM pending_evaluations
        WHERE project_id = $1 AND expires_at > now()
          AND ((trace_id, parent_span_id) IN (SELECT * FROM unnest($2::text[], $3::text[])) OR response_id = ANY($4::text[]))
        RETURNING trace_id, parent_span_id, response_id, evaluation`,
      [projectId, samples.map((s) => s.traceId), samples.map((s) => s.spanId), responseIds],
    );
    const merged = new Map<SampleToWrite, SampleSignals>();
    if (result.rows.length === 0) return merged;
    for (const sample of samples) {
      for (const row of result.rows) {
        const bySpan = row.trace_id === sample.traceId && row.parent_span_id === sample.spanId;
        const byResponse = row.response_id !== null && row.response_id === sample.responseId;
        if (!bySpan && !byResponse) continue;
        const signals = { ...row.evaluation.signals, ...row.evaluation.byModel?.[sample.modelId] };
        Object.assign(sample.signals, signals);
        merged.set(sample, { ...(merged.get(sample) ?? {}), ...signals });
      }
    }
    return merged;
  }

  private async attachBySpan(
    client: PoolClient,
    modelIds: string[],
    evaluations: LateEvaluation[],
  ): Promise<{ matched: Set<number>; values: ProfiledValues[] }> {
    const candidates = evaluations.map((e, i) => ({ e, i })).filter(({ e }) => e.parentSpanId !== null);
    if (candidates.length === 0 || modelIds.length === 0) return { matched: new Set(), values: [] };
    return this.attach(
      client,
      `s.trace_id = e.t AND s.span_id = e.k`,
      modelIds,
      candidates.map(({ i }) => i),
      candidates.map(({ e }) => e.traceId),
      candidates.map(({ e }) => e.parentSpanId!),
      candidates.map(({ e }) => e.signals),
      candidates.map(({ e }) => e.signalsByModel ?? null),
    );
  }

  private async attachByResponse(
    client: PoolClient,
    modelIds: string[],
    evaluations: LateEvaluation[],
  ): Promise<{ matched: Set<number>; values: ProfiledValues[] }> {
    const candidates = evaluations.map((e, i) => ({ e, i })).filter(({ e }) => e.responseId !== null);
    if (candidates.length === 0 || modelIds.length === 0) return { matched: new Set(), values: [] };
    return this.attach(
      client,
      `s.response_id = e.k`,
      modelIds,
      candidates.map(({ i }) => i),
      candidates.map(({ e }) => e.traceId),
      candidates.map(({ e }) => e.responseId!),
      candidates.map(({ e }) => e.signals),
      candidates.map(({ e }) => e.signalsByModel ?? null),
    );
  }

  private async attach(
    client: PoolClient,
    condition: string,
    modelIds: string[],
    indexes: number[],
    traceIds: string[],
    keys: string[],
    signals: SampleSignals[],
    byModel: Array<Record<string, SampleSignals> | null>,
  ): Promise<{ matched: Set<number>; values: ProfiledValues[] }> {
    const result = await client.query<{ i: number; model_id: string; version: string; minute_ms: string; sig: SampleSignals }>(
      // A signal the sample already has keeps its value, and only the signals it gains are profiled:
      // a finish reason sent both on the span and in its gen_ai.choice record is counted once.
      `WITH e AS (SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[]) AS e(i, t, k, sig, bym)),
            hit AS (SELECT e.i, s.model_id, s.trace_id, s.span_id, s.time, s.signals AS had,
                           e.sig || coalesce(e.bym -> s.model_id::text, '{}'::jsonb) AS sent
                      FROM samples s JOIN e ON ${condition}
                     WHERE s.model_id = ANY($1::uuid[])
                       FOR UPDATE OF s)
       UPDATE samples s SET signals = hit.sent || s.signals
         FROM hit
        WHERE s.trace_id = hit.trace_id AND s.span_id = hit.span_id AND s.time = hit.time AND s.model_id = hit.model_id
        RETURNING hit.i, s.model_id, s.version, (extract(epoch FROM date_trunc('minute', s.time)) * 1000)::bigint AS minute_ms,
                  (SELECT coalesce(jsonb_object_agg(j.key, j.value), '{}'::jsonb) FROM jsonb_each(hit.sent) j WHERE NOT hit.had ? j.key) AS sig`,
      [modelIds, indexes, traceIds, keys, signals.map((s) => JSON.stringify(s)), byModel.map((m) => (m === null ? null : JSON.stringify(m)))],
    );
    return {
      matched: new Set(result.rows.map((r) => r.i)),
      values: result.rows.map((r) => ({ modelId: r.model_id, version: r.version, minuteMs: Number(r.minute_ms), signals: r.sig })),
    };
  }

  /**
   * Keeps the evaluations whose spans have not arrived, as many as the project's pending limit has
   * room for, in order; returns the ids kept and the positions of those left out.
   */
  private async keepPending(client: PoolClient, batch: IngestBatch, evaluations: LateEvaluation[]): Promise<{ ids: string[]; left: number[] }> {
    if (evaluations.length === 0) return { ids: [], left: [] };
    const result = await client.query<{ id: string }>(
      `INSERT INTO pending_evaluations (project_id, trace_id, parent_span_id, response_id, evaluation, expires_at)
       SELECT $1, t, p, r, jsonb_strip_nulls(jsonb_build_object('signals', sig, 'byModel', bym)), now() + $6 * interval '1 second'
         FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $8::jsonb[]) WITH ORDINALITY AS x(t, p, r, sig, bym, i)
        WHERE i <= $7 - (SELECT count(*) FROM pending_evaluations WHERE project_id = $1)
       RETURNING id`,
      [
        batch.projectId,
        evaluations.map((e) => e.traceId),
        evaluations.map((e) => e.parentSpanId),
        evaluations.map((e) => e.responseId),
        evaluations.map((e) => JSON.stringify(e.signals)),
        batch.pendingTtlSeconds,
        batch.maxPendingPerProject,
        evaluations.map((e) => (e.signalsByModel === undefined ? null : JSON.stringify(e.signalsByModel))),
      ],
    );
    // The first ones, as many as there was room for.
    const kept = result.rows.length;
    return { ids: result.rows.map((r) => r.id), left: evaluations.flatMap((_, i) => (i < kept ? [] : [i])) };
  }
}
