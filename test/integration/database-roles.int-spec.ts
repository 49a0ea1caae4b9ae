import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bootstrapDatabase, createDataSource, runMigrations, startEmbeddedPostgres, type EmbeddedDatabase } from '@assay/db';
import { leafHash } from '@assay/provenance';
import { freePort, seedProject, spawnAssay, startTestAssay, TEST_DB_ROLES, urlAs, withBootstrapLock, withDatabase } from '@assay/testing';

const LEDGER_TABLES = ['ledger_checkpoints', 'ledger_entries', 'ledger_head', 'ledger_nodes'];

function as(url: string, user: string, password?: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password ?? '';
  return parsed.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function migrate(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function ledgerOwners(url: string): Promise<string[]> {
  const rows = await query<{ owner: string }>(
    url,
    `SELECT tablename || ':' || tableowner AS owner FROM pg_tables WHERE tablename = ANY ($1) ORDER BY tablename`,
    [LEDGER_TABLES],
  );
  return rows.map((r) => r.owner);
}

/** What the application role must be refused, with the reason PostgreSQL gives. */
async function assertCannotRewriteTheLedger(appUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    const entry = `{"kind":"check_run","n":"${randomBytes(4).toString('hex')}"}`;
    const appended = await client.query<{ idx: string }>(`SELECT ledger_append('check_run', NULL, 's', $1, $2) AS idx`, [
      entry,
      Buffer.from(leafHash(Buffer.from(entry))),
    ]);
    assert.ok(Number(appended.rows[0]!.idx) >= 0);
    for (const [statement, refusal] of [
      [`UPDATE ledger_entries SET subject = 'x'`, /^permission denied for table ledger_entries$/],
      [`DELETE FROM ledger_nodes`, /^permission denied for table ledger_nodes$/],
      [`TRUNCATE ledger_checkpoints`, /^permission denied for table ledger_checkpoints$/],
      [`UPDATE ledger_head SET size = 0`, /^permission denied for table ledger_head$/],
      [`ALTER TABLE ledger_entries DISABLE TRIGGER ALL`, /^must be owner of table ledger_entries$/],
      [`SET ROLE assay_ledger_owner`, /^permission denied to set role "assay_ledger_owner"$/],
    ] as const) {
      await assert.rejects(client.query(statement), (error: Error) => {
        assert.match(error.message, refusal, statement);
        return true;
      });
    }
    const [{ count }] = (await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM ledger_entries WHERE entry = $1`, [entry])).rows;
    assert.equal(count, 1);
  } finally {
    await client.end();
  }
}

describe('database roles', () => {
  const adminUrl = process.env.ASSAY_TEST_PG_ADMIN_URL!;
  const runDatabase = new URL(process.env.DATABASE_URL ?? '').pathname.slice(1);
  const databases: string[] = [];
  const roles: string[] = [];

  // Named after the run's database, so that the runner drops them even if this file dies first.
  async function newDatabase(label: string, owner?: string): Promise<string> {
    const name = `${runDatabase}_${label}_${randomBytes(3).toString('hex')}`;
    await query(adminUrl, `CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
    databases.push(name);
    return withDatabase(adminUrl, name);
  }

  after(async () => {
    for (const name of databases) await query(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const role of roles) await query(adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });

  it('migrates as one non-superuser that may create roles and owns the database, handing the ledger over (PostgreSQL 15+ once refused: permission denied for schema public)', async () => {
    const user = `assay_t_creator_${randomBytes(4).toString('hex')}`;
    await query(adminUrl, `CREATE ROLE ${user} LOGIN CREATEROLE`);
    roles.push(user);
    const url = as(await newDatabase('creator', user), user);

    await migrate(url);

    assert.deepEqual(await ledgerOwners(url), LEDGER_TABLES.map((t) => `${t}:assay_ledger_owner`));
    const [membership] = await query<{ member: boolean }>(url, `SELECT pg_has_role(current_user, 'assay_ledger_owner', 'MEMBER') AS member`);
    assert.equal(membership!.member, false, 'the migrating user gives the ledger owner role back');
    await assertCannotRewriteTheLedger(url);
  });

  it('prepares a database from the SQL `assay db bootstrap --print` gives a DBA, then migrates it as the owner role', async () => {
    const url = await newDatabase('printed');
    const printed = spawnAssay(['db', 'bootstrap', '--print', '--owner', TEST_DB_ROLES.owner, '--app', TEST_DB_ROLES.app], { ...process.env, DATABASE_URL: '' });
    assert.equal(await printed.exited, 0, printed.output());
    assert.match(printed.output(), /^BEGIN;$/m);
    const psql = await withBootstrapLock(adminUrl, async () =>
      spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url], { input: printed.output(), encoding: 'utf8' }),
    );
    assert.equal(psql.status, 0, `psql: ${psql.stderr}`);

    await migrate(urlAs(url, 'owner'));

    assert.deepEqual(await ledgerOwners(url), LEDGER_TABLES.map((t) => `${t}:assay_ledger_owner`));
    const [models] = await query<{ owner: string }>(url, `SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'models'`);
    assert.equal(models!.owner, TEST_DB_ROLES.owner);
    await assertCannotRewriteTheLedger(urlAs(url, 'app'));
  });

  it('refuses an application role that could rewrite the ledger, and changes nothing', async () => {
    const url = await newDatabase('refused');
    const app = `assay_t_app_${randomBytes(4).toString('hex')}`;
    await query(adminUrl, `CREATE ROLE ${app} LOGIN IN ROLE ${TEST_DB_ROLES.owner}`);
    roles.push(app);
    const bootstrap = (): Promise<void> => withBootstrapLock(adminUrl, () => bootstrapDatabase(url, { owner: TEST_DB_ROLES.owner, app }));
    await assert.rejects(
      bootstrap(),
      new RegExp(`^Error: the application role ${app} is a member of ${TEST_DB_ROLES.owner} or assay_ledger_owner, so it could change the schema or the ledger .*nothing was changed$`),
    );
    await query(adminUrl, `ALTER ROLE ${app} CREATEROLE`);
    await query(adminUrl, `REVOKE ${TEST_DB_ROLES.owner} FROM ${app}`);
    await assert.rejects(bootstrap(), /the application role .* is a superuser or may create roles/);
    const [acl] = await query<{ acl: string | null }>(url, `SELECT nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'`);
    assert.doesNotMatch(acl!.acl ?? '', new RegExp(app));
    const [defaults] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_default_acl`);
    assert.equal(defaults!.n, 0);
  });

  it('tells an application role that finds migrations pending to leave them to the owner role', async () => {
    const url = await newDatabase('pending');
    await withBootstrapLock(adminUrl, () => bootstrapDatabase(url, TEST_DB_ROLES));
    await assert.rejects(
      migrate(urlAs(url, 'app')),
      new RegExp(`^Error: permission denied for schema public: the database role ${TEST_DB_ROLES.app} may not apply the pending migrations; run \`assay migrate\` as the owner role that \`assay db bootstrap\` prepares`),
    );
  });

  describe('on PostgreSQL 18 (the embedded cluster): 16 changed who may grant roles and hand tables over', () => {
    let dataDir: string;
    let cluster: EmbeddedDatabase;

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-roles-'));
      // As root the cluster runs as the postgres user, which must be able to reach its directory.
      fs.chmodSync(dataDir, 0o755);
      cluster = await startEmbeddedPostgres(dataDir, await freePort(), () => undefined);
      const [{ version }] = await query<{ version: number }>(cluster.url, `SELECT current_setting('server_version_num')::int AS version`);
      assert.ok(version >= 160000, `the embedded PostgreSQL is ${version}`);
    });
    after(async () => {
      await cluster?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function clusterDatabase(owner?: string): Promise<string> {
      const name = `roles_${randomBytes(3).toString('hex')}`;
      await query(cluster.url, `CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
      return withDatabase(cluster.url, name);
    }

    it('lets a CREATEROLE user hand the ledger to the owner role it creates (it holds ADMIN OPTION on it)', async () => {
      await query(cluster.url, `CREATE ROLE creator LOGIN CREATEROLE PASSWORD 'creator-password'`);
      const url = as(await clusterDatabase('creator'), 'creator', 'creator-password');
      await migrate(url);
      assert.deepEqual(await ledgerOwners(url), LEDGER_TABLES.map((t) => `${t}:assay_ledger_owner`));
      await assertCannotRewriteTheLedger(url);
    });

    it("keeps the ledger, and says why, where a CREATEROLE user may not grant itself another's owner role", async () => {
      await query(cluster.url, `CREATE ROLE latecomer LOGIN CREATEROLE PASSWORD 'latecomer-password'`);
      const url = as(await clusterDatabase('latecomer'), 'latecomer', 'latecomer-password');
      const migrating = spawnAssay(['migrate'], { ...process.env, DATABASE_URL: url, ASSAY_LOG_LEVEL: 'warn' });
      assert.equal(await migrating.exited, 0, migrating.output());
      assert.match(migrating.output(), /latecomer may not act as assay_ledger_owner nor grant itself that role, so the ledger tables stay owned by latecomer/);
      assert.match(migrating.output(), /Run `assay db bootstrap` as a superuser once/);
      assert.deepEqual(await ledgerOwners(url), LEDGER_TABLES.map((t) => `${t}:latecomer`));
    });

    it('runs `assay db bootstrap`, `assay migrate` as the owner and Assay as the application role, with passwords', async () => {
      const database = await clusterDatabase();
      const passwords = { ASSAY_DB_OWNER_PASSWORD: `owner-${randomBytes(6).toString('hex')}`, ASSAY_DB_APP_PASSWORD: `app-${randomBytes(6).toString('hex')}` };
      const bootstrap = spawnAssay(['db', 'bootstrap'], { ...process.env, DATABASE_URL: database, ...passwords });
      assert.equal(await bootstrap.exited, 0, bootstrap.output());
      assert.match(bootstrap.output(), /database prepared: migrate as assay_owner \(`assay migrate`\), run the apps as assay_app/);
      const ownerUrl = as(database, 'assay_owner', passwords.ASSAY_DB_OWNER_PASSWORD);
      const appUrl = as(database, 'assay_app', passwords.ASSAY_DB_APP_PASSWORD);
      await assert.rejects(query(as(database, 'assay_app', 'not-the-password'), 'SELECT 1'), /password authentication failed for user "assay_app"/);

      const migrating = spawnAssay(['migrate'], { ...process.env, DATABASE_URL: ownerUrl, ASSAY_LOG_LEVEL: 'warn' });
      assert.equal(await migrating.exited, 0, migrating.output());
      assert.doesNotMatch(migrating.output(), /stay owned/);
      assert.deepEqual(await ledgerOwners(appUrl), LEDGER_TABLES.map((t) => `${t}:assay_ledger_owner`));
      await assertCannotRewriteTheLedger(appUrl);

      const assay = await startTestAssay({ apps: ['api', 'ingest'], env: { DATABASE_URL: appUrl } });
      try {
        const before = (await query<{ size: string }>(appUrl, `SELECT size FROM ledger_head`))[0]!.size;
        await seedProject(assay);
        const after = (await query<{ size: string }>(appUrl, `SELECT size FROM ledger_head`))[0]!.size;
        assert.ok(Number(after) > Number(before), `the ledger grew from ${before} to ${after}`);
      } finally {
        await assay.close();
      }
    });
  });
});
