import type { MigrationInterface, QueryRunner } from 'typeorm';

// Sample ids and versions are opaque strings compared for equality and kept in B-tree keys: byte
// order ("C") spares every index insert and lookup the database's linguistic collation, which is
// what most of a sample insert's key comparisons cost under en_US.UTF-8 and the like. Equality is
// the same under both; only the order of these keys (never shown) changes. Indexes are rebuilt,
// the table is not rewritten.
export class SampleKeysCollateC1764320060000 implements MigrationInterface {
  name = 'SampleKeysCollateC1764320060000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE samples
        ALTER COLUMN version TYPE text COLLATE "C",
        ALTER COLUMN trace_id TYPE text COLLATE "C",
        ALTER COLUMN span_id TYPE text COLLATE "C",
        ALTER COLUMN parent_span_id TYPE text COLLATE "C",
        ALTER COLUMN response_id TYPE text COLLATE "C"`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE samples
        ALTER COLUMN version TYPE text COLLATE "default",
        ALTER COLUMN trace_id TYPE text COLLATE "default",
        ALTER COLUMN span_id TYPE text COLLATE "default",
        ALTER COLUMN parent_span_id TYPE text COLLATE "default",
        ALTER COLUMN response_id TYPE text COLLATE "default"`);
  }
}
