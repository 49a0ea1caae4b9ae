import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

interface Baseline {
  id: string;
  source: string;
  sampleCount: number;
  digest: string;
  ledgerIndex: number;
  signals: Array<{ signal: string; kind: string; count: number; mean: number | null; p50: number | null; categories?: Record<string, number> }>;
}

describe('baselines uploaded as evaluation sets', () => {
  let assay: TestAssay;
  let project: SeededProject;
  const model = uniqueName('uploaded');
  const url = (query: string): string => `${assay.apiUrl}/v1/models/${model}/baselines/upload?${query}`;

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    project = await seedProject(assay);
    await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } });
    await call('POST', `${assay.apiUrl}/v1/models/${model}/versions`, { key: project.keys.owner.key, json: { version: 'v1' } });
  });
  after(() => assay.close());

  it('takes a CSV file, frozen with its digest and ledger entry', async () => {
    const csv = 'latency_ms,finish_reason\n100,stop\n200,stop\n300,length\n400,stop\n';
    const response = await call<Baseline>('POST', url('version=v1&description=golden%20set'), {
      key: project.keys.owner.key,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(response.status, 201, response.text);
    assert.equal(response.body.source, 'upload');
    assert.equal(response.body.sampleCount, 4);
    assert.match(response.body.digest, /^[0-9a-f]{64}$/);
    assert.ok(response.body.ledgerIndex >= 0);
    const latency = response.body.signals.find((s) => s.signal === 'latency_ms')!;
    assert.equal(latency.kind, 'numeric');
    assert.equal(latency.mean, 250);
    const finish = response.body.signals.find((s) => s.signal === 'finish_reason')!;
    assert.deepEqual(finish.categories, { stop: 3, length: 1 });
    const fetched = await call<Baseline>('GET', `${assay.apiUrl}/v1/baselines/${response.body.id}`, { key: project.keys.auditor.key });
    assert.equal(fetched.body.digest, response.body.digest);
  });

  it('stores the simulated nulls of the numeric distances with each numeric signal, and none with a categorical one', async () => {
    const values = Array.from({ length: 300 }, (_, i) => Math.round(100 + 50 * Math.sin(i * 1.7) + i));
    const response = await call<Baseline>('POST', url('version=v1'), {
      key: project.keys.owner.key,
      json: { signals: { latency_ms: values, finish_reason: values.map((v) => (v % 3 === 0 ? 'length' : 'stop')) } },
    });
    assert.equal(response.status, 201, response.text);
    assert.equal('nulls' in response.body.signals[0]!, false);
    const db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ signal: string; nulls: { version: number; nulls: Array<{ method: string; nReference: number; nSimulated: number; replicates: string }> } | null }>(
        `SELECT signal, nulls FROM baseline_signals WHERE baseline_id = $1 ORDER BY signal`,
        [response.body.id],
      );
      assert.deepEqual(rows.map((r) => [r.signal, r.nulls === null]), [['finish_reason', true], ['latency_ms', false]]);
      const latency = rows[1]!.nulls!;
      assert.deepEqual(latency.nulls.map((n) => [n.method, n.nReference, n.nSimulated]), [
        ['wasserstein_norm', 300, 300], ['wasserstein', 300, 300], ['psi', 300, 300], ['jensenshannon', 300, 300], ['hellinger', 300, 300],
      ]);
      for (const n of latency.nulls) assert.equal(Buffer.from(n.replicates, 'base64').byteLength, 999 * 8);
    } finally {
      await db.end();
    }
  });

  it('takes JSONL and JSON, and the same values give the same digest', async () => {
    const jsonl = '{"latency_ms":100,"finish_reason":"stop"}\n{"latency_ms":200,"finish_reason":"stop"}\n{"latency_ms":300,"finish_reason":"length"}\n{"latency_ms":400,"finish_reason":"stop"}\n';
    const fromJsonl = await call<Baseline>('POST', url('version=v1'), { key: project.keys.owner.key, body: jsonl, headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(fromJsonl.status, 201, fromJsonl.text);
    const fromJson = await call<Baseline>('POST', url('version=v1'), {
      key: project.keys.owner.key,
      json: { signals: { latency_ms: [100, 200, 300, 400], finish_reason: ['stop', 'stop', 'length', 'stop'] } },
    });
    assert.equal(fromJson.status, 201, fromJson.text);
    assert.equal(fromJsonl.body.digest, fromJson.body.digest);
    assert.notEqual(fromJsonl.body.id, fromJson.body.id);
  });

  it('refuses bad files with the line or field that is wrong, and other media types', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['text/csv', 'a,b\n1\n', /line 2: 1 values for 2 columns/],
      ['application/x-ndjson', '{"a":1}\n{oops\n', /line 2: invalid JSON/],
      ['text/csv', 'x\n1\nfoo\n', /mixes numbers with text/],
    ];
    for (const [type, body, message] of cases) {
      const response = await call<{ message: string }>('POST', url('version=v1'), { key: project.keys.owner.key, body, headers: { 'content-type': type } });
      assert.equal(response.status, 400, body);
      assert.match(response.body.message, message);
    }
    const missingVersion = await call('POST', url('version=v9'), { key: project.keys.owner.key, json: { signals: { a: [1] } } });
    assert.equal(missingVersion.status, 404);
    const auditor = await call('POST', url('version=v1'), { key: project.keys.auditor.key, json: { signals: { a: [1] } } });
    assert.equal(auditor.status, 403);
  });
});
