import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type SampleSignals = Record<string, number | string>;

export interface StoredSample {
  traceId: string;
  spanId: string;
  version: string;
  time: Date;
  signals: SampleSignals;
}

interface SampleRow {
  trace_id: string;
  span_id: string;
  version: string;
  time: Date;
  signals: SampleSignals;
}

const toSample = (r: SampleRow): StoredSample => ({ traceId: r.trace_id, spanId: r.span_id, version: r.version, time: r.time, signals: r.signals });

@Injectable()
export class SampleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first. */
  async listRecent(modelId: string, options: { version?: string | null; limit: number }): Promise<StoredSample[]> {
    const rows = await this.dataSource.query<SampleRow[]>(
      `SELECT trace_id, span_id, version, time, signals FROM samples
        WHERE model_id = $1 AND ($2::text IS NULL OR version = $2)
        ORDER BY time DESC, trace_id, span_id LIMIT $3`,
      [modelId, options.version ?? null, options.limit],
    );
    return rows.map(toSample);
  }

  /** Samples with from <= time < to, newest first. */
  async listWindow(modelId: string, version: string | null, from: Date, to: Date, limit: number): Promise<StoredSample[]> {
    const rows = await this.dataSource.query<SampleRow[]>(
      `SELECT trace_id, span_id, version, time, signals FROM samples
        WHERE model_id = $1 AND ($2::text IS NULL OR version = $2) AND time >= $3 AND time < $4
        ORDER BY time DESC, trace_id, span_id LIMIT $5`,
      [modelId, version, from, to, limit],
    );
    return rows.map(toSample);
  }

  /** The last n samples, newest first. */
  async lastN(modelId: string, version: string | null, n: number): Promise<StoredSample[]> {
    return this.listRecent(modelId, { version, limit: n });
  }
}
