import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AlertsService } from '@assay/alerts';
import { AlertRepository } from '@assay/db';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';
import { CheckRunFeeder } from '../e2e/alert-fixtures.js';

interface LedgerBody {
  transition: string;
  alertId: string;
  status: string;
  by: string;
  note: string | null;
  checkRunId: string;
}

describe(AlertsService.name, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let feeder: CheckRunFeeder;
  let db: pg.Client;
  let sut: AlertsService;
  let alerts: AlertRepository;
  const model = uniqueName('lifecycle-model');

  async function transitions(alertId: string): Promise<LedgerBody[]> {
    const { rows } = await db.query<{ kind: string; entry: string }>(`SELECT kind, entry FROM ledger_entries WHERE subject = $1 ORDER BY idx`, [`alert/${alertId}`]);
    assert.ok(rows.every((r) => r.kind === 'alert_transition'));
    return rows.map((r) => (JSON.parse(r.entry) as { body: LedgerBody }).body);
  }

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    project = await seedProject(assay);
    feeder = new CheckRunFeeder(assay, project.id);
    sut = assay.running.apps.api!.get(AlertsService);
    alerts = assay.running.apps.api!.get(AlertRepository);
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: model } })).status, 201);
  });

  after(async () => {
    await db?.end();
    await assay?.close();
  });

  it('fires once per fingerprint, counts repeats, ignores insufficient data, resolves on a pass, and records each transition in the ledger', async () => {
    const monitor = await feeder.monitor(model, 'latency drift', 'critical');
    const first = await feeder.run(monitor, 'drift');
    const [fired] = await alerts.list({ projectId: project.id, model, limit: 10 });
    assert.equal(fired!.status, 'firing');
    assert.equal(fired!.severity, 'critical');
    assert.equal(fired!.firstCheckRunId, first.id);
    assert.deepEqual(fired!.labels, { alertname: 'latency drift', project: project.id, model, monitor: 'latency drift', kind: 'drift', severity: 'critical', signal: 'latency_ms' });

    const repeat = await feeder.run(monitor, 'drift');
    await feeder.run(monitor, 'insufficient_data');
    const after = (await alerts.findForProject(project.id, fired!.id))!;
    assert.equal(after.status, 'firing');
    assert.equal(after.occurrences, 2);
    assert.equal(after.lastCheckRunId, repeat.id);

    const pass = await feeder.run(monitor, 'ok');
    const resolved = (await alerts.findForProject(project.id, fired!.id))!;
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolvedBy, null);
    assert.equal(resolved.lastCheckRunId, pass.id);
    assert.deepEqual((await transitions(fired!.id)).map((t) => [t.transition, t.status, t.by]), [['fired', 'firing', 'assay'], ['resolved', 'resolved', 'assay']]);

    await feeder.run(monitor, 'drift');
    const reopened = await alerts.list({ projectId: project.id, model, status: 'firing', limit: 10 });
    assert.equal(reopened.length, 1);
    assert.notEqual(reopened[0]!.id, fired!.id);
    assert.equal(reopened[0]!.fingerprint, fired!.fingerprint);
  });

  it('with alertAfter 3, fires on the third failing window in a row: a pass breaks the streak, insufficient data does not', async () => {
    const monitor = await feeder.monitor(model, 'latency drift, three in a row', 'warning', 3);
    const firing = async (): Promise<string[]> =>
      (await alerts.list({ projectId: project.id, model, status: 'firing', limit: 50 })).filter((a) => a.monitorId === monitor.monitorId).map((a) => a.summary);
    const verdicts: Array<'drift' | 'ok' | 'insufficient_data'> = ['drift', 'drift', 'ok', 'drift', 'drift', 'insufficient_data'];
    for (const verdict of verdicts) {
      await feeder.run(monitor, verdict);
      assert.deepEqual(await firing(), [], `after ${verdict}`);
    }
    const third = await feeder.run(monitor, 'drift');
    const [summary] = await firing();
    assert.match(summary!, /^drift on latency drift, three in a row \(3 failing windows in a row\): /);
    const [alert] = (await alerts.list({ projectId: project.id, model, status: 'firing', limit: 50 })).filter((a) => a.monitorId === monitor.monitorId);
    assert.equal(alert!.firstCheckRunId, third.id);
    assert.equal(alert!.occurrences, 1);

    await feeder.run(monitor, 'drift');
    assert.equal((await alerts.findForProject(project.id, alert!.id))!.occurrences, 2);
    await feeder.run(monitor, 'ok');
    assert.equal((await alerts.findForProject(project.id, alert!.id))!.status, 'resolved');
    await feeder.run(monitor, 'drift');
    assert.deepEqual(await firing(), [], 'one failing window after the resolution');
  });

  it('records acknowledgement and manual resolution with who and the note', async () => {
    const monitor = await feeder.monitor(model, 'policy breach');
    await feeder.run(monitor, 'breach');
    const [alert] = await alerts.list({ projectId: project.id, status: 'firing', limit: 10 }).then((all) => all.filter((a) => a.monitorId === monitor.monitorId));
    await sut.acknowledge({ projectId: project.id, by: 'alice' }, alert!.id, 'on it');
    await sut.resolve({ projectId: project.id, by: 'bob' }, alert!.id, null);
    await assert.rejects(sut.acknowledge({ projectId: project.id, by: 'alice' }, alert!.id, null), /is resolved/);
    const otherProject = await seedProject(assay);
    await assert.rejects(sut.resolve({ projectId: otherProject.id, by: 'mallory' }, alert!.id, null), /not found/);
    assert.deepEqual((await transitions(alert!.id)).map((t) => [t.transition, t.by, t.note]), [['fired', 'assay', null], ['acknowledged', 'alice', 'on it'], ['resolved', 'bob', null]]);
    // The alert row keeps the index of its latest transition: the entry an audit report bundles.
    const { rows } = await db.query<{ kept: string; latest: string }>(
      `SELECT a.ledger_index AS kept, (SELECT max(idx) FROM ledger_entries WHERE subject = 'alert/' || a.id) AS latest FROM alerts a WHERE a.id = $1`,
      [alert!.id],
    );
    assert.ok(rows[0]!.kept !== null);
    assert.equal(rows[0]!.kept, rows[0]!.latest);
  });

  it('costs one query for a batch of passing runs with nothing open', async () => {
    const monitor = await feeder.monitor(model, 'quiet');
    const runner = assay.running.apps.api!.get(DataSource).createQueryRunner();
    const prototype = Object.getPrototypeOf(runner) as { query: (...args: unknown[]) => Promise<unknown> };
    await runner.release();
    const original = prototype.query;
    const stored = await Promise.all([1, 2, 3].map(async () => ({ ...(await feeder.run(monitor, 'ok')), verdict: 'ok' as const })));
    let queries = 0;
    prototype.query = function (this: unknown, ...args: unknown[]) {
      queries++;
      return original.apply(this, args);
    };
    try {
      await sut.processCheckRuns(stored);
      await sut.processCheckRuns([{ ...stored[0]!, verdict: 'insufficient_data' }]);
    } finally {
      prototype.query = original;
    }
    assert.equal(queries, 1);
  });
});
