import type { MigrationInterface, QueryRunner } from 'typeorm';

// Lets the ingest write a whole OTLP request in one autocommitted statement: when the request
// holds spans stored before (a redelivery), the statement calls this and so writes nothing, and
// the ingest takes its slower path that leaves those spans out of counts and profiles.
export class IngestRedeliveryGuard1764320010100 implements MigrationInterface {
  name = 'IngestRedeliveryGuard1764320010100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION ingest_refuse_redelivery() RETURNS integer LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the batch holds spans stored before' USING ERRCODE = 'AS001';
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION ingest_refuse_redelivery()`);
  }
}
