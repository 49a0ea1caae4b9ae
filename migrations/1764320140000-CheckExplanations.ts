import type { MigrationInterface, QueryRunner } from 'typeorm';

// A check run's explanation (baseline and current summaries, the test, one sentence) is stored with it,
// and an alert keeps the one of its latest failing run, so that every text built from either says the same.
// Rows from before this migration have none: readers show the run's reason instead.
export class CheckExplanations1764320140000 implements MigrationInterface {
  name = 'CheckExplanations1764320140000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE check_runs ADD COLUMN explanation jsonb`);
    await db.query(`ALTER TABLE alerts ADD COLUMN explanation jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alerts DROP COLUMN explanation`);
    await db.query(`ALTER TABLE check_runs DROP COLUMN explanation`);
  }
}
