import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { VendorShareService } from '@assay/alerts';
import { startTestAssay, uniqueName, type TestAssay } from '@assay/testing';

const NOW = new Date('2026-11-30T12:00:00Z');
const DAY_MS = 86_400_000;

describe(VendorShareService.name, () => {
  let assay: TestAssay;
  let db: pg.Client;
  let sut: VendorShareService;
  let projectId: string;

  /** `sampled` stored samples of `costUsd` each at `at`, out of `seen` calls counted in that minute. */
  async function calls(modelId: string, provider: string, at: Date, sampled: number, seen: number, costUsd: number): Promise<void> {
    await db.query(`SELECT ensure_sample_partition($1::date)`, [at.toISOString().slice(0, 10)]);
    for (let i = 0; i < sampled; i++) {
      await db.query(
        `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, service_name, signals) VALUES ($1, $2, 'v1', $3, $4, $5, 'app', $6)`,
        [projectId, modelId, at, randomBytes(16).toString('hex'), randomBytes(8).toString('hex'), JSON.stringify({ provider, cost_usd: costUsd })],
      );
    }
    await db.query(
      `INSERT INTO sample_counts (model_id, version, minute, seen, sampled) VALUES ($1, 'v1', date_trunc('minute', $2::timestamptz), $3, $4)
       ON CONFLICT (model_id, version, minute) DO UPDATE SET seen = sample_counts.seen + excluded.seen, sampled = sample_counts.sampled + excluded.sampled`,
      [modelId, at, seen, sampled],
    );
  }

  const model = async (name: string): Promise<string> =>
    (await db.query<{ id: string }>(`INSERT INTO models (project_id, name) VALUES ($1, $2) RETURNING id`, [projectId, name])).rows[0]!.id;
  const setLimit = (share: number | null): Promise<unknown> =>
    db.query(`UPDATE projects SET settings = CASE WHEN $2::float8 IS NULL THEN settings - 'maxProviderSpendShare' ELSE settings || jsonb_build_object('maxProviderSpendShare', $2::float8) END WHERE id = $1`, [projectId, share]);
  const alerts = async () =>
    (await db.query<{ id: string; status: string; labels: Record<string, string>; summary: string; occurrences: number; model_id: string | null; ledger_index: string | null }>(
      `SELECT id, status, labels, summary, occurrences, model_id, ledger_index FROM alerts WHERE project_id = $1 AND kind = 'vendor' ORDER BY created_at`,
      [projectId],
    )).rows;

  before(async () => {
    assay = await startTestAssay({ apps: ['worker'] });
    sut = assay.running.apps.worker!.get(VendorShareService);
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    projectId = (await db.query<{ id: string }>(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [uniqueName('vendor')])).rows[0]!.id;
    const big = await model('big');
    const small = await model('small');
    // openai: 40 samples of 400 calls at $0.01 → $4.00; anthropic: 100 samples of all 100 calls at $0.01 → $1.00.
    // Unscaled the samples would give openai 40/140 = 29%; scaled by seen / sampled it takes 80%.
    await calls(big, 'openai', new Date(NOW.getTime() - 2 * DAY_MS), 40, 400, 0.01);
    await calls(small, 'anthropic', new Date(NOW.getTime() - DAY_MS), 100, 100, 0.01);
    // Older than 7 days: not counted.
    await calls(small, 'anthropic', new Date(NOW.getTime() - 8 * DAY_MS), 500, 500, 0.01);
  });

  after(async () => {
    await db.end();
    await assay.close();
  });

  it('fires one alert for the provider above the limit, from spend scaled by seen / sampled, and records it in the ledger', async () => {
    await setLimit(0.75);
    const outcome = await sut.check(NOW);
    assert.equal(outcome.over, 1);
    const [alert, ...rest] = await alerts();
    assert.equal(rest.length, 0);
    assert.deepEqual([alert!.status, alert!.labels.provider, alert!.labels.kind, alert!.model_id], ['firing', 'openai', 'vendor', null]);
    assert.equal(alert!.summary, "vendor dependency: openai takes 80% of the last 7 days' spend ($4 of $5), above the project's maxProviderSpendShare of 75%");
    const entry = await db.query<{ subject: string; entry: string }>(`SELECT subject, entry FROM ledger_entries WHERE idx = $1`, [alert!.ledger_index]);
    assert.equal(entry.rows[0]!.subject, `alert/${alert!.id}`);
    assert.match(entry.rows[0]!.entry, /"transition":"fired"/);
  });

  it('updates the open alert on the next check instead of opening another', async () => {
    await sut.check(NOW);
    const [alert, ...rest] = await alerts();
    assert.equal(rest.length, 0);
    assert.deepEqual([alert!.status, alert!.occurrences], ['firing', 2]);
  });

  it('resolves it when the share is back under the limit, and fires anew after that', async () => {
    await setLimit(0.85);
    await sut.check(NOW);
    const [resolved] = await alerts();
    assert.equal(resolved!.status, 'resolved');
    const entry = await db.query<{ entry: string }>(`SELECT entry FROM ledger_entries WHERE idx = $1`, [resolved!.ledger_index]);
    assert.match(entry.rows[0]!.entry, /"transition":"resolved"/);
    await setLimit(0.5);
    await sut.check(NOW);
    assert.deepEqual((await alerts()).map((a) => a.status), ['resolved', 'firing']);
  });

  it('resolves the open alert when the project drops the setting', async () => {
    await setLimit(null);
    await sut.check(NOW);
    assert.deepEqual((await alerts()).map((a) => a.status), ['resolved', 'resolved']);
  });
});
