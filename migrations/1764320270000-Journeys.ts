import type { MigrationInterface, QueryRunner } from 'typeorm';

// Journeys (issue 24): the product step each inference serves, stored with every sample and counted
// for every seen span. The counters carry no foreign keys, as sample_counts and unmatched_spans do
// not: they are written on the ingest's hot path and swept by retention with them.
export class Journeys1764320270000 implements MigrationInterface {
  name = 'Journeys1764320270000';

  async up(db: QueryRunner): Promise<void> {
    // A constant default is stored in the catalogue: no partition is rewritten.
    await db.query(`ALTER TABLE samples ADD COLUMN journey text NOT NULL DEFAULT '(none)'`);
    await db.query(`
      CREATE TABLE journey_counts (
        project_id uuid NOT NULL,
        model_id uuid NOT NULL,
        version text NOT NULL,
        journey text NOT NULL,
        minute timestamptz NOT NULL,
        seen bigint NOT NULL CHECK (seen >= 0),
        sampled bigint NOT NULL CHECK (sampled >= 0),
        PRIMARY KEY (model_id, version, journey, minute)
      )`);
    await db.query(`CREATE INDEX journey_counts_project_minute_idx ON journey_counts (project_id, minute)`);
    // The cardinality registry: a project's first journeyLimit names; later ones count as '(other)'.
    await db.query(`
      CREATE TABLE project_journeys (
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        journey text NOT NULL,
        first_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, journey)
      )`);
    await db.query(`
      CREATE TABLE journey_overflow (
        project_id uuid NOT NULL,
        minute timestamptz NOT NULL,
        count bigint NOT NULL CHECK (count >= 0),
        PRIMARY KEY (project_id, minute)
      )`);
    // A HyperLogLog of the hashes of the normalised input of every seen call: 2^14 one-byte
    // registers (libs/db journey-input-sketch.ts reads them), never the text.
    await db.query(`
      CREATE TABLE journey_input_sketches (
        project_id uuid NOT NULL,
        journey text NOT NULL,
        hour timestamptz NOT NULL,
        calls_with_input bigint NOT NULL CHECK (calls_with_input >= 0),
        sketch bytea NOT NULL,
        PRIMARY KEY (project_id, journey, hour)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE journey_input_sketches`);
    await db.query(`DROP TABLE journey_overflow`);
    await db.query(`DROP TABLE project_journeys`);
    await db.query(`DROP TABLE journey_counts`);
    await db.query(`ALTER TABLE samples DROP COLUMN journey`);
  }
}
