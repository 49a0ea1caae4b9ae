import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPoolTransaction } from './pool-transaction.js';

/** Latency buckets grow by 1% each: a quantile read from them is within 0.5% of the exact one. */
export const LATENCY_BUCKET_RATIO = 1.01;
/** At most this many `eval.*` signals of a project enter one read, so the scan stays one bounded pass. */
export const MAX_QUALITY_SIGNALS = 64;
const SKETCH_DAYS_PER_READ = 1;
const DAY_MS = 86_400_000;
// Longer identifiers are truncated by PostgreSQL, so such keys are read with ->> instead of as a record column.
const MAX_IDENTIFIER_BYTES = 63;

export interface QualitySignalSums {
  n: number;
  /** Scores: the sum and the sum of squares; labels: the count of `pass`. */
  sum: number;
  sumSquares: number;
}

/** Sampled calls of one model on one journey through one provider with latencies in one bucket. */
export interface TieringSampleGroup {
  modelId: string;
  journey: string;
  provider: string | null;
  /** log base LATENCY_BUCKET_RATIO of the latency; null without a latency. */
  latencyBucket: number | null;
  sampled: number;
  failed: number;
  costUsd: number;
  costed: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  tokenCalls: number;
  co2eG: number;
  co2eCalls: number;
  quality: Record<string, QualitySignalSums>;
}

export interface JourneyCallCount {
  modelId: string;
  journey: string;
  seen: number;
  sampled: number;
}

export interface TieringWindowRead {
  groups: TieringSampleGroup[];
  counts: JourneyCallCount[];
}

export type InputSketchVisitor = (journey: string, callsWithInput: number, sketch: Buffer) => void;

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

// One pass over the window's samples: every signal the report needs is read from the jsonb once per
// row (jsonb_to_record), grouped so that PostgreSQL can aggregate in parallel by hashing; latency
// quantiles come from the bucket counts instead of an ordered-set aggregate, which cannot run in parallel.
function sampleGroupsSql(scores: readonly string[], labels: readonly string[]): { sql: string; keys: string[] } {
  const keys: string[] = [];
  const columns = ['latency_ms float8', 'status text', 'error_type text', 'provider text', 'cost_usd float8', 'input_tokens float8', 'cached_input_tokens float8', 'output_tokens float8', 'co2e_g float8'];
  const valueOf = (name: string, type: 'jsonb' | 'text'): string => {
    if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) {
      columns.push(`${quoteIdentifier(name)} ${type}`);
      return `r.${quoteIdentifier(name)}`;
    }
    keys.push(name);
    return type === 'jsonb' ? `(s.signals -> $${3 + keys.length})` : `(s.signals ->> $${3 + keys.length})`;
  };
  const aggregates: string[] = [];
  scores.forEach((name, i) => {
    const raw = valueOf(name, 'jsonb');
    const value = `(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN ${raw}::float8 END)`;
    aggregates.push(`count(${value}) AS s${i}_n, coalesce(sum(${value}), 0) AS s${i}_sum, coalesce(sum(${value} * ${value}), 0) AS s${i}_sq`);
  });
  labels.forEach((name, i) => {
    const value = valueOf(name, 'text');
    aggregates.push(`count(${value}) AS l${i}_n, count(*) FILTER (WHERE ${value} = 'pass') AS l${i}_pass`);
  });
  const sql = `
    SELECT s.model_id, s.journey, r.provider,
           floor(ln(greatest(r.latency_ms, 1e-3)) / ln(${LATENCY_BUCKET_RATIO}))::int AS bucket,
           count(*) AS sampled,
           count(*) FILTER (WHERE r.status = 'error' OR r.error_type IS NOT NULL) AS failed,
           coalesce(sum(r.cost_usd), 0) AS cost_usd, count(r.cost_usd) AS costed,
           coalesce(sum(r.input_tokens), 0) AS input_tokens, coalesce(sum(r.cached_input_tokens) FILTER (WHERE r.input_tokens IS NOT NULL), 0) AS cached_input_tokens,
           coalesce(sum(r.output_tokens), 0) AS output_tokens, count(*) FILTER (WHERE r.input_tokens IS NOT NULL OR r.output_tokens IS NOT NULL) AS token_calls,
           coalesce(sum(r.co2e_g), 0) AS co2e_g, count(r.co2e_g) AS co2e_calls
           ${aggregates.length > 0 ? `, ${aggregates.join(', ')}` : ''}
      FROM samples s CROSS JOIN LATERAL jsonb_to_record(s.signals) AS r(${columns.join(', ')})
     WHERE s.project_id = $1 AND s.time >= $2 AND s.time < $3
     GROUP BY 1, 2, 3, 4`;
  return { sql, keys };
}

