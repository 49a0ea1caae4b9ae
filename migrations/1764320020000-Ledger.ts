import type { MigrationInterface, QueryRunner } from 'typeorm';

// The provenance ledger: an append-only RFC 6962 log whose perfect subtrees are stored as they
// complete, so proofs and roots read O(log n) rows and never rehash the log.
export const LEDGER_OWNER_ROLE = 'assay_ledger_owner';

const APPEND_ONLY_TABLES = ['ledger_entries', 'ledger_nodes', 'ledger_checkpoints'] as const;
const LEDGER_TABLES = [...APPEND_ONLY_TABLES, 'ledger_head'] as const;
const LEDGER_FUNCTIONS = [
  'ledger_refuse_change()',
  'ledger_head_only_grows()',
  'ledger_append_many(text[], uuid[], text[], text[], bytea[])',
  'ledger_append(text, uuid, text, text, bytea)',
] as const;

export class Ledger1764320020000 implements MigrationInterface {
  name = 'Ledger1764320020000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ledger_entries (
        idx bigint PRIMARY KEY CHECK (idx >= 0),
        kind text NOT NULL,
        project_id uuid,
        subject text NOT NULL,
        entry text NOT NULL,
        leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ledger_entries_project_idx ON ledger_entries (project_id, idx)`);
    await db.query(`
      CREATE TABLE ledger_nodes (
        level smallint NOT NULL CHECK (level >= 0 AND level < 63),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    await db.query(`
      CREATE TABLE ledger_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        size bigint NOT NULL CHECK (size >= 0)
      )`);
    await db.query(`INSERT INTO ledger_head (id, size) VALUES (true, 0)`);
    await db.query(`
      CREATE TABLE ledger_checkpoints (
        tree_size bigint PRIMARY KEY CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        note text NOT NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE signing_keys (
        key_id text PRIMARY KEY,
        algorithm text NOT NULL,
        public_key_pem text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);

    await db.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of APPEND_ONLY_TABLES) {
      await db.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
      await db.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }
    await db.query(`
      CREATE FUNCTION ledger_head_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.size < OLD.size THEN
          RAISE EXCEPTION 'the ledger head only grows' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER ledger_head_grows BEFORE UPDATE OR DELETE ON ledger_head
      FOR EACH ROW EXECUTE FUNCTION ledger_head_only_grows()`);
    await db.query(`CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);

    // The head row lock serialises appenders until commit; a rollback hands the indexes back, so
    // they stay dense. SECURITY DEFINER: the application appends through this function only and
    // needs no UPDATE right on any ledger table.
    await db.query(`
      CREATE FUNCTION ledger_append_many(kinds text[], project_ids uuid[], subjects text[], entries text[], leaf_hashes bytea[])
      RETURNS TABLE (entry_index bigint, entry_leaf_hash bytea)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        n integer := coalesce(array_length(entries, 1), 0);
        first_index bigint;
        node_index bigint;
        node_level smallint;
        node_hash bytea;
        sibling bytea;
      BEGIN
        IF n = 0 THEN RETURN; END IF;
        IF coalesce(array_length(kinds, 1), 0) <> n OR coalesce(array_length(project_ids, 1), 0) <> n
           OR coalesce(array_length(subjects, 1), 0) <> n OR coalesce(array_length(leaf_hashes, 1), 0) <> n THEN
          RAISE EXCEPTION 'ledger_append_many: arrays of different lengths' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR i IN 1..n LOOP
          IF leaf_hashes[i] IS DISTINCT FROM sha256('\\x00'::bytea || convert_to(entries[i], 'UTF8')) THEN
            RAISE EXCEPTION 'ledger_append_many: leaf hash % does not hash its entry', i USING ERRCODE = 'data_exception';
          END IF;
        END LOOP;
        UPDATE ledger_head SET size = size + n WHERE id RETURNING size - n INTO first_index;
        INSERT INTO ledger_entries (idx, kind, project_id, subject, entry, leaf_hash)
          SELECT first_index + u.ord - 1, u.kind, u.project_id, u.subject, u.entry, u.leaf_hash
            FROM unnest(kinds, project_ids, subjects, entries, leaf_hashes) WITH ORDINALITY
                 AS u(kind, project_id, subject, entry, leaf_hash, ord);
        FOR i IN 1..n LOOP
          node_index := first_index + i - 1;
          node_level := 0;
          node_hash := leaf_hashes[i];
          INSERT INTO ledger_nodes (level, idx, hash) VALUES (0, node_index, node_hash);
          WHILE node_index % 2 = 1 LOOP
            SELECT hash INTO STRICT sibling FROM ledger_nodes WHERE level = node_level AND idx = node_index - 1;
            node_hash := sha256('\\x01'::bytea || sibling || node_hash);
            node_index := (node_index - 1) / 2;
            node_level := node_level + 1;
            INSERT INTO ledger_nodes (level, idx, hash) VALUES (node_level, node_index, node_hash);
          END LOOP;
        END LOOP;
        RETURN QUERY SELECT first_index + u.ord - 1, u.leaf_hash FROM unnest(leaf_hashes) WITH ORDINALITY AS u(leaf_hash, ord);
      END $$`);
    await db.query(`
      CREATE FUNCTION ledger_append(kind text, project_id uuid, subject text, entry text, leaf_hash bytea)
      RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        SELECT entry_index FROM ledger_append_many(ARRAY[kind], ARRAY[project_id], ARRAY[subject], ARRAY[entry], ARRAY[leaf_hash])
      $$`);

    await this.handOverToOwnerRole(db);
  }

