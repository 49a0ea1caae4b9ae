import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { RetentionRepository } from '@assay/db';
import { startTestAssay, type TestAssay } from '@assay/testing';
import { RetentionProcessor } from '@assay/worker';

describe(RetentionProcessor.name, () => {
  let assay: TestAssay;
  let db: pg.Client;

  before(async () => {
    assay = await startTestAssay({ apps: ['worker'] });
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db.end();
    await assay.close();
  });

  it('drops sample partitions past the retention, keeps recent ones and never touches check runs or the ledger', async () => {
    await db.query(`SELECT ensure_sample_partition('2020-01-01'::date)`);
    await db.query(
      `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, service_name, signals)
       VALUES (gen_random_uuid(), gen_random_uuid(), 'v1', '2020-01-01T12:00:00Z', $1, $2, 'old-app', '{"latency_ms": 1}')`,
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
    );
    const ledgerBefore = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_entries`);
    const sut = assay.running.apps.worker!.get(RetentionProcessor);

    const outcome = await sut.sweepAt(Date.parse('2020-03-01T00:00:00Z'));

    assert.ok(outcome.droppedPartitions.includes('samples_20200101'), JSON.stringify(outcome));
    const remaining = await db.query(`SELECT to_regclass('samples_20200101') AS part`);
    assert.equal(remaining.rows[0].part, null);
    for (const day of ['20200301', '20200302']) {
      const created = await db.query(`SELECT to_regclass($1) AS part`, [`samples_${day}`]);
      assert.equal(created.rows[0].part, `samples_${day}`);
    }
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    assert.equal((await db.query(`SELECT to_regclass($1) AS part`, [`samples_${today}`])).rows[0].part, `samples_${today}`);
    const ledgerAfter = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_entries`);
    assert.ok(Number(ledgerAfter.rows[0].n) >= Number(ledgerBefore.rows[0].n));
  });

  it('refuses to drop anything that is not a samples partition', async () => {
    const repository = assay.running.apps.worker!.get(RetentionRepository);
    await assert.rejects(repository.dropSamplePartition('check_runs'), /refusing to drop check_runs: not a samples partition/);
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'check_runs'`)).rows[0].n, 1);
  });
});
