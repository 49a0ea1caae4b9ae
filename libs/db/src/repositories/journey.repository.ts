import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inPoolTransaction } from './pool-transaction.js';

/** One process's input hashes of a journey's calls in one hour, to be added to the stored sketch. */
export interface InputSketchToAdd {
  projectId: string;
  journey: string;
  hourMs: number;
  callsWithInput: number;
}

export interface StoredInputSketch {
  journey: string;
  hour: Date;
  callsWithInput: number;
  /** Encoded as libs/stats `encodeDistinctRegisters`. */
  sketch: Uint8Array;
}

/** The stored bytes of a sketch (null for a new row) with `row`'s hashes taken in. */
export type SketchMerge<T extends InputSketchToAdd> = (stored: Uint8Array | null, row: T) => Uint8Array;

const rowKey = (projectId: string, journey: string, hourMs: number): string => `${projectId}\u0000${journey}\u0000${hourMs}`;
const byKey = (a: InputSketchToAdd, b: InputSketchToAdd): number =>
  a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : a.journey < b.journey ? -1 : a.journey > b.journey ? 1 : a.hourMs - b.hourMs;

// Journeys' registry, and their input sketches: written by the ingest, read by the tiering report.
@Injectable()
export class JourneyRepository {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async journeysOf(projectId: string): Promise<string[]> {
    const result = await this.pool.query<{ journey: string }>(`SELECT journey FROM project_journeys WHERE project_id = $1`, [projectId]);
    return result.rows.map((r) => r.journey);
  }

  /**
   * Registers as many of `names` as the project's `limit` has room for, in order, and returns those
   * of `names` that are registered. One writer per project at a time (an advisory lock for the
   * transaction), so that concurrent ingests never take the registry past its limit.
   */
  async admitJourneys(projectId: string, names: readonly string[], limit: number): Promise<string[]> {
    if (names.length === 0) return [];
    return this.inTransaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('assay.project_journeys:' || $1::text, 0))`, [projectId]);
      const result = await client.query<{ journey: string }>(
        `WITH known AS (SELECT journey FROM project_journeys WHERE project_id = $1),
              fresh AS (SELECT j, row_number() OVER (ORDER BY o) AS n FROM unnest($2::text[]) WITH ORDINALITY AS x(j, o)
                         WHERE j NOT IN (SELECT journey FROM known)),
              added AS (INSERT INTO project_journeys (project_id, journey)
                        SELECT $1, j FROM fresh WHERE n <= $3 - (SELECT count(*) FROM known)
                        ON CONFLICT DO NOTHING
                        RETURNING journey)
         SELECT journey FROM known WHERE journey = ANY($2::text[]) UNION ALL SELECT journey FROM added`,
        [projectId, [...new Set(names)], limit],
      );
      return result.rows.map((r) => r.journey);
    });
  }

  /**
   * Adds input sketches in one transaction: new rows are inserted as they are, stored ones are
   * locked, merged by `merge` and written back. Rows are taken in key order (no deadlocks).
   */
  async addInputSketches<T extends InputSketchToAdd>(rows: readonly T[], merge: SketchMerge<T>): Promise<void> {
    if (rows.length === 0) return;
    const sorted = [...rows].sort(byKey);
    await this.inTransaction(async (client) => {
      const inserted = await client.query<{ project_id: string; journey: string; hour_ms: string }>(
        `INSERT INTO journey_input_sketches (project_id, journey, hour, calls_with_input, sketch)
         SELECT pj, j, 'epoch'::timestamptz + h * interval '1 millisecond', c, s
           FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bytea[]) WITH ORDINALITY AS x(pj, j, h, c, s, o)
          ORDER BY o
         ON CONFLICT DO NOTHING
         RETURNING project_id, journey, (extract(epoch FROM hour) * 1000)::bigint AS hour_ms`,
        [sorted.map((r) => r.projectId), sorted.map((r) => r.journey), sorted.map((r) => r.hourMs), sorted.map((r) => r.callsWithInput), sorted.map((r) => merge(null, r))],
      );
      const done = new Set(inserted.rows.map((r) => rowKey(r.project_id, r.journey, Number(r.hour_ms))));
      const stored = sorted.filter((r) => !done.has(rowKey(r.projectId, r.journey, r.hourMs)));
      if (stored.length === 0) return;
      const locked = await client.query<{ project_id: string; journey: string; hour_ms: string; sketch: Buffer }>(
        `SELECT s.project_id, s.journey, (extract(epoch FROM s.hour) * 1000)::bigint AS hour_ms, s.sketch
           FROM journey_input_sketches s
           JOIN unnest($1::uuid[], $2::text[], $3::bigint[]) AS x(pj, j, h)
             ON s.project_id = x.pj AND s.journey = x.j AND s.hour = 'epoch'::timestamptz + x.h * interval '1 millisecond'
          ORDER BY s.project_id, s.journey, s.hour
            FOR UPDATE OF s`,
        [stored.map((r) => r.projectId), stored.map((r) => r.journey), stored.map((r) => r.hourMs)],
      );
      const sketches = new Map(locked.rows.map((r) => [rowKey(r.project_id, r.journey, Number(r.hour_ms)), r.sketch]));
      await client.query(
        `UPDATE journey_input_sketches s SET calls_with_input = s.calls_with_input + x.c, sketch = x.sk
           FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bytea[]) AS x(pj, j, h, c, sk)
          WHERE s.project_id = x.pj AND s.journey = x.j AND s.hour = 'epoch'::timestamptz + x.h * interval '1 millisecond'`,
        [
          stored.map((r) => r.projectId),
          stored.map((r) => r.journey),
          stored.map((r) => r.hourMs),
          stored.map((r) => r.callsWithInput),
          stored.map((r) => merge(sketches.get(rowKey(r.projectId, r.journey, r.hourMs)) ?? null, r)),
        ],
      );
    });
  }

  /** A project's input sketches of the hours that start in [from, to). */
  async inputSketches(projectId: string, from: Date, to: Date): Promise<StoredInputSketch[]> {
    const result = await this.pool.query<{ journey: string; hour: Date; calls_with_input: string; sketch: Buffer }>(
      `SELECT journey, hour, calls_with_input, sketch FROM journey_input_sketches
        WHERE project_id = $1 AND hour >= $2 AND hour < $3 ORDER BY journey, hour`,
      [projectId, from, to],
    );
    return result.rows.map((r) => ({ journey: r.journey, hour: r.hour, callsWithInput: Number(r.calls_with_input), sketch: r.sketch }));
  }

  private inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inPoolTransaction(this.pool, work);
  }

}
