import { LEDGER_OWNER_ROLE } from '@assay/migrations';
import pg from 'pg';
import { scramSha256Verifier } from './scram-verifier.js';

/**
 * The roles a production database runs Assay with. The owner runs the migrations and owns the schema;
 * the application role (API, ingest, worker) reads and writes rows and cannot change the schema or
 * rewrite the ledger, whose tables the migrations hand to the NOLOGIN role assay_ledger_owner.
 */
export interface DatabaseRoles {
  owner: string;
  app: string;
  /** Set (as a SCRAM verifier) when given; a role created without one logs in only by trust, peer or certificate. */
  ownerPassword?: string | null;
  appPassword?: string | null;
}

export const DEFAULT_DATABASE_ROLES = { owner: 'assay_owner', app: 'assay_app' } as const;

export class DatabaseBootstrapError extends Error {}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SCHEMA = 'public';

export function validateDatabaseRoles(roles: DatabaseRoles): void {
  for (const [what, name] of [['owner', roles.owner], ['application', roles.app]] as const) {
    if (!ROLE_NAME.test(name)) {
      throw new DatabaseBootstrapError(`the ${what} role "${name}" must be 1-63 lower-case letters, digits or "_", not starting with a digit`);
    }
    if (name === LEDGER_OWNER_ROLE || name.startsWith('pg_')) {
      throw new DatabaseBootstrapError(`the ${what} role may not be named "${name}"`);
    }
  }
  if (roles.owner === roles.app) {
    throw new DatabaseBootstrapError('the owner and application roles must differ: the application role must not be able to change the schema');
  }
}

function passwordClause(password: string | null | undefined): string {
  if (password === undefined || password === null) return '';
  try {
    return ` PASSWORD '${scramSha256Verifier(password)}'`;
  } catch (error) {
    throw new DatabaseBootstrapError((error as Error).message);
  }
}

// Concurrent bootstraps of two databases on one server race on the cluster-wide roles.
function createRoleIfMissing(name: string, attributes: string): string {
  return `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN
    CREATE ROLE ${name} ${attributes};
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`;
}

/**
 * What a superuser runs, once per database (roles belong to the cluster, grants and default privileges
 * to the database), before the first migration. Safe to run again: it only adds what is missing,
 * and sets the passwords it is given.
 */
export function databaseBootstrapStatements(roles: DatabaseRoles): string[] {
  validateDatabaseRoles(roles);
  const { owner, app } = roles;
  const ledger = LEDGER_OWNER_ROLE;
  return [
    createRoleIfMissing(ledger, 'NOLOGIN'),
    createRoleIfMissing(owner, 'LOGIN'),
    createRoleIfMissing(app, 'LOGIN'),
    `ALTER ROLE ${owner} LOGIN${passwordClause(roles.ownerPassword)}`,
    `ALTER ROLE ${app} LOGIN${passwordClause(roles.appPassword)}`,
    // A superuser bypasses every privilege; a role that may create roles could, on PostgreSQL 15,
    // grant itself the ledger's owner; a member of either owner may act as it.
    `DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${app}' AND (rolsuper OR rolcreaterole)) THEN
    RAISE EXCEPTION 'the application role ${app} is a superuser or may create roles, so it could rewrite the ledger';
  END IF;
  IF pg_has_role('${app}', '${owner}', 'MEMBER') OR pg_has_role('${app}', '${ledger}', 'MEMBER') THEN
    RAISE EXCEPTION 'the application role ${app} is a member of ${owner} or ${ledger}, so it could change the schema or the ledger';
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${ledger}' AND rolcanlogin) THEN
    ALTER ROLE ${ledger} NOLOGIN;
  END IF;
END $$`,
    // The migrations hand the ledger's tables and functions over to its owner (ALTER ... OWNER TO, which
    // PostgreSQL 16+ allows to those who may SET ROLE to it, 15 to its members).
    `GRANT ${ledger} TO ${owner}`,
    // PostgreSQL 15+ creates public without CREATE for PUBLIC; older ones grant it to every role.
    `REVOKE CREATE ON SCHEMA ${SCHEMA} FROM PUBLIC`,
    // The new owner of a table must hold CREATE on its schema, even a NOLOGIN one.
    `GRANT USAGE, CREATE ON SCHEMA ${SCHEMA} TO ${owner}, ${ledger}`,
    `GRANT USAGE ON SCHEMA ${SCHEMA} TO ${app}`,
    `DO $$ BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${owner}, ${app}', current_database());
END $$`,
    // Creating an extension, even a trusted one, takes CREATE on the database, which the owner does not get.
    `CREATE EXTENSION IF NOT EXISTS pgcrypto`,
    // Whatever the owner creates, the application may use; the ledger migration takes back all but
    // SELECT and INSERT on the ledger's tables.
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${SCHEMA} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${SCHEMA} GRANT EXECUTE ON FUNCTIONS TO ${app}`,
  ];
}

/** The statements as a script for psql (`psql -v ON_ERROR_STOP=1 -f`), in one transaction. */
export function databaseBootstrapScript(roles: DatabaseRoles): string {
  const statements = databaseBootstrapStatements(roles);
  return [
    `-- Assay: roles and grants for its migrations (as ${roles.owner}) and its apps (as ${roles.app}).`,
    '-- Run as a superuser, connected to the database Assay will use, before the first migration.',
    'BEGIN;',
    ...statements.map((s) => `${s};`),
    'COMMIT;',
    '',
  ].join('\n');
}

/**
 * Runs the bootstrap on the database `superuserUrl` names, all or nothing. A superuser can run all of it;
 * a managed service's administrator role (which is not one) may get as far as its privileges allow.
 */
export async function bootstrapDatabase(superuserUrl: string, roles: DatabaseRoles): Promise<void> {
  const statements = databaseBootstrapStatements(roles);
  const client = new pg.Client({ connectionString: superuserUrl, application_name: 'assay db bootstrap' });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const statement of statements) {
      try {
        await client.query(statement);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const what = (statement.startsWith('DO $$') ? statement.split('\n')[1]!.trim() : statement).replace(/ PASSWORD '[^']*'/, " PASSWORD '…'");
        throw new DatabaseBootstrapError(`${(error as Error).message} (at: ${what}); nothing was changed`);
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}
