import type { MigrationInterface, QueryRunner } from 'typeorm';

// The model registry and what the OTLP ingest writes: samples (partitioned by day), per-minute
// seen/sampled counts, per-minute signal profiles, unmatched-span counts and evaluations that
// arrived before their span.
export class Models1764320010000 implements MigrationInterface {
  name = 'Models1764320010000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        owner text,
        risk_tier text NOT NULL DEFAULT 'medium' CHECK (risk_tier IN ('low', 'medium', 'high', 'critical')),
        description text,
        match jsonb NOT NULL DEFAULT '{}',
        version_attribute text NOT NULL DEFAULT 'assay.model.version',
        sampling jsonb NOT NULL DEFAULT '{"probability": 1, "maxPerMinute": null}',
        custom_signals jsonb NOT NULL DEFAULT '[]',
        energy jsonb,
        auto_registered boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, name)
      )`);
    await db.query(`
      CREATE TABLE model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version text NOT NULL CHECK (length(version) BETWEEN 1 AND 200),
        artifact_digest text CHECK (artifact_digest ~ '^sha256:[0-9a-f]{64}$'),
        lifecycle text NOT NULL DEFAULT 'candidate' CHECK (lifecycle IN ('candidate', 'approved', 'production', 'retired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model_id, version)
      )`);
    await db.query(`CREATE UNIQUE INDEX model_versions_one_production ON model_versions (model_id) WHERE lifecycle = 'production'`);
    await db.query(`
      CREATE TABLE price_catalog (
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 200),
        model text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
        input_per_million numeric NOT NULL CHECK (input_per_million >= 0),
        cached_input_per_million numeric CHECK (cached_input_per_million >= 0),
        output_per_million numeric NOT NULL CHECK (output_per_million >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, provider, model)
      )`);

    // No foreign keys on the hot tables: a referential check per inserted row would cost more
    // than the insert itself; rows of a deleted model age out with their partitions.
    await db.query(`
      CREATE TABLE samples (
        project_id uuid NOT NULL,
        model_id uuid NOT NULL,
        version text NOT NULL,
        time timestamptz NOT NULL,
        trace_id text NOT NULL CHECK (trace_id ~ '^[0-9a-f]{32}$'),
        span_id text NOT NULL CHECK (span_id ~ '^[0-9a-f]{16}$'),
        parent_span_id text,
        response_id text,
        service_name text NOT NULL,
        signals jsonb NOT NULL,
        PRIMARY KEY (model_id, trace_id, span_id, time)
      ) PARTITION BY RANGE (time)`);
    await db.query(`CREATE INDEX samples_model_version_time_idx ON samples (model_id, version, time DESC)`);
    await db.query(`CREATE INDEX samples_response_idx ON samples (model_id, response_id) WHERE response_id IS NOT NULL`);
    // Day boundaries are UTC whatever the session's time zone. Concurrent creators of the same day
    // race on the catalog; the loser's error is swallowed because the partition then exists.
    await db.query(`
      CREATE FUNCTION ensure_sample_partition(day date) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'samples_' || to_char(day, 'YYYYMMDD');
      BEGIN
        IF to_regclass(part) IS NOT NULL THEN
          RETURN;
        END IF;
        BEGIN
          EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF samples FOR VALUES FROM (%L) TO (%L)',
            part, day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
          NULL;
        END;
      END $$`);

    await db.query(`
      CREATE TABLE sample_counts (
        model_id uuid NOT NULL,
        version text NOT NULL,
        minute timestamptz NOT NULL,
        seen bigint NOT NULL CHECK (seen >= 0),
        sampled bigint NOT NULL CHECK (sampled >= 0),
        PRIMARY KEY (model_id, version, minute)
      )`);
    await db.query(`
      CREATE TABLE signal_profiles (
        id bigserial PRIMARY KEY,
        model_id uuid NOT NULL,
        version text NOT NULL,
        signal text NOT NULL,
        minute timestamptz NOT NULL,
        count bigint NOT NULL CHECK (count >= 0),
        profile jsonb NOT NULL
      )`);
    await db.query(`CREATE INDEX signal_profiles_model_signal_minute_idx ON signal_profiles (model_id, version, signal, minute)`);
    await db.query(`
      CREATE TABLE unmatched_spans (
        project_id uuid NOT NULL,
        service_name text NOT NULL,
        minute timestamptz NOT NULL,
        count bigint NOT NULL CHECK (count >= 0),
        PRIMARY KEY (project_id, service_name, minute)
      )`);
    // Evaluation results whose span has not arrived (or was not sampled): attached when the span
    // comes, dropped after expires_at.
    await db.query(`
      CREATE TABLE pending_evaluations (
        id bigserial PRIMARY KEY,
        project_id uuid NOT NULL,
        trace_id text NOT NULL,
        parent_span_id text,
        response_id text,
        evaluation jsonb NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX pending_evaluations_span_idx ON pending_evaluations (project_id, trace_id, parent_span_id)`);
    await db.query(`CREATE INDEX pending_evaluations_response_idx ON pending_evaluations (project_id, response_id) WHERE response_id IS NOT NULL`);
    await db.query(`CREATE INDEX pending_evaluations_expiry_idx ON pending_evaluations (expires_at)`);

    await db.query(`SELECT ensure_sample_partition((now() AT TIME ZONE 'UTC')::date)`);
    await db.query(`SELECT ensure_sample_partition((now() AT TIME ZONE 'UTC')::date + 1)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE pending_evaluations`);
    await db.query(`DROP TABLE unmatched_spans`);
    await db.query(`DROP TABLE signal_profiles`);
    await db.query(`DROP TABLE sample_counts`);
    await db.query(`DROP FUNCTION ensure_sample_partition(date)`);
    await db.query(`DROP TABLE samples`);
    await db.query(`DROP TABLE price_catalog`);
    await db.query(`DROP TABLE model_versions`);
    await db.query(`DROP TABLE models`);
  }
}
