import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, LedgerRepository, runMigrations } from '@assay/db';
import { LedgerKind, LedgerService, type LedgerRecord } from '@assay/ledger';

export interface LedgerDatabase {
  url: string;
  name: string;
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

// A database of its own, migrated: the ledger is global, so tests that count its rows cannot share
// the run's database with tests appending concurrently. Named after the run's database, so the
// runner drops it even when a test dies before `drop()`.
export async function createLedgerDatabase(label: string): Promise<LedgerDatabase> {
  const runDatabase = new URL(process.env.DATABASE_URL ?? '').pathname.slice(1) || 'assay_test';
  const name = `${runDatabase}_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(adminUrl(), name);
  const dataSource = createDataSource(url, 4);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    url,
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

export function ledgerServiceOn(dataSource: DataSource): LedgerService {
  return new LedgerService(new LedgerRepository(dataSource));
}

export function sampleRecord(i: number, projectId: string | null = null): LedgerRecord {
  return { kind: LedgerKind.CheckRun, projectId, subject: `check-run/${i}`, body: { i, verdict: i % 3 === 0 ? 'drift' : 'ok' } };
}
