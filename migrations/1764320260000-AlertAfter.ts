import type { MigrationInterface, QueryRunner } from 'typeorm';

// An alert opens after `alert_after` consecutive failing windows of its monitor or policy. Drift
// monitors default to 3: at alpha 0.01 one window of unchanged traffic drifts by chance one time in
// a hundred, three in a row about one time in a million. Policies keep alerting on the first breach.
export class AlertAfter1764320260000 implements MigrationInterface {
  name = 'AlertAfter1764320260000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE monitors ADD COLUMN alert_after integer NOT NULL DEFAULT 1 CHECK (alert_after BETWEEN 1 AND 100)`);
    await db.query(`UPDATE monitors SET alert_after = 3 WHERE kind = 'drift'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE monitors DROP COLUMN alert_after`);
  }
}
