import type { MigrationInterface, QueryRunner } from 'typeorm';

// Subscriptions choose the event types they hear (empty: all, as before), and may post to
// Alertmanager's API (`alertmanager-api`) rather than receive its webhook format.
export class SubscriptionEvents1764320220000 implements MigrationInterface {
  name = 'SubscriptionEvents1764320220000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE subscriptions ADD COLUMN events text[] NOT NULL DEFAULT '{}'`);
    await db.query(`ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_format_check`);
    await db.query(`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_format_check CHECK (format IN ('assay', 'alertmanager', 'alertmanager-api', 'slack'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM subscriptions WHERE format = 'alertmanager-api'`);
    await db.query(`ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_format_check`);
    await db.query(`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_format_check CHECK (format IN ('assay', 'alertmanager', 'slack'))`);
    await db.query(`ALTER TABLE subscriptions DROP COLUMN events`);
  }
}
