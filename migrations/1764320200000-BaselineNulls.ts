import type { MigrationInterface, QueryRunner } from 'typeorm';

// A numeric baseline signal keeps the simulated nulls of its distance methods (999 replicates each, at
// the baseline's own size), computed when the baseline is stored, so that the first check of a monitor
// against it does not spend its time resampling. Derived from the profile alone and seeded, so they
// stay outside the signal's digest; rows from before this migration have none and are resampled on use.
export class BaselineNulls1764320200000 implements MigrationInterface {
  name = 'BaselineNulls1764320200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE baseline_signals ADD COLUMN nulls jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE baseline_signals DROP COLUMN nulls`);
  }
}
