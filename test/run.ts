import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres } from '@assay/db';
import { resolveRedis } from '@assay/queue';
import { prepareTestDatabase } from './support/database-roles.js';

type Tier = 'unit' | 'integration' | 'e2e';
const TIERS: Record<Tier, { roots: string[]; suffix: string }> = {
  unit: { roots: ['dist/libs', 'dist/apps'], suffix: '.spec.js' },
  integration: { roots: ['dist/test/integration'], suffix: '.int-spec.js' },
  e2e: { roots: ['dist/test/e2e'], suffix: '.e2e-spec.js' },
};

function findFiles(root: string, suffix: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, command)));
}

// The test command sets up what it needs on a fresh Debian machine: a local Redis when none runs,
// Chromium for the report page test, curl and jq for the README walkthrough, promtool and Alertmanager
// for the Prometheus tests. Elsewhere (no root, no apt) it goes on, and the tests say what is missing.
function ensureSystemPackages(): void {
  const wanted = [
    { binary: 'redis-server', pkg: 'redis-server', recommends: true },
    { binary: 'chromium', pkg: 'chromium', recommends: true },
    { binary: 'curl', pkg: 'curl', recommends: true },
    { binary: 'jq', pkg: 'jq', recommends: true },
    // Without their recommends (node exporter, SMART tools and the like), which the tests do not use.
    { binary: 'promtool', pkg: 'prometheus', recommends: false },
    { binary: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager', recommends: false },
  ].filter((w) => !onPath(w.binary));
  if (wanted.length === 0 || process.getuid?.() !== 0 || !onPath('apt-get')) return;
  process.stdout.write(`# installing ${wanted.map((w) => w.pkg).join(', ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  for (const recommends of [true, false]) {
    const pkgs = wanted.filter((w) => w.recommends === recommends).map((w) => w.pkg);
    if (pkgs.length === 0) continue;
    spawnSync('apt-get', ['install', '-y', '-qq', ...(recommends ? [] : ['--no-install-recommends']), ...pkgs], { stdio: 'ignore', env });
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// A server the test run may create and drop databases on: the one named by TEST_DATABASE_URL, the
// machine's PostgreSQL on 5432, or else an embedded one.
async function resolvePostgresAdmin(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const candidates = [process.env.TEST_DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter(
    (u): u is string => Boolean(u),
  );
  for (const url of candidates) if (await canConnect(url)) return { adminUrl: url, stop: async () => undefined };
  process.stdout.write('# no PostgreSQL on 127.0.0.1:5432; starting an embedded one for the tests\n');
  const embedded = await startEmbeddedPostgres(path.resolve('.assay/test'), 54339, () => undefined);
  const adminUrl = embedded.url.replace(/\/assay$/, '/postgres');
  return { adminUrl, stop: embedded.stop };
}

async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  const arg = process.argv[2] ?? 'all';
  const tiers: Tier[] = arg === 'all' ? ['unit', 'integration', 'e2e'] : [arg as Tier];
  if (!tiers.every((t) => t in TIERS)) {
    process.stderr.write(`usage: run.js [unit|integration|e2e|all] [path-fragment...] (got "${arg}")\n`);
    return 2;
  }
  const filters = process.argv.slice(3);
  const files = tiers
    .flatMap((t) => TIERS[t].roots.flatMap((root) => findFiles(root, TIERS[t].suffix)))
    .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
  if (files.length === 0) {
    process.stderr.write('no test files found; run the build first\n');
    return 1;
  }
  const needsServices = tiers.some((t) => t !== 'unit');
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASSAY_TEST_RUN: runId,
    ASSAY_TEST_ADMIN_KEY: process.env.ASSAY_TEST_ADMIN_KEY ?? `assay_admin_test_${randomBytes(24).toString('base64url')}`,
  };
  let cleanup: () => Promise<void> = async () => undefined;
  if (needsServices) {
    ensureSystemPackages();
    const postgres = await resolvePostgresAdmin();
    const database = `assay_test_${runId}`;
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    // Migrated as the owner role; the tests and the apps they boot connect as the application role.
    const { appUrl: databaseUrl } = await prepareTestDatabase(postgres.adminUrl, database);
    // Each Assay a test boots gets a copy of this migrated database, so that test files behave as separate
    // deployments; copying a template is much faster than migrating again.
    const template = `${database}_template`;
    const templating = new pg.Client({ connectionString: postgres.adminUrl });
    await templating.connect();
    await templating.query(`CREATE DATABASE ${template} TEMPLATE ${database}`);
    await templating.end();
    const redis = await resolveRedis(
      { url: process.env.REDIS_URL ?? null, autoStart: true, dataDir: path.resolve('.assay') },
      (m) => process.stdout.write(`# ${m}\n`),
    );
    const prefix = `assay-test-${runId}`;
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      ASSAY_TEST_PG_ADMIN_URL: postgres.adminUrl,
      ASSAY_TEST_TEMPLATE_DB: template,
      REDIS_URL: redis.url,
      ASSAY_QUEUE_PREFIX: prefix,
    });
    process.stdout.write(`# test database ${database}, Redis prefix ${prefix}\n`);
    cleanup = async () => {
      const client = new pg.Client({ connectionString: postgres.adminUrl });
      await client.connect();
      const leftovers = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${database}%`],
      );
      for (const row of leftovers.rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      await client.end();
      await clearRedisPrefix(redis.url, prefix);
      await postgres.stop();
    };
  }
  const concurrency = process.env.ASSAY_TEST_CONCURRENCY ?? '3';
  // A test that hangs fails after this long instead of holding the whole run.
  const timeout = process.env.ASSAY_TEST_TIMEOUT_MS ?? '240000';
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeout}`, ...files], {
    env,
    stdio: 'inherit',
  });
  // A test file whose process never exits (an open handle) would otherwise hold the run until CI kills it.
  const runLimitMs = Number(process.env.ASSAY_TEST_RUN_LIMIT_MS ?? 20 * 60_000);
  const watchdog = setTimeout(() => {
    process.stderr.write(`# the test run exceeded ${runLimitMs / 60_000} minutes; stopping it\n`);
    child.kill('SIGKILL');
  }, runLimitMs);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  clearTimeout(watchdog);
  await cleanup().catch((error: Error) => process.stderr.write(`# cleanup failed: ${error.message}\n`));
  return code;
}

process.exitCode = await main();
