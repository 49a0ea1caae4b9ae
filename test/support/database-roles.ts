import pg from 'pg';
import { bootstrapDatabase, createDataSource, runMigrations, type DatabaseRoles } from '@assay/db';

// Every test database is prepared as README's "Database roles" tells a DBA to: bootstrapped by a superuser,
// migrated as the owner role, used by Assay as the application role, so that every test shows Assay working
// without superuser rights. Roles belong to the cluster: every run on one server shares these two. Their
// passwords matter only where the server asks for one (the embedded fallback does).
export const TEST_DB_ROLES = {
  owner: 'assay_test_owner',
  app: 'assay_test_app',
  ownerPassword: 'assay-test-owner-password',
  appPassword: 'assay-test-app-password',
} as const satisfies DatabaseRoles;

export type TestDbRole = 'owner' | 'app';

/** `url` (any database, any user) connecting as the test owner or application role instead. */
export function urlAs(url: string, role: TestDbRole): string {
  const parsed = new URL(url);
  parsed.username = TEST_DB_ROLES[role];
  parsed.password = role === 'owner' ? TEST_DB_ROLES.ownerPassword : TEST_DB_ROLES.appPassword;
  return parsed.toString();
}

function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

// Held on the server's maintenance database (advisory locks are per database) while bootstrapping: two
// bootstraps at once, of this run or another, would race on the shared roles' catalog rows.
const BOOTSTRAP_LOCK = 0x61737362;

/** Runs `work` (something that alters the shared roles) while no other test bootstrap does. */
export async function withBootstrapLock<T>(adminUrl: string, work: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: adminUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
    return await work();
  } finally {
    await lock.end();
  }
}

/** Bootstraps the (new, empty) `database` as the superuser of `adminUrl`, then migrates it as the owner role. */
export async function prepareTestDatabase(adminUrl: string, database: string): Promise<{ appUrl: string; ownerUrl: string }> {
  await withBootstrapLock(adminUrl, () => bootstrapDatabase(withDatabaseName(adminUrl, database), TEST_DB_ROLES));
  const ownerUrl = urlAs(withDatabaseName(adminUrl, database), 'owner');
  const dataSource = createDataSource(ownerUrl, 2);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return { appUrl: urlAs(withDatabaseName(adminUrl, database), 'app'), ownerUrl };
}
