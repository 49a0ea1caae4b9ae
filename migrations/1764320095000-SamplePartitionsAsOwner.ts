import type { MigrationInterface, QueryRunner } from 'typeorm';

// Creating a partition of samples, or dropping one, takes ownership of samples, which the application
// role does not have where it is not the migrating role: the ingest and retention do both through
// these functions, which run as the schema's owner and touch nothing but daily partitions of samples.
export class SamplePartitionsAsOwner1764320095000 implements MigrationInterface {
  name = 'SamplePartitionsAsOwner1764320095000';

  async up(db: QueryRunner): Promise<void> {
    // As the Models migration had it, but with every name qualified: a definer's search path puts
    // pg_catalog first, where an unqualified CREATE TABLE would go.
    await db.query(`
      CREATE OR REPLACE FUNCTION ensure_sample_partition(day date) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        part text := 'samples_' || to_char(day, 'YYYYMMDD');
      BEGIN
        IF to_regclass(format('public.%I', part)) IS NOT NULL THEN
          RETURN;
        END IF;
        BEGIN
          EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.samples FOR VALUES FROM (%L) TO (%L)',
            part, day::text || ' 00:00:00+00', (day + 1)::text || ' 00:00:00+00');
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
          NULL;
        END;
      END $$`);
    await db.query(`
      CREATE FUNCTION drop_sample_partition(part text) RETURNS boolean
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      BEGIN
        IF part IS NULL OR part !~ '^samples_[0-9]{8}$' THEN
          RAISE EXCEPTION 'drop_sample_partition: % is not the name of a daily samples partition', part
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                        WHERE i.inhparent = 'public.samples'::regclass AND c.relname = part
                          AND c.relnamespace = 'public'::regnamespace) THEN
          RETURN false;
        END IF;
        EXECUTE format('DROP TABLE public.%I', part);
        RETURN true;
      END $$`);
    // Those the schema owner's default privileges name (the application role) keep EXECUTE.
    await db.query(`REVOKE ALL ON FUNCTION ensure_sample_partition(date) FROM PUBLIC`);
    await db.query(`REVOKE ALL ON FUNCTION drop_sample_partition(text) FROM PUBLIC`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION drop_sample_partition(text)`);
    await db.query(`ALTER FUNCTION ensure_sample_partition(date) SECURITY INVOKER RESET search_path`);
    await db.query(`GRANT EXECUTE ON FUNCTION ensure_sample_partition(date) TO PUBLIC`);
  }
}
