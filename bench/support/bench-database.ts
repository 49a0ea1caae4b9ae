import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '@assay/config';
import { createDataSource, runMigrations } from '@assay/db';

export const ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ?? process.env.ASSAY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one benchmark run, dropped by `drop()`. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `assay_${label}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const parsed = new URL(ADMIN_URL);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const dataSource = createDataSource(url, 4);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    name,
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy().catch(() => undefined);
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The configuration of an Assay started against a bench database: its own queue prefix, quiet
 * logs, a throwaway admin key, servers on free ports; `overrides` last.
 */
export function benchConfig(database: BenchDatabase, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    DATABASE_URL: database.url,
    ASSAY_API_PORT: '0',
    ASSAY_INGEST_PORT: '0',
    ASSAY_WORKER_PORT: '0',
    ASSAY_QUEUE_PREFIX: `assay-bench-${database.name}`,
    ASSAY_LOG_LEVEL: 'warn',
    ASSAY_ADMIN_KEY: `bench-admin-${randomBytes(16).toString('hex')}`,
    ...overrides,
  });
}
