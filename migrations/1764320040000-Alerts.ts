import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1764320040000 implements MigrationInterface {
  name = 'Alerts1764320040000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        monitor_id uuid NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('drift', 'policy')),
        signal text,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('firing', 'acknowledged', 'resolved')),
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        labels jsonb NOT NULL,
        summary text NOT NULL,
        first_check_run_id uuid NOT NULL,
        last_check_run_id uuid NOT NULL,
        last_verdict text NOT NULL,
        occurrences integer NOT NULL DEFAULT 1,
        started_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by text,
        acknowledge_note text,
        resolved_at timestamptz,
        resolved_by text,
        resolve_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One open alert per fingerprint: repeats update it; after resolution a new failure opens a new one.
    await db.query(`CREATE UNIQUE INDEX alerts_open_fingerprint_idx ON alerts (fingerprint) WHERE status <> 'resolved'`);
    await db.query(`CREATE INDEX alerts_project_idx ON alerts (project_id, updated_at DESC, id DESC)`);
    await db.query(`CREATE INDEX alerts_fingerprint_idx ON alerts (fingerprint, started_at DESC)`);

    await db.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name text NOT NULL,
        url text NOT NULL,
        format text NOT NULL CHECK (format IN ('assay', 'alertmanager', 'slack')),
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        models text[] NOT NULL DEFAULT '{}',
        severities text[] NOT NULL DEFAULT '{}',
        kinds text[] NOT NULL DEFAULT '{}',
        group_by text[] NOT NULL DEFAULT '{model}',
        group_wait_seconds integer NOT NULL CHECK (group_wait_seconds >= 0),
        group_interval_seconds integer NOT NULL CHECK (group_interval_seconds >= 1),
        repeat_interval_seconds integer NOT NULL CHECK (repeat_interval_seconds >= 1),
        send_resolved boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX subscriptions_project_idx ON subscriptions (project_id) WHERE enabled`);

    await db.query(`
      CREATE TABLE silences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        matchers jsonb NOT NULL,
        comment text NOT NULL,
        created_by text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX silences_project_idx ON silences (project_id, ends_at)`);

    // What each subscription's group last heard, so a flush sends only changes or repeats.
    await db.query(`
      CREATE TABLE notification_groups (
        subscription_id uuid NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        group_key text NOT NULL,
        group_labels jsonb NOT NULL,
        last_state jsonb NOT NULL DEFAULT '{}',
        last_sent_at timestamptz,
        pending_flush_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription_id, group_key)
      )`);

    await db.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        subscription_id uuid NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        webhook_id text NOT NULL,
        event_type text NOT NULL,
        flush_key text UNIQUE,
        group_key text,
        payload text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        attempt_log jsonb NOT NULL DEFAULT '[]',
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        redelivery_of uuid REFERENCES deliveries(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX deliveries_subscription_idx ON deliveries (subscription_id, created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deliveries`);
    await db.query(`DROP TABLE notification_groups`);
    await db.query(`DROP TABLE silences`);
    await db.query(`DROP TABLE subscriptions`);
    await db.query(`DROP TABLE alerts`);
  }
}
