import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@assay/db';
import { prepareTestDatabase } from './database-roles.js';

export interface IsolatedDatabase {
  /** Connects as the application role, as Assay runs in production. */
  url: string;
  /** For what only a superuser may do to a database (tamper with the ledger, inject faults). */
  superuserUrl: string;
  name: string;
  /** On `url`. */
  dataSource: DataSource;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.ASSAY_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('run the tests through dist/test/run.js, which sets ASSAY_TEST_PG_ADMIN_URL');
  return url;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

// A database of its own, migrated, for tests whose processes must not see the rest of the run's data
// (the ledger's global rows, or every project's monitors that a worker schedules). Named after the
// run's database, so the runner drops it even when a test dies before `drop()`.
export async function createIsolatedDatabase(label: string): Promise<IsolatedDatabase> {
  const runDatabase = new URL(process.env.DATABASE_URL ?? '').pathname.slice(1) || 'assay_test';
  const name = `${runDatabase}_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const { appUrl: url } = await prepareTestDatabase(adminUrl(), name);
  const dataSource = createDataSource(url, 4);
  await dataSource.initialize();
  return {
    url,
    superuserUrl: withDatabase(adminUrl(), name),
    name,
    dataSource,
    drop: async () => {
      await dataSource.destroy().catch(() => undefined);
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

