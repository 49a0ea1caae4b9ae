import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GatesReports1764320050000 implements MigrationInterface {
  name = 'GatesReports1764320050000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE gate_policies (
        model_id uuid PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        policy jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE gate_decisions (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        candidate text NOT NULL,
        baseline_id uuid,
        decision text NOT NULL CHECK (decision IN ('pass', 'fail', 'insufficient')),
        reasons jsonb NOT NULL,
        envelope jsonb NOT NULL,
        request_digest text NOT NULL,
        idempotency_key text,
        promoted boolean NOT NULL DEFAULT false,
        ledger_index bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX gate_decisions_idempotency ON gate_decisions (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await db.query(`CREATE INDEX gate_decisions_model_time_idx ON gate_decisions (model_id, created_at)`);
    await db.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        period_from timestamptz NOT NULL,
        period_to timestamptz NOT NULL CHECK (period_to > period_from),
        trigger text NOT NULL CHECK (trigger IN ('request', 'schedule')),
        status text NOT NULL CHECK (status IN ('queued', 'ready', 'failed')),
        envelope text,
        html text,
        content_digest text,
        error text,
        ledger_index bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz
      )`);
    await db.query(`CREATE INDEX reports_model_time_idx ON reports (model_id, created_at DESC)`);
    await db.query(`
      CREATE TABLE report_schedules (
        model_id uuid PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        cron text,
        every_seconds integer CHECK (every_seconds > 0),
        period_days integer NOT NULL CHECK (period_days > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((cron IS NULL) <> (every_seconds IS NULL))
      )`);
    // The report builder pages through a period's check runs of one model in (window_to, id) order.
    await db.query(`CREATE INDEX check_runs_model_time_id_idx ON check_runs (model_id, window_to, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX check_runs_model_time_id_idx`);
    await db.query(`DROP TABLE report_schedules`);
    await db.query(`DROP TABLE reports`);
    await db.query(`DROP TABLE gate_decisions`);
    await db.query(`DROP TABLE gate_policies`);
  }
}
