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
  // (non-superuser) role, which keeps SELECT, INSERT on checkpoints and the append functions. A
  // superuser can still do anything.
  // Written for PostgreSQL 15+ (public without CREATE for PUBLIC) and 16+ (CREATEROLE no longer grants
  // any role; ALTER ... OWNER TO wants the SET option on the new owner). Changed after release: a
  // database that ran it keeps what it got, so the change reaches only those where it had failed.
  private async handOverToOwnerRole(db: QueryRunner): Promise<void> {
    await this.keepOnlyAppending(db);
    const [me] = (await db.query(
      `SELECT current_user AS name, r.rolsuper AS superuser, r.rolcreaterole AS create_role, current_schema() AS schema,
              current_setting('server_version_num')::int >= 160000 AS pg16,
              o.oid IS NOT NULL AS owner_exists,
              o.oid IS NOT NULL AND pg_has_role(current_user, o.oid,
                CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) AS can_set_owner,
              o.oid IS NOT NULL AND pg_has_role(current_user, o.oid, 'MEMBER WITH ADMIN OPTION') AS admin_of_owner,
              o.oid IS NOT NULL AND has_schema_privilege(o.oid, current_schema(), 'CREATE') AS owner_may_create,
              has_schema_privilege(current_user, current_schema(), 'CREATE WITH GRANT OPTION') AS may_grant_create
         FROM pg_roles r LEFT JOIN pg_roles o ON o.rolname = $1
        WHERE r.rolname = current_user`,
      [LEDGER_OWNER_ROLE],
    )) as Array<HandoverFacts>;
    const plan = planHandover(me!);
    if (plan.kind === 'keep') {
      process.stderr.write(
        `assay migrate: ${plan.reason}, so the ledger tables stay owned by ${me!.name}; their append-only triggers hold, ` +
          `but ${me!.name} could drop them. Run \`assay db bootstrap\` as a superuser once (README: Database roles) ` +
          `and migrate as the owner role it prepares, to hand the ledger to ${LEDGER_OWNER_ROLE}.\n`,
      );
      return;
    }
    if (plan.createOwner) {
      // Concurrent migrations of two databases on one server race on the cluster-wide role.
      await db.query(`
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${LEDGER_OWNER_ROLE}') THEN
            CREATE ROLE ${LEDGER_OWNER_ROLE} NOLOGIN;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
    }
    if (plan.joinOwner) await db.query(`GRANT ${LEDGER_OWNER_ROLE} TO CURRENT_USER`);
    if (plan.grantSchemaCreate) await db.query(`GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(me!.schema)} TO ${LEDGER_OWNER_ROLE}`);
    for (const table of LEDGER_TABLES) await db.query(`ALTER TABLE ${table} OWNER TO ${LEDGER_OWNER_ROLE}`);
    for (const fn of LEDGER_FUNCTIONS) await db.query(`ALTER FUNCTION ${fn} OWNER TO ${LEDGER_OWNER_ROLE}`);
    // As the new owner, so that a member without INHERIT may grant too.
    const grantee = quoteIdent(me!.name);
    if (!me!.superuser) await db.query(`SET ROLE ${LEDGER_OWNER_ROLE}`);
    try {
      for (const fn of LEDGER_FUNCTIONS.slice(2)) await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${grantee}`);
      await db.query(`GRANT SELECT ON ${LEDGER_TABLES.join(', ')} TO ${grantee}`);
      await db.query(`GRANT INSERT ON ledger_checkpoints TO ${grantee}`);
    } finally {
      if (!me!.superuser) await db.query(`RESET ROLE`);
    }
    if (plan.joinOwner) await db.query(`REVOKE ${LEDGER_OWNER_ROLE} FROM CURRENT_USER`);
  }

  // Roles given more by default privileges (the application role, through the bootstrap's) keep SELECT,
  // and INSERT on the checkpoints the worker signs: entries and nodes are written by ledger_append only,
  // so that nobody plants an entry at an index the log has not reached. The append functions run for
  // those granted them, not PUBLIC. Done while the migrating user still owns the tables: a change of
  // owner keeps the ACLs.
  private async keepOnlyAppending(db: QueryRunner): Promise<void> {
    const grants = (await db.query(
      `SELECT c.relname AS table, a.privilege_type AS privilege,
              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.rolname) END AS grantee
         FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee
        WHERE c.oid = ANY (ARRAY[${LEDGER_TABLES.map((t) => `'${t}'`).join(', ')}]::regclass[]) AND a.grantee <> c.relowner`,
    )) as Array<{ table: string; privilege: string; grantee: string }>;
    for (const { table, privilege, grantee } of grants) {
      const allowed = table === 'ledger_checkpoints' ? ['SELECT', 'INSERT'] : ['SELECT'];
      if (!allowed.includes(privilege)) await db.query(`REVOKE ${privilege} ON ${table} FROM ${grantee}`);
    }
    for (const fn of LEDGER_FUNCTIONS.slice(2)) await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS ledger_append(text, uuid, text, text, bytea)`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_append_many(text[], uuid[], text[], text[], bytea[])`);
    await db.query(`DROP TABLE IF EXISTS signing_keys, ledger_checkpoints, ledger_head, ledger_nodes, ledger_entries`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_head_only_grows()`);
    await db.query(`DROP FUNCTION IF EXISTS ledger_refuse_change()`);
  }
}

interface HandoverFacts {
  name: string;
  superuser: boolean;
  create_role: boolean;
  schema: string;
  pg16: boolean;
  owner_exists: boolean;
  can_set_owner: boolean;
  admin_of_owner: boolean;
  owner_may_create: boolean;
  may_grant_create: boolean;
}

type Handover =
  | { kind: 'hand-over'; createOwner: boolean; joinOwner: boolean; grantSchemaCreate: boolean }
  | { kind: 'keep'; reason: string };

function planHandover(me: HandoverFacts): Handover {
  if (me.superuser) return { kind: 'hand-over', createOwner: !me.owner_exists, joinOwner: false, grantSchemaCreate: false };
  if (!me.owner_exists && !me.create_role) return { kind: 'keep', reason: `${LEDGER_OWNER_ROLE} does not exist and ${me.name} may not create roles` };
  // 15 lets CREATEROLE grant any non-superuser role; 16+ only roles it holds ADMIN OPTION on, which it
  // gets on the roles it creates.
  const mayJoin = me.create_role && (!me.owner_exists || !me.pg16 || me.admin_of_owner);
  const joinOwner = !me.can_set_owner;
  if (joinOwner && !mayJoin) return { kind: 'keep', reason: `${me.name} may not act as ${LEDGER_OWNER_ROLE} nor grant itself that role` };
  const grantSchemaCreate = !me.owner_may_create;
  if (grantSchemaCreate && !me.may_grant_create) {
    return { kind: 'keep', reason: `${LEDGER_OWNER_ROLE} lacks CREATE on schema ${me.schema}, which ${me.name} may not grant it` };
  }
  return { kind: 'hand-over', createOwner: !me.owner_exists, joinOwner, grantSchemaCreate };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
