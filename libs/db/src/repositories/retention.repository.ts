import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const PARTITION = /^samples_(\d{4})(\d{2})(\d{2})$/;

// Retention removes raw inputs only: samples, their per-minute summaries and stale pending
// evaluations. Check runs, baselines and the ledger are the record and are never swept.
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async samplePartitions(): Promise<Array<{ name: string; day: string }>> {
    const rows = await this.dataSource.query<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'samples'
        ORDER BY c.relname`,
    );
    return rows.flatMap((r) => {
      const match = PARTITION.exec(r.name);
      return match ? [{ name: r.name, day: `${match[1]}-${match[2]}-${match[3]}` }] : [];
    });
  }

  async dropSamplePartition(name: string): Promise<void> {
    if (!PARTITION.test(name)) throw new Error(`refusing to drop ${name}: not a samples partition`);
    await this.dataSource.query(`SELECT drop_sample_partition($1)`, [name]);
  }

  async ensureSamplePartitions(days: string[]): Promise<void> {
    for (const day of days) await this.dataSource.query(`SELECT ensure_sample_partition($1::date)`, [day]);
  }

  async deleteSummariesBefore(cutoff: Date): Promise<{ profiles: number; counts: number; pending: number }> {
    const profiles = await this.dataSource.query(`DELETE FROM signal_profiles WHERE minute < $1`, [cutoff]);
    const counts = await this.dataSource.query(`DELETE FROM sample_counts WHERE minute < $1`, [cutoff]);
    const unmatched = await this.dataSource.query(`DELETE FROM unmatched_spans WHERE minute < $1`, [cutoff]);
    await this.dataSource.query(`DELETE FROM journey_counts WHERE minute < $1`, [cutoff]);
    await this.dataSource.query(`DELETE FROM journey_overflow WHERE minute < $1`, [cutoff]);
    await this.dataSource.query(`DELETE FROM journey_input_sketches WHERE hour < $1`, [cutoff]);
    await this.dataSource.query(`DELETE FROM client_metric_totals WHERE minute < $1`, [cutoff]);
    await this.dataSource.query(`DELETE FROM client_metric_series WHERE seen_at < $1`, [cutoff]);
    const pending = await this.dataSource.query(`DELETE FROM pending_evaluations WHERE expires_at < now()`);
    void unmatched;
    return { profiles: affected(profiles), counts: affected(counts), pending: affected(pending) };
  }
}

function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
