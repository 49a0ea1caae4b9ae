import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Monitoring1764320030000 implements MigrationInterface {
  name = 'Monitoring1764320030000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE baselines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version text NOT NULL,
        source text NOT NULL CHECK (source IN ('window', 'upload')),
        window_from timestamptz,
        window_to timestamptz,
        sample_count bigint NOT NULL,
        description text,
        digest text NOT NULL,
        ledger_index bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX baselines_model_version_idx ON baselines (model_id, version, created_at DESC)`);
    await db.query(`
      CREATE TABLE baseline_signals (
        baseline_id uuid NOT NULL REFERENCES baselines(id) ON DELETE CASCADE,
        signal text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('numeric', 'categorical')),
        count bigint NOT NULL,
        profile jsonb NOT NULL,
        digest text NOT NULL,
        PRIMARY KEY (baseline_id, signal)
      )`);
    // A baseline is frozen: its content never changes, a newer one supersedes it.
    await db.query(`
      CREATE FUNCTION baseline_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'baselines are frozen: create a new baseline instead of changing %', TG_TABLE_NAME;
      END $$`);
    await db.query(`CREATE TRIGGER baselines_frozen BEFORE UPDATE ON baselines FOR EACH ROW EXECUTE FUNCTION baseline_frozen()`);
    await db.query(`CREATE TRIGGER baseline_signals_frozen BEFORE UPDATE ON baseline_signals FOR EACH ROW EXECUTE FUNCTION baseline_frozen()`);

    await db.query(`
      CREATE TABLE model_monitoring (
        model_id uuid PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
        correction text NOT NULL DEFAULT 'bh' CHECK (correction IN ('none', 'bonferroni', 'bh')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE monitors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('drift', 'policy')),
        signal text,
        method text,
        threshold double precision,
        rule text,
        window_type text NOT NULL CHECK (window_type IN ('time', 'count')),
        window_size bigint NOT NULL CHECK (window_size > 0),
        min_samples integer NOT NULL DEFAULT 30 CHECK (min_samples >= 1),
        severity text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
        schedule_seconds integer NOT NULL CHECK (schedule_seconds >= 1),
        version text,
        baseline_id uuid REFERENCES baselines(id),
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model_id, kind, name),
        CHECK ((kind = 'drift' AND signal IS NOT NULL AND method IS NOT NULL) OR (kind = 'policy' AND rule IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX monitors_model_schedule_idx ON monitors (model_id, schedule_seconds) WHERE enabled`);
    await db.query(`
      CREATE TABLE check_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        monitor_id uuid NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('drift', 'policy')),
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        signal text,
        version text,
        window_from timestamptz,
        window_to timestamptz NOT NULL,
        method text,
        statistic double precision,
        p_value double precision,
        adjusted_p_value double precision,
        correction text NOT NULL DEFAULT 'none',
        threshold double precision,
        effect_size double precision,
        n_reference bigint NOT NULL DEFAULT 0,
        n_current bigint NOT NULL DEFAULT 0,
        exact boolean NOT NULL DEFAULT true,
        error_bound double precision,
        verdict text NOT NULL CHECK (verdict IN ('ok', 'drift', 'breach', 'insufficient_data')),
        reason text NOT NULL,
        severity text NOT NULL,
        baseline_id uuid REFERENCES baselines(id),
        reference_digest text,
        current_digest text,
        details jsonb NOT NULL DEFAULT '{}',
        ledger_index bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One scheduled run per monitor and tick, however many workers race for it.
    await db.query(`CREATE UNIQUE INDEX check_runs_scheduled_once ON check_runs (monitor_id, window_to) WHERE trigger = 'schedule'`);
    await db.query(`CREATE INDEX check_runs_model_time_idx ON check_runs (model_id, window_to DESC)`);
    await db.query(`CREATE INDEX check_runs_monitor_time_idx ON check_runs (monitor_id, window_to DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE check_runs`);
    await db.query(`DROP TABLE monitors`);
    await db.query(`DROP TABLE model_monitoring`);
    await db.query(`DROP TABLE baseline_signals`);
    await db.query(`DROP TABLE baselines`);
    await db.query(`DROP FUNCTION baseline_frozen()`);
  }
}