type Row = Record<string, string | number | null>;

function groupOf(row: Row, scores: readonly string[], labels: readonly string[]): TieringSampleGroup {
  const n = (key: string): number => Number(row[key] ?? 0);
  const quality: Record<string, QualitySignalSums> = {};
  scores.forEach((name, i) => {
    if (n(`s${i}_n`) > 0) quality[name] = { n: n(`s${i}_n`), sum: n(`s${i}_sum`), sumSquares: n(`s${i}_sq`) };
  });
  labels.forEach((name, i) => {
    if (n(`l${i}_n`) > 0) quality[name] = { n: n(`l${i}_n`), sum: n(`l${i}_pass`), sumSquares: n(`l${i}_pass`) };
  });
  return {
    modelId: String(row.model_id),
    journey: String(row.journey),
    provider: row.provider === null ? null : String(row.provider),
    latencyBucket: row.bucket === null ? null : Number(row.bucket),
    sampled: n('sampled'),
    failed: n('failed'),
    costUsd: n('cost_usd'),
    costed: n('costed'),
    inputTokens: n('input_tokens'),
    cachedInputTokens: n('cached_input_tokens'),
    outputTokens: n('output_tokens'),
    tokenCalls: n('token_calls'),
    co2eG: n('co2e_g'),
    co2eCalls: n('co2e_calls'),
    quality,
  };
}

// The reads behind the tiering report, in one read-only snapshot so that counts and samples agree.
@Injectable()
export class TieringRepository {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** The `eval.*.score` and `eval.*.label` signals the models of the project recorded in the window. */
  async qualitySignalNames(modelIds: readonly string[], from: Date, to: Date): Promise<string[]> {
    if (modelIds.length === 0) return [];
    const { rows } = await this.pool.query<{ signal: string }>(
      `SELECT DISTINCT signal FROM signal_profiles
        WHERE model_id = ANY($1::uuid[]) AND minute >= date_trunc('minute', $2::timestamptz) AND minute < $3
          AND signal LIKE 'eval.%' AND (signal LIKE '%.score' OR signal LIKE '%.label')
        ORDER BY signal LIMIT ${MAX_QUALITY_SIGNALS}`,
      [modelIds, from, to],
    );
    return rows.map((r) => r.signal);
  }

  async readWindow(projectId: string, from: Date, to: Date, scores: readonly string[], labels: readonly string[]): Promise<TieringWindowRead> {
    return this.inSnapshot(async (client) => {
      // The default 4 MB would make the hash aggregate of a month of groups spill to disk; JIT compiles
      // for seconds on a query that is fast without it.
      await client.query(`SET LOCAL work_mem = '256MB'`);
      await client.query(`SET LOCAL jit = off`);
      const { sql, keys } = sampleGroupsSql(scores, labels);
      const groups = (await client.query<Row>(sql, [projectId, from, to, ...keys])).rows.map((row) => groupOf(row, scores, labels));
      const counts = await client.query<{ model_id: string; journey: string; seen: string; sampled: string }>(
        `SELECT model_id, journey, sum(seen) AS seen, sum(sampled) AS sampled FROM journey_counts
          WHERE project_id = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND minute < $3
          GROUP BY 1, 2`,
        [projectId, from, to],
      );
      return {
        groups,
        counts: counts.rows.map((r) => ({ modelId: r.model_id, journey: r.journey, seen: Number(r.seen), sampled: Number(r.sampled) })),
      };
    });
  }

  /**
   * Every hourly input sketch of the project in the window, a day at a time so that memory holds one
   * day's sketches, not a month's.
   */
  async visitInputSketches(projectId: string, from: Date, to: Date, visit: InputSketchVisitor): Promise<void> {
    const start = Math.floor(from.getTime() / 3_600_000) * 3_600_000;
    for (let day = start; day < to.getTime(); day += SKETCH_DAYS_PER_READ * DAY_MS) {
      const until = Math.min(day + SKETCH_DAYS_PER_READ * DAY_MS, to.getTime());
      const { rows } = await this.pool.query<{ journey: string; calls_with_input: string; sketch: Buffer }>(
        `SELECT journey, calls_with_input, sketch FROM journey_input_sketches
          WHERE project_id = $1 AND hour >= $2 AND hour < $3`,
        [projectId, new Date(day), new Date(until)],
      );
      for (const row of rows) visit(row.journey, Number(row.calls_with_input), row.sketch);
    }
  }

  private inSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inPoolTransaction(this.pool, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

}
