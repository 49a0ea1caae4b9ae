import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764320000000 implements MigrationInterface {
  name = 'Foundation1764320000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await db.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid REFERENCES projects(id) ON DELETE RESTRICT,
        role text NOT NULL CHECK (role IN ('admin', 'owner', 'ci', 'auditor', 'ingest')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        lookup text NOT NULL CHECK (lookup ~ '^[0-9a-f]{16}$'),
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        is_bootstrap boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CHECK (role = 'admin' OR project_id IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX api_keys_lookup_idx ON api_keys (lookup)`);
    await db.query(`CREATE INDEX api_keys_project_idx ON api_keys (project_id)`);
    await db.query(`
      CREATE UNIQUE INDEX api_keys_one_active_bootstrap
        ON api_keys (is_bootstrap) WHERE is_bootstrap AND revoked_at IS NULL`);
    await db.query(`
      CREATE TABLE job_runs (
        id uuid PRIMARY KEY,
        project_id uuid REFERENCES projects(id) ON DELETE CASCADE,
        queue text NOT NULL,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'completed', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        result jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE job_runs`);
    await db.query(`DROP TABLE api_keys`);
    await db.query(`DROP TABLE projects`);
  }
}
