import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LedgerRepository } from '@assay/db';
import { LedgerProofService } from '@assay/ledger';
import { leafHash, MemoryNodeStore, rootAt } from '@assay/provenance';
import { spawnProcess } from '@assay/testing';
import { createLedgerDatabase, type LedgerDatabase } from './ledger-fixtures.js';

const PROCESSES = 8;
const PER_PROCESS = 10_000;
const BATCH = 50;
const APPENDER = fileURLToPath(new URL('./ledger-appender.fixture.js', import.meta.url));

describe('ledger appends from concurrent processes', () => {
  let db: LedgerDatabase;

  before(async () => {
    db = await createLedgerDatabase('ledger_8p');
  });
  after(() => db.drop());

  it(`gives ${PROCESSES} processes × ${PER_PROCESS} appends the indexes 0..${PROCESSES * PER_PROCESS - 1} with no gap, and the stored tree matches a recomputation`, async () => {
    const children = Array.from({ length: PROCESSES }, (_, w) =>
      spawnProcess(process.execPath, [APPENDER, db.url, String(w), String(PER_PROCESS), String(BATCH)], process.env),
    );
    const codes = await Promise.all(children.map((c) => c.exited));
    assert.deepEqual(codes, Array(PROCESSES).fill(0), children.map((c) => c.output()).join('\n'));
    const reports = children.map((c) => JSON.parse(c.output().trim()) as { rolledBack: number });
    assert.ok(reports.every((r) => r.rolledBack > 0), 'every process also rolled some appends back');

    const total = PROCESSES * PER_PROCESS;
    const [stats] = (await db.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT idx)::int AS distinct_n, min(idx)::int AS lo, max(idx)::int AS hi,
              count(DISTINCT subject)::int AS subjects FROM ledger_entries`,
    )) as Array<{ n: number; distinct_n: number; lo: number; hi: number; subjects: number }>;
    assert.deepEqual(stats, { n: total, distinct_n: total, lo: 0, hi: total - 1, subjects: total });
    const repository = new LedgerRepository(db.dataSource);
    assert.equal(await repository.size(), total);

    const expected = new MemoryNodeStore();
    for (let from = 0; from < total; from += 10_000) {
      for (const row of await repository.findLeavesFrom(from, 10_000)) {
        const leaf = leafHash(Buffer.from(row.entry, 'utf8'));
        assert.deepEqual(Buffer.from(leaf), row.leafHash, `leaf ${row.index}`);
        expected.append(leaf);
      }
    }
    assert.equal(expected.size, total);
    assert.deepEqual(await new LedgerProofService(repository).rootAt(total), rootAt(total, expected));

    const nodes = (await db.dataSource.query(`SELECT level, idx, hash FROM ledger_nodes`)) as Array<{ level: number; idx: string; hash: Buffer }>;
    // Every perfect subtree of n leaves: 2n - popcount(n) nodes.
    assert.equal(nodes.length, 2 * total - total.toString(2).replaceAll('0', '').length);
    for (const node of nodes) assert.deepEqual(Buffer.from(expected.get(node.level, Number(node.idx))), node.hash);
  });
});