  // Owned by a NOLOGIN role, the tables' triggers cannot be dropped or disabled by the application's
  // (non-superuser) user, which keeps only SELECT and INSERT. A superuser can still do anything.
  private async handOverToOwnerRole(db: QueryRunner): Promise<void> {
    const [me] = (await db.query(
      `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`,
    )) as Array<{ rolsuper: boolean; rolcreaterole: boolean }>;
    if (!me?.rolsuper && !me?.rolcreaterole) {
      process.stderr.write(
        `assay migrate: the database user may not create roles, so the ledger tables stay owned by it; ` +
          `their append-only triggers hold, but that user could drop them. Run the migrations as a user ` +
          `with CREATEROLE to hand the ledger to ${LEDGER_OWNER_ROLE}.\n`,
      );
      return;
    }
    // Concurrent migrations of two databases on one server race on the cluster-wide role.
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${LEDGER_OWNER_ROLE}') THEN
          CREATE ROLE ${LEDGER_OWNER_ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    if (!me.rolsuper) await db.query(`GRANT ${LEDGER_OWNER_ROLE} TO CURRENT_USER`);
    for (const table of LEDGER_TABLES) await db.query(`ALTER TABLE ${table} OWNER TO ${LEDGER_OWNER_ROLE}`);
    for (const fn of LEDGER_FUNCTIONS) {
      await db.query(`ALTER FUNCTION ${fn} OWNER TO ${LEDGER_OWNER_ROLE}`);
    }
    for (const fn of LEDGER_FUNCTIONS.slice(2)) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO CURRENT_USER`);
    }
    await db.query(`GRANT SELECT, INSERT ON ${APPEND_ONLY_TABLES.join(', ')} TO CURRENT_USER`);
    await db.query(`GRANT SELECT ON ledger_head TO CURRENT_USER`);
    if (!me.rolsuper) await db.query(`REVOKE ${LEDGER_OWNER_ROLE} FROM CURRENT_USER`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS ledger_append(text, uuid, text, text, bytea)`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_append_many(text[], uuid[], text[], text[], bytea[])`);
    await db.query(`DROP TABLE IF EXISTS signing_keys, ledger_checkpoints, ledger_head, ledger_nodes, ledger_entries`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_head_only_grows()`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_refuse_change()`);
  }
}
