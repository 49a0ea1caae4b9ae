import type { MigrationInterface, QueryRunner } from 'typeorm';

// GenAI client metrics (gen_ai.client.operation.duration, gen_ai.client.token.usage) folded into
// per-model, per-minute totals: unsampled counts that economics prefers to scaled samples. A
// cumulative series keeps its last point, so that each export adds only its difference.
export class GenAiClientMetrics1764320090000 implements MigrationInterface {
  name = 'GenAiClientMetrics1764320090000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE client_metric_totals (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version text NOT NULL,
        minute timestamptz NOT NULL,
        operations bigint NOT NULL DEFAULT 0,
        failed_operations bigint NOT NULL DEFAULT 0,
        duration_s double precision NOT NULL DEFAULT 0,
        input_tokens bigint NOT NULL DEFAULT 0,
        output_tokens bigint NOT NULL DEFAULT 0,
        cost_usd double precision,
        PRIMARY KEY (model_id, version, minute)
      )`);
    await db.query(`
      CREATE TABLE client_metric_series (
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        series text NOT NULL,
        start_time_unix_nano numeric NOT NULL,
        count double precision NOT NULL,
        sum double precision NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, series)
      )`);
    await db.query(`CREATE INDEX client_metric_series_seen_idx ON client_metric_series (seen_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE client_metric_series`);
    await db.query(`DROP TABLE client_metric_totals`);
  }
}
