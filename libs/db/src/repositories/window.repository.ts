import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type SignalValues = Record<string, number | string | boolean | null>;

export interface WindowSample {
  traceId: string;
  spanId: string;
  version: string;
  time: Date;
  signals: SignalValues;
}

/** The versions whose traffic a read covers; null for all traffic of the model. */
export type VersionFilter = readonly string[] | null;

export interface ProfileRow {
  signal: string;
  count: number;
  profile: Record<string, unknown>;
}

// Reads over the samples the ingest stores, shaped for the monitoring loop: exact samples for small
// windows, per-minute signal profiles for large ones.
@Injectable()
export class WindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  async sampledCount(modelId: string, versions: VersionFilter, from: Date, to: Date): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: string | null }>>(
      `SELECT sum(sampled) AS n FROM sample_counts
        WHERE model_id = $1 AND ($2::text[] IS NULL OR version = ANY($2::text[])) AND minute >= date_trunc('minute', $3::timestamptz) AND minute < $4`,
      [modelId, versions, from, to],
    );
    return Number(row?.n ?? 0);
  }

  async samplesInWindow(modelId: string, versions: VersionFilter, from: Date, to: Date, limit: number): Promise<WindowSample[]> {
    const rows = await this.dataSource.query<Array<{ trace_id: string; span_id: string; version: string; time: Date; signals: SignalValues }>>(
      `SELECT trace_id, span_id, version, time, signals FROM samples
        WHERE model_id = $1 AND ($2::text[] IS NULL OR version = ANY($2::text[])) AND time >= $3 AND time < $4
        ORDER BY time DESC LIMIT $5`,
      [modelId, versions, from, to, limit],
    );
    return rows.map((r) => ({ traceId: r.trace_id, spanId: r.span_id, version: r.version, time: r.time, signals: r.signals }));
  }

  async lastSamples(modelId: string, versions: VersionFilter, before: Date, n: number): Promise<WindowSample[]> {
    const rows = await this.dataSource.query<Array<{ trace_id: string; span_id: string; version: string; time: Date; signals: SignalValues }>>(
      `SELECT trace_id, span_id, version, time, signals FROM samples
        WHERE model_id = $1 AND ($2::text[] IS NULL OR version = ANY($2::text[])) AND time < $3
        ORDER BY time DESC LIMIT $4`,
      [modelId, versions, before, n],
    );
    return rows.map((r) => ({ traceId: r.trace_id, spanId: r.span_id, version: r.version, time: r.time, signals: r.signals }));
  }

  async profileRows(modelId: string, versions: VersionFilter, signals: string[], from: Date, to: Date): Promise<ProfileRow[]> {
    const rows = await this.dataSource.query<Array<{ signal: string; count: string; profile: Record<string, unknown> }>>(
      `SELECT signal, count, profile FROM signal_profiles
        WHERE model_id = $1 AND ($2::text[] IS NULL OR version = ANY($2::text[])) AND signal = ANY($3)
          AND minute >= date_trunc('minute', $4::timestamptz) AND minute < $5`,
      [modelId, versions, signals, from, to],
    );
    return rows.map((r) => ({ signal: r.signal, count: Number(r.count), profile: r.profile }));
  }

  async allProfileRows(modelId: string, versions: VersionFilter, from: Date, to: Date): Promise<ProfileRow[]> {
    const rows = await this.dataSource.query<Array<{ signal: string; count: string; profile: Record<string, unknown> }>>(
      `SELECT signal, count, profile FROM signal_profiles
        WHERE model_id = $1 AND ($2::text[] IS NULL OR version = ANY($2::text[]))
          AND minute >= date_trunc('minute', $3::timestamptz) AND minute < $4`,
      [modelId, versions, from, to],
    );
    return rows.map((r) => ({ signal: r.signal, count: Number(r.count), profile: r.profile }));
  }

  async productionVersion(modelId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ version: string }>>(
      `SELECT version FROM model_versions WHERE model_id = $1 AND lifecycle = 'production' LIMIT 1`,
      [modelId],
    );
    return row?.version ?? null;
  }
}
