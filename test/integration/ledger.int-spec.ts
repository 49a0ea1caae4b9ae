import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { LedgerRepository } from '@assay/db';
import { LedgerService, LedgerProofService, type AppendedEntry } from '@assay/ledger';
import { leafHash, MemoryNodeStore, merkleRoot } from '@assay/provenance';
import { TEST_DB_ROLES } from '@assay/testing';
import { createLedgerDatabase, ledgerServiceOn, sampleRecord, type LedgerDatabase } from './ledger-fixtures.js';

async function allNodes(db: LedgerDatabase): Promise<Map<string, string>> {
  const rows = (await db.dataSource.query(`SELECT level, idx, encode(hash, 'hex') AS hash FROM ledger_nodes`)) as Array<{
    level: number;
    idx: string;
    hash: string;
  }>;
  return new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
}

describe(LedgerService.name, () => {
  let db: LedgerDatabase;
  let sut: LedgerService;

  before(async () => {
    db = await createLedgerDatabase('ledger');
    sut = ledgerServiceOn(db.dataSource);
  });
  after(() => db.drop());

  it('stores exactly the nodes completedNodes computes, for single appends and batches alike', async () => {
    const appended: AppendedEntry[] = [];
    appended.push(await sut.append(sampleRecord(0)));
    appended.push(...(await sut.appendMany([1, 2, 3, 4, 5, 6].map((i) => sampleRecord(i)))));
    for (let i = 7; i < 23; i++) appended.push(await sut.append(sampleRecord(i)));
    appended.push(...(await sut.appendMany(Array.from({ length: 18 }, (_, k) => sampleRecord(23 + k)))));
    assert.deepEqual(appended.map((a) => a.index), Array.from({ length: 41 }, (_, i) => i));

    const entries = (await db.dataSource.query(`SELECT entry, encode(leaf_hash, 'hex') AS leaf FROM ledger_entries ORDER BY idx`)) as Array<{
      entry: string;
      leaf: string;
    }>;
    const expected = new MemoryNodeStore();
    const expectedNodes = new Map<string, string>();
    entries.forEach((row, i) => {
      const leaf = leafHash(Buffer.from(row.entry, 'utf8'));
      assert.equal(row.leaf, Buffer.from(leaf).toString('hex'));
      assert.equal(appended[i]!.leafHash, row.leaf);
      for (const node of expected.append(leaf)) expectedNodes.set(`${node.level}/${node.index}`, Buffer.from(node.hash).toString('hex'));
    });
    assert.deepEqual(await allNodes(db), expectedNodes);
    const proofs = new LedgerProofService(new LedgerRepository(db.dataSource));
    assert.deepEqual(
      await proofs.rootAt(41),
      merkleRoot(entries.map((row) => leafHash(Buffer.from(row.entry, 'utf8')))),
    );
  });

  it('stores the canonical JSON of {kind, projectId, subject, recordedAt, body}', async () => {
    const { index } = await sut.append({ ...sampleRecord(99), body: { z: 1, a: [true, null, 'é'] } });
    const [row] = (await db.dataSource.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [index])) as Array<{ entry: string }>;
    const parsed = JSON.parse(row!.entry) as { recordedAt: string };
    assert.equal(
      row!.entry,
      `{"body":{"a":[true,null,"é"],"z":1},"kind":"check_run","projectId":null,"recordedAt":"${parsed.recordedAt}","subject":"check-run/99"}`,
    );
  });

  it("appends inside the caller's transaction, and a rollback gives the index back", async () => {
    const before = await new LedgerRepository(db.dataSource).size();
    await assert.rejects(
      db.dataSource.transaction(async (manager) => {
        const { index } = await sut.append(sampleRecord(1000), manager);
        assert.equal(index, before);
        throw new Error('the caller fails after appending');
      }),
      /the caller fails/,
    );
    assert.equal((await sut.append(sampleRecord(1001))).index, before);
    const [{ count }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM ledger_entries WHERE subject = 'check-run/1000'`)) as Array<{ count: number }>;
    assert.equal(count, 0);
  });

  it('refuses a leaf hash that does not hash its entry', async () => {
    await assert.rejects(
      db.dataSource.query(`SELECT ledger_append('check_run', NULL, 's', '{"a":1}', $1)`, [Buffer.alloc(32)]),
      /does not hash its entry/,
    );
  });

  it('refuses UPDATE, DELETE and TRUNCATE even for a superuser, and never lets the head shrink', async () => {
    const superuser = new pg.Client({ connectionString: db.superuserUrl });
    await superuser.connect();
    try {
      for (const statement of [
        `UPDATE ledger_entries SET subject = 'x' WHERE idx = 0`,
        `DELETE FROM ledger_entries WHERE idx = 0`,
        `TRUNCATE ledger_entries`,
        `UPDATE ledger_nodes SET hash = hash WHERE level = 0 AND idx = 0`,
        `DELETE FROM ledger_nodes`,
        `TRUNCATE ledger_checkpoints`,
        `UPDATE ledger_head SET size = size - 1`,
        `DELETE FROM ledger_head`,
      ]) {
        await assert.rejects(superuser.query(statement), /append-only|only grows/, statement);
      }
    } finally {
      await superuser.end();
    }
  });

  it('hands the tables to a NOLOGIN owner: the application role appends through ledger_append and may rewrite nothing', async () => {
    const owners = (await db.dataSource.query(
      `SELECT tablename, tableowner FROM pg_tables WHERE tablename IN ('ledger_entries', 'ledger_nodes', 'ledger_checkpoints', 'ledger_head', 'models') ORDER BY tablename`,
    )) as Array<{ tablename: string; tableowner: string }>;
    assert.deepEqual(
      owners.map((o) => `${o.tablename}:${o.tableowner}`),
      ['ledger_checkpoints', 'ledger_entries', 'ledger_head', 'ledger_nodes'].map((t) => `${t}:assay_ledger_owner`).concat(`models:${TEST_DB_ROLES.owner}`),
    );
    const [{ rolcanlogin }] = (await db.dataSource.query(`SELECT rolcanlogin FROM pg_roles WHERE rolname = 'assay_ledger_owner'`)) as Array<{ rolcanlogin: boolean }>;
    assert.equal(rolcanlogin, false);

    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    try {
      const [me] = (await app.query<{ user: string; rolsuper: boolean }>(`SELECT current_user AS user, rolsuper FROM pg_roles WHERE rolname = current_user`)).rows;
      assert.deepEqual(me, { user: TEST_DB_ROLES.app, rolsuper: false });
      const entry = '{"kind":"check_run"}';
      const appended = await app.query<{ idx: string }>(`SELECT ledger_append('check_run', NULL, 's', $1, $2) AS idx`, [
        entry,
        Buffer.from(leafHash(Buffer.from(entry))),
      ]);
      assert.ok(Number(appended.rows[0]!.idx) > 0);
      const [{ size }] = (await app.query<{ size: string }>(`SELECT size FROM ledger_head`)).rows;
      const refusals: Array<[string, RegExp]> = [
        [`UPDATE ledger_entries SET subject = 'x' WHERE idx = 0`, /^permission denied for table ledger_entries$/],
        [`DELETE FROM ledger_entries WHERE idx = 0`, /^permission denied for table ledger_entries$/],
        [`TRUNCATE ledger_entries`, /^permission denied for table ledger_entries$/],
        [`INSERT INTO ledger_entries (idx, kind, subject, entry, leaf_hash) VALUES (${size}, 'x', 'x', 'x', '\\x00')`, /^permission denied for table ledger_entries$/],
        [`UPDATE ledger_nodes SET hash = hash`, /^permission denied for table ledger_nodes$/],
        [`DELETE FROM ledger_nodes`, /^permission denied for table ledger_nodes$/],
        [`TRUNCATE ledger_nodes`, /^permission denied for table ledger_nodes$/],
        [`UPDATE ledger_checkpoints SET note = ''`, /^permission denied for table ledger_checkpoints$/],
        [`DELETE FROM ledger_checkpoints`, /^permission denied for table ledger_checkpoints$/],
        [`TRUNCATE ledger_checkpoints`, /^permission denied for table ledger_checkpoints$/],
        [`UPDATE ledger_head SET size = 0`, /^permission denied for table ledger_head$/],
        [`DELETE FROM ledger_head`, /^permission denied for table ledger_head$/],
        [`TRUNCATE ledger_head`, /^permission denied for table ledger_head$/],
        [`ALTER TABLE ledger_entries ADD COLUMN forged text`, /^must be owner of table ledger_entries$/],
        [`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only`, /^must be owner of table ledger_entries$/],
        [`ALTER TABLE ledger_nodes DISABLE TRIGGER ALL`, /^must be owner of table ledger_nodes$/],
        [`ALTER TABLE ledger_checkpoints OWNER TO ${TEST_DB_ROLES.app}`, /^must be owner of table ledger_checkpoints$/],
        [`DROP TRIGGER ledger_entries_append_only ON ledger_entries`, /^must be owner of (table|relation) ledger_entries$/],
        [`DROP TABLE ledger_checkpoints`, /^must be owner of table ledger_checkpoints$/],
        [`CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, /^permission denied for schema public$/],
        [`ALTER FUNCTION ledger_refuse_change() OWNER TO ${TEST_DB_ROLES.app}`, /^must be owner of function ledger_refuse_change$/],
        [`SET ROLE assay_ledger_owner`, /^permission denied to set role "assay_ledger_owner"$/],
        [`SET ROLE ${TEST_DB_ROLES.owner}`, new RegExp(`^permission denied to set role "${TEST_DB_ROLES.owner}"$`)],
        [`SET session_replication_role = replica`, /^permission denied to set parameter "session_replication_role"$/],
        [`CREATE TABLE forged (x int)`, /^permission denied for schema public$/],
      ];
      for (const [statement, refusal] of refusals) {
        await assert.rejects(app.query(statement), (error: Error) => {
          assert.match(error.message, refusal, statement);
          return true;
        });
      }
      const [{ count }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM ledger_entries WHERE subject = 'x'`)) as Array<{ count: number }>;
      assert.equal(count, 0);
    } finally {
      await app.end();
    }
  });
});
