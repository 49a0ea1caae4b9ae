import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SampleTotals {
  seen: number;
  sampled: number;
}

@Injectable()
export class SampleCountRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Sums over every minute, or over [from, to) when given; version null means all versions. */
  async totals(modelId: string, version: string | null, from?: Date, to?: Date): Promise<SampleTotals> {
    const [row] = await this.dataSource.query<Array<{ seen: string | null; sampled: string | null }>>(
      `SELECT sum(seen) AS seen, sum(sampled) AS sampled FROM sample_counts
        WHERE model_id = $1 AND ($2::text IS NULL OR version = $2)
          AND ($3::timestamptz IS NULL OR minute >= date_trunc('minute', $3::timestamptz))
          AND ($4::timestamptz IS NULL OR minute < $4::timestamptz)`,
      [modelId, version, from ?? null, to ?? null],
    );
    return { seen: Number(row?.seen ?? 0), sampled: Number(row?.sampled ?? 0) };
  }

  /** Spans that matched no model, per service over the minutes in [from, to), most first. */
  async unmatchedByService(projectId: string, from: Date, to: Date): Promise<Array<{ serviceName: string; count: number }>> {
    const rows = await this.dataSource.query<Array<{ service_name: string; count: string }>>(
      `SELECT service_name, sum(count) AS count FROM unmatched_spans
        WHERE project_id = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND minute < $3
        GROUP BY service_name ORDER BY sum(count) DESC, service_name`,
      [projectId, from, to],
    );
    return rows.map((r) => ({ serviceName: r.service_name, count: Number(r.count) }));
  }
}
