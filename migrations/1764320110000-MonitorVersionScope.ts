import type { MigrationInterface, QueryRunner } from 'typeorm';

// Which versions' traffic a monitor or policy judges: the production version (the default for new
// ones, so that a candidate's shadow traffic does not fire production's alerts), all traffic, or a
// list. Monitors created before kept what they were created with: one version, or all traffic.
export class MonitorVersionScope1764320110000 implements MigrationInterface {
  name = 'MonitorVersionScope1764320110000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE monitors ADD COLUMN version_scope text NOT NULL DEFAULT 'production',
                                      ADD COLUMN versions text[]`);
    await db.query(`UPDATE monitors SET version_scope = CASE WHEN version IS NULL THEN 'all' ELSE 'list' END,
                                        versions = CASE WHEN version IS NULL THEN NULL ELSE ARRAY[version] END`);
    await db.query(`ALTER TABLE monitors DROP COLUMN version`);
    await db.query(`ALTER TABLE monitors ADD CONSTRAINT monitors_version_scope_check CHECK (
      (version_scope IN ('production', 'all') AND versions IS NULL)
      OR (version_scope = 'list' AND cardinality(versions) BETWEEN 1 AND 20 AND array_position(versions, NULL) IS NULL))`);
    await db.query(`ALTER TABLE check_runs ADD COLUMN version_scope text, ADD COLUMN versions text[]`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE check_runs DROP COLUMN versions, DROP COLUMN version_scope`);
    await db.query(`ALTER TABLE monitors ADD COLUMN version text`);
    await db.query(`UPDATE monitors SET version = versions[1] WHERE version_scope = 'list'`);
    await db.query(`ALTER TABLE monitors DROP CONSTRAINT monitors_version_scope_check, DROP COLUMN versions, DROP COLUMN version_scope`);
  }
}
