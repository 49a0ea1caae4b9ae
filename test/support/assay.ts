import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Type } from '@nestjs/common';
import { loadConfig } from '@assay/config';
import { createRootLogger, startAssay, type AppFactory, type AppName, type RunningAssay } from '@assay/common';
import { createApiApp } from '@assay/api';
import { createIngestApp } from '@assay/ingest';
import { createWorkerApp } from '@assay/worker';
import { urlAs } from './database-roles.js';

export interface TestAssay {
  running: RunningAssay;
  databaseUrl: string;
  /** The BullMQ and Redis key prefix: an app started with it and the same database is a replica of this deployment. */
  queuePrefix: string;
  apiUrl: string;
  ingestUrl: string;
  workerUrl: string;
  adminKey: string;
  logs: string[];
  close(): Promise<void>;
}

export interface TestAssayOptions {
  apps?: AppName[];
  env?: Record<string, string | undefined>;
  processors?: Type[];
}

export function testAdminKey(): string {
  const key = process.env.ASSAY_TEST_ADMIN_KEY;
  if (!key) throw new Error('run the tests through `npm test` (dist/test/run.js), which prepares the services');
  return key;
}

// A fresh, migrated database copied from the run's template, so that each booted Assay is a deployment
// of its own: its workers schedule only its monitors, its queues carry only its jobs. Its URL connects as
// the application role, as Assay runs in production.
export async function createInstanceDatabase(): Promise<string> {
  const adminUrl = process.env.ASSAY_TEST_PG_ADMIN_URL;
  const template = process.env.ASSAY_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('run the tests through `npm test` (dist/test/run.js), which prepares the services');
  const name = `${template.replace(/_template$/, '')}_i${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return urlAs(url.toString(), 'app');
}

// Boots the real apps in this process on a database and queue prefix of their own, on free ports.
export async function startTestAssay(options: TestAssayOptions = {}): Promise<TestAssay> {
  const databaseUrl = options.env?.DATABASE_URL ?? (await createInstanceDatabase());
  const env = {
    ...process.env,
    ASSAY_API_PORT: '0',
    ASSAY_INGEST_PORT: '0',
    ASSAY_WORKER_PORT: '0',
    ASSAY_ADMIN_KEY: testAdminKey(),
    ASSAY_LOG_LEVEL: process.env.ASSAY_TEST_LOG_LEVEL ?? 'info',
    ASSAY_WEBHOOK_ALLOW: '127.0.0.1,localhost,::1',
    ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX ?? 'assay-test'}-${randomBytes(3).toString('hex')}`,
    ...options.env,
    DATABASE_URL: databaseUrl,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createRootLogger(config.log.level, sink);
  const all: Record<AppName, AppFactory> = {
    api: createApiApp,
    ingest: createIngestApp,
    worker: (runtime) => createWorkerApp(runtime, options.processors),
  };
  const names = options.apps ?? ['api', 'ingest', 'worker'];
  const running = await startAssay(Object.fromEntries(names.map((n) => [n, all[n]])), config, logger, {
    announce: (m) => logs.push(m),
  });
  const url = (name: AppName): string => (running.ports[name] ? `http://127.0.0.1:${running.ports[name]}` : '');
  return {
    running,
    databaseUrl,
    queuePrefix: config.queue.prefix,
    apiUrl: url('api'),
    ingestUrl: url('ingest'),
    workerUrl: url('worker'),
    adminKey: config.auth.adminKey!,
    logs,
    close: () => running.close(),
  };
}
