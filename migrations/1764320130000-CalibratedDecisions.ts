import type { MigrationInterface, QueryRunner } from 'typeorm';

// A drift verdict now needs significance (p <= alpha) and materiality (effect >= threshold). A KS,
// chi-square or z-test monitor's threshold used to be its p-value cut-off: it becomes the monitor's
// alpha, and its threshold falls back to the method's default effect size. Monitors also keep the
// method, threshold and alpha they resolve to, and check runs the alpha and noise floor applied.
export class CalibratedDecisions1764320130000 implements MigrationInterface {
  name = 'CalibratedDecisions1764320130000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE monitors ADD COLUMN alpha double precision`);
    await db.query(`ALTER TABLE monitors ADD COLUMN effective_method text`);
    await db.query(`ALTER TABLE monitors ADD COLUMN effective_threshold double precision`);
    await db.query(`ALTER TABLE monitors ADD COLUMN effective_reason text`);
    await db.query(
      `UPDATE monitors SET alpha = threshold, threshold = NULL
        WHERE kind = 'drift' AND method IN ('ks', 'chi2', 'ztest') AND threshold > 0 AND threshold < 1`,
    );
    // 0.01 is DEFAULT_ALPHA in @assay/stats; written out, since a migration must not move with the code.
    await db.query(`UPDATE monitors SET alpha = 0.01 WHERE kind = 'drift' AND alpha IS NULL`);
    await db.query(`ALTER TABLE check_runs ADD COLUMN alpha double precision`);
    await db.query(`ALTER TABLE check_runs ADD COLUMN noise_floor double precision`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE check_runs DROP COLUMN noise_floor`);
    await db.query(`ALTER TABLE check_runs DROP COLUMN alpha`);
    await db.query(
      `UPDATE monitors SET threshold = alpha WHERE kind = 'drift' AND method IN ('ks', 'chi2', 'ztest') AND alpha IS NOT NULL`,
    );
    await db.query(`ALTER TABLE monitors DROP COLUMN effective_reason`);
    await db.query(`ALTER TABLE monitors DROP COLUMN effective_threshold`);
    await db.query(`ALTER TABLE monitors DROP COLUMN effective_method`);
    await db.query(`ALTER TABLE monitors DROP COLUMN alpha`);
  }
}
