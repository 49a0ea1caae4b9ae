import type { MigrationInterface, QueryRunner } from 'typeorm';

// An alert keeps the ledger index of its latest transition, so that an audit report can bundle the
// entry that proves how the alert ended. Alerts from before take it from the ledger, in one pass.
export class AlertLedgerIndex1764320080000 implements MigrationInterface {
  name = 'AlertLedgerIndex1764320080000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alerts ADD COLUMN ledger_index bigint`);
    await db.query(`
      UPDATE alerts a SET ledger_index = latest.idx
        FROM (SELECT substring(subject FROM 7) AS id, max(idx) AS idx
                FROM ledger_entries WHERE subject LIKE 'alert/%' GROUP BY 1) latest
       WHERE latest.id = a.id::text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alerts DROP COLUMN ledger_index`);
  }
}
