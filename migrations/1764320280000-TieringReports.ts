import type { MigrationInterface, QueryRunner } from 'typeorm';

// A tiering report covers a whole project, not one model: reports gain a kind and the parameters the
// report was asked with (margin, alpha), and lose the required model. A vendor-dependency alert is about
// the project's provider mix: it has no model, monitor or check run behind it.
export class TieringReports1764320280000 implements MigrationInterface {
  name = 'TieringReports1764320280000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE reports ADD COLUMN kind text NOT NULL DEFAULT 'audit' CHECK (kind IN ('audit', 'tiering'))`);
    await db.query(`ALTER TABLE reports ADD COLUMN parameters jsonb`);
    await db.query(`ALTER TABLE reports ALTER COLUMN model_id DROP NOT NULL`);
    await db.query(`ALTER TABLE reports ADD CONSTRAINT reports_model_of_kind CHECK ((kind = 'audit') = (model_id IS NOT NULL))`);
    await db.query(`CREATE INDEX reports_project_kind_time_idx ON reports (project_id, kind, created_at DESC)`);
    await db.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check`);
    await db.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('drift', 'policy', 'vendor'))`);
    for (const column of ['model_id', 'monitor_id', 'first_check_run_id', 'last_check_run_id']) {
      await db.query(`ALTER TABLE alerts ALTER COLUMN ${column} DROP NOT NULL`);
    }
    await db.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_source_of_kind CHECK ((kind = 'vendor') = (monitor_id IS NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM alerts WHERE kind = 'vendor'`);
    await db.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_source_of_kind`);
    for (const column of ['model_id', 'monitor_id', 'first_check_run_id', 'last_check_run_id']) {
      await db.query(`ALTER TABLE alerts ALTER COLUMN ${column} SET NOT NULL`);
    }
    await db.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check`);
    await db.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('drift', 'policy'))`);
    await db.query(`DELETE FROM reports WHERE kind = 'tiering'`);
    await db.query(`DROP INDEX reports_project_kind_time_idx`);
    await db.query(`ALTER TABLE reports DROP CONSTRAINT reports_model_of_kind`);
    await db.query(`ALTER TABLE reports ALTER COLUMN model_id SET NOT NULL`);
    await db.query(`ALTER TABLE reports DROP COLUMN parameters`);
    await db.query(`ALTER TABLE reports DROP COLUMN kind`);
  }
}
