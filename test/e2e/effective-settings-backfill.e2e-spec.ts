import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createDataSource, runMigrations } from '@assay/db';
import { call, createInstanceDatabase, seedProject, startTestAssay, uniqueName, urlAs, type SeededProject, type TestAssay } from '@assay/testing';

const CALIBRATION = 'CalibratedDecisions1764320130000';
// 500..799 once each: numpy.std(values, ddof=1) = 86.74675786448736.
const LATENCY = Array.from({ length: 300 }, (_, i) => 500 + ((i * 37) % 300));
const LATENCY_SD = 86.74675786448736;

interface MonitorView {
  name: string;
  method: string;
  threshold: number | null;
  alpha: number | null;
  effectiveMethod: string | null;
  effectiveThreshold: number | null;
  effectiveReason: string | null;
}

async function withOwner<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlAs(url, 'owner') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// Takes the database back to the schema before calibration with the migrations' own down steps.
async function undoThroughCalibration(url: string): Promise<void> {
  const dataSource = createDataSource(urlAs(url, 'owner'), 2);
  await dataSource.initialize();
  try {
    const applied = async (): Promise<string[]> =>
      ((await dataSource.query(`SELECT name FROM schema_migrations`)) as Array<{ name: string }>).map((r) => r.name);
    while ((await applied()).includes(CALIBRATION)) await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

async function migrate(url: string): Promise<string[]> {
  const dataSource = createDataSource(urlAs(url, 'owner'), 2);
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('monitors from before calibration get their effective settings without an update', () => {
  let databaseUrl: string;
  let assay: TestAssay | undefined;
  let project: SeededProject;
  const model = uniqueName('pre-calibration');
  const api = (path: string): string => `${assay!.apiUrl}${path}`;
  const owner = (): string => project.keys.owner.key;
  const monitors = async (): Promise<Map<string, MonitorView>> => {
    const listed = await call<{ items: MonitorView[] }>('GET', api(`/v1/models/${model}/monitors`), { key: owner() });
    assert.equal(listed.status, 200, listed.text);
    return new Map(listed.body.items.map((m) => [m.name, m]));
  };

  before(async () => {
    databaseUrl = await createInstanceDatabase();
    assay = await startTestAssay({ env: { DATABASE_URL: databaseUrl } });
    project = await seedProject(assay);
    const created = await call<{ id: string }>('POST', api('/v1/models'), { key: owner(), json: { name: model } });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version: 'v1', lifecycle: 'production' } })).status, 201);
    const finishReasons = LATENCY.map((_, i) => (i % 10 === 0 ? 'length' : 'stop'));
    const baseline = await call('POST', api(`/v1/models/${model}/baselines/upload?version=v1`), {
      key: owner(),
      json: { signals: { latency_ms: LATENCY, finish_reason: finishReasons } },
    });
    assert.equal(baseline.status, 201, baseline.text);
    await assay.close();
    assay = undefined;

    await undoThroughCalibration(databaseUrl);
    // Rows as the release before calibration wrote them: a KS threshold was a p-value cut-off.
    await withOwner(databaseUrl, async (client) => {
      const rows: Array<[string, string, string, number | null]> = [
        ['ks as p-value', 'latency_ms', 'ks', 0.05],
        ['auto numbers', 'latency_ms', 'auto', null],
        ['psi as set', 'latency_ms', 'psi', 0.2],
        ['wasserstein default', 'latency_ms', 'wasserstein', null],
        ['auto categories', 'finish_reason', 'auto', null],
        ['auto waiting', 'output_tokens', 'auto', null],
      ];
      for (const [name, signal, method, threshold] of rows) {
        await client.query(
          `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, threshold, window_type, window_size, schedule_seconds, version_scope, enabled)
           VALUES ($1, $2, $3, 'drift', $4, $5, $6, 'count', 100, 3600, 'production', false)`,
          [project.id, created.body.id, name, signal, method, threshold],
        );
      }
    });
    const applied = await migrate(databaseUrl);
    assert.ok(applied.includes(CALIBRATION), applied.join(', '));
  });

  after(async () => {
    await assay?.close();
  });

  it('the migrations alone leave them unresolved', async () => {
    const rows = await withOwner(databaseUrl, async (client) =>
      (await client.query<{ name: string; alpha: number; threshold: number | null; effective_method: string | null }>(
        `SELECT name, alpha, threshold, effective_method FROM monitors ORDER BY name`,
      )).rows,
    );
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => r.effective_method === null), JSON.stringify(rows));
    assert.deepEqual(rows.find((r) => r.name === 'ks as p-value'), { name: 'ks as p-value', alpha: 0.05, threshold: null, effective_method: null });
  });

  it('a starting worker resolves each as creation would, from the current baseline', async () => {
    assay = await startTestAssay({ env: { DATABASE_URL: databaseUrl } });
    const found = await monitors();
    const settings = (name: string): unknown[] => {
      const m = found.get(name)!;
      return [m.method, m.threshold, m.alpha, m.effectiveMethod, m.effectiveThreshold];
    };
    assert.deepEqual(settings('ks as p-value'), ['ks', null, 0.05, 'ks', 0.05]);
    assert.deepEqual(settings('auto numbers'), ['auto', null, 0.01, 'wasserstein_norm', 0.1]);
    assert.match(found.get('auto numbers')!.effectiveReason!, /^auto chose wasserstein_norm for the baseline's 300 values; default threshold$/);
    assert.deepEqual(settings('psi as set'), ['psi', 0.2, 0.01, 'psi', 0.2]);
    const wasserstein = found.get('wasserstein default')!;
    assert.equal(wasserstein.effectiveMethod, 'wasserstein');
    assert.ok(Math.abs(wasserstein.effectiveThreshold! - 0.1 * LATENCY_SD) < 1e-9, String(wasserstein.effectiveThreshold));
    assert.deepEqual(settings('auto categories'), ['auto', null, 0.01, 'ztest', 0.01]);
    assert.deepEqual(settings('auto waiting'), ['auto', null, 0.01, null, null]);
    assert.match(found.get('auto waiting')!.effectiveReason!, /auto is resolved once the monitor has a baseline with this signal/);
  });

  it('a new baseline resolves what waited for it', async () => {
    const baseline = await call('POST', api(`/v1/models/${model}/baselines/upload?version=v1`), {
      key: owner(),
      json: { signals: { latency_ms: LATENCY, output_tokens: LATENCY.map((v) => v - 300) } },
    });
    assert.equal(baseline.status, 201, baseline.text);
    const waiting = (await monitors()).get('auto waiting')!;
    assert.deepEqual([waiting.effectiveMethod, waiting.effectiveThreshold], ['wasserstein_norm', 0.1]);
  });
});
