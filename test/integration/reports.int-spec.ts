import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ReportRepository } from '@assay/db';
import { LedgerKind, LedgerService, SigningService } from '@assay/ledger';
import { digestOf, leafHash, signStatement, type DsseEnvelope, type Statement } from '@assay/provenance';
import { ReportBuilder, type ReportPredicate } from '@assay/reports';
import { installPackedCli, startTestAssay, uniqueName, type TestAssay } from '@assay/testing';

describe(ReportBuilder.name, () => {
  let assay: TestAssay;
  let db: pg.Client;
  let sut: ReportBuilder;
  let signing: SigningService;
  let envelope: DsseEnvelope;
  let alertId: string;
  let alertIndex: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-report-int-'));
  const keyFile = path.join(dir, 'key.pem');

  async function verifyWithCli(candidate: unknown): Promise<{ code: number | null; output: string }> {
    const file = path.join(dir, `${randomUUID()}.json`);
    fs.writeFileSync(file, JSON.stringify(candidate));
    const result = await installPackedCli().run(['verify', 'report', file, '--key', keyFile]);
    return { code: result.code, output: result.stdout + result.stderr };
  }

  async function resigned(mutate: (predicate: ReportPredicate) => void): Promise<DsseEnvelope> {
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement<ReportPredicate>;
    mutate(statement.predicate);
    return signStatement(statement, signing.signer());
  }

  before(async () => {
    assay = await startTestAssay({ apps: ['worker'] });
    const worker = assay.running.apps.worker!;
    sut = worker.get(ReportBuilder);
    signing = worker.get(SigningService);
    fs.writeFileSync(keyFile, signing.signer().publicKeyPem);
    const ledger = worker.get(LedgerService);
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    const project = async (): Promise<string> => (await db.query<{ id: string }>(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [uniqueName('p')])).rows[0]!.id;
    const [mine, theirs] = [await project(), await project()];
    const modelId = (await db.query<{ id: string }>(`INSERT INTO models (project_id, name) VALUES ($1, 'm') RETURNING id`, [mine])).rows[0]!.id;
    const monitorId = (
      await db.query<{ id: string }>(
        `INSERT INTO monitors (project_id, model_id, name, kind, signal, method, window_type, window_size, min_samples, schedule_seconds)
         VALUES ($1, $2, 'm', 'drift', 'latency_ms', 'ks', 'time', 60, 1, 60) RETURNING id`,
        [mine, modelId],
      )
    ).rows[0]!.id;
    // Check runs whose ledger entries are interleaved with another project's, so the proof has gaps to fill.
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 60; i++) {
      await ledger.appendMany(Array.from({ length: 1 + (i % 4) }, (_, j) => ({ kind: LedgerKind.KeyEvent, projectId: theirs, subject: `noise:${i}:${j}`, body: { i, j } })));
      const id = randomUUID();
      const [entry] = await ledger.appendMany([{ kind: LedgerKind.CheckRun, projectId: mine, subject: `check_run:${id}`, body: { checkRunId: id, i } }]);
      await db.query(
        `INSERT INTO check_runs (id, project_id, model_id, monitor_id, kind, trigger, window_to, correction, n_reference, n_current, exact, verdict, reason, severity, details, ledger_index, statistic)
         VALUES ($1, $2, $3, $4, 'drift', 'schedule', $5, 'none', 10, 10, true, $6, 'r', 'warning', '{}', $7, $8)`,
        [id, mine, modelId, monitorId, new Date(start + i * 30_000), i % 10 === 0 ? 'drift' : 'ok', entry!.index, i / 100],
      );
    }
    // An alert of the period whose latest transition is ledgered, as the alerts feature records it.
    alertId = randomUUID();
    const [alertEntry] = await ledger.appendMany([{ kind: LedgerKind.AlertTransition, projectId: mine, subject: `alert/${alertId}`, body: { transition: 'resolved', alertId } }]);
    alertIndex = alertEntry!.index;
    const runId = (await db.query<{ id: string }>(`SELECT id FROM check_runs WHERE verdict = 'drift' ORDER BY window_to LIMIT 1`)).rows[0]!.id;
    await db.query(
      `INSERT INTO alerts (id, project_id, model_id, monitor_id, kind, signal, fingerprint, status, severity, labels, summary, first_check_run_id, last_check_run_id,
                           last_verdict, started_at, last_seen_at, resolved_at, resolved_by, ledger_index)
       VALUES ($1, $2, $3, $4, 'drift', 'latency_ms', 'f', 'resolved', 'warning', '{}', 's', $5, $5, 'drift', $6, $6, $7, 'auditor-key', $8)`,
      [alertId, mine, modelId, monitorId, runId, new Date(start + 60_000), new Date(start + 120_000), alertIndex],
    );
    const report = await worker.get(ReportRepository).createQueued({ projectId: mine, modelId, periodFrom: new Date(start - 1000), periodTo: new Date(), trigger: 'request' });
    assert.equal(await sut.build(report.id), 'built');
    assert.equal(await sut.build(report.id), 'already-built');
    envelope = JSON.parse((await worker.get(ReportRepository).documentOf(report.id, 'envelope'))!) as DsseEnvelope;
  });

  after(async () => {
    await db?.end();
    await assay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bundles each check run and alert entry and a proof that assay verify report accepts', async () => {
    const predicate = (JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement<ReportPredicate>).predicate;
    assert.equal(predicate.content.checkRuns.total, 60);
    assert.deepEqual(predicate.content.alerts.map((a) => [a.id, a.ledgerIndex]), [[alertId, alertIndex]]);
    assert.equal(predicate.ledger.entries.length, 61);
    assert.ok(predicate.ledger.entries.some((e) => e.index === alertIndex && (JSON.parse(e.entry) as { subject: string }).subject === `alert/${alertId}`));
    assert.ok(predicate.ledger.nodes.length > 0 && predicate.ledger.nodes.length < 200, `${predicate.ledger.nodes.length} proof nodes`);
    assert.deepEqual(predicate.ledger.pending, []);
    const result = await verifyWithCli(envelope);
    assert.equal(result.code, 0, result.output);
  });

  it('rejects a correctly signed report whose alert names another record\'s ledger entry', async () => {
    // Signed over a content digest that matches, so that only the ledger check can catch it.
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement<ReportPredicate>;
    statement.predicate.content.alerts[0]!.ledgerIndex = statement.predicate.content.checkRuns.items[0]!.ledgerIndex;
    statement.subject[0]!.digest.sha256 = digestOf(statement.predicate.content);
    const swapped = await signStatement(statement, signing.signer());
    const result = await verifyWithCli(swapped);
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, new RegExp(`records check_run:[0-9a-f-]+, not alert/${alertId}`));
  });

  it('rejects a correctly signed report whose entry was altered, dropped or whose content no longer matches its digest', async () => {
    const altered = await resigned((p) => {
      const entry = p.ledger.entries[5]!;
      entry.entry = entry.entry.replace('"i":', '"i":1');
      entry.leafHash = Buffer.from(leafHash(Buffer.from(entry.entry, 'utf8'))).toString('hex');
    });
    const alteredResult = await verifyWithCli(altered);
    assert.equal(alteredResult.code, 1, `altered: ${alteredResult.output}`);
    assert.match(alteredResult.output, /not in the log of the signed checkpoint/);

    const dropped = await resigned((p) => {
      p.ledger.entries.splice(3, 1);
    });
    const droppedResult = await verifyWithCli(dropped);
    assert.equal(droppedResult.code, 1, `dropped: ${droppedResult.output}`);

    const edited = await resigned((p) => {
      const item = p.content.checkRuns.items[0]!;
      item.verdict = item.verdict === 'ok' ? 'drift' : 'ok';
    });
    const editedResult = await verifyWithCli(edited);
    assert.equal(editedResult.code, 1, `edited: ${editedResult.output}`);
    assert.match(editedResult.output, /subject digest/);
  });
});
