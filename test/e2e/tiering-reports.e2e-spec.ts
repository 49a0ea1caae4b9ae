import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VendorShareService } from '@assay/alerts';
import { SigningService } from '@assay/ledger';
import { signStatement, type DsseEnvelope, type Statement } from '@assay/provenance';
import { TIERING_PREDICATE_TYPE, type TieringReport } from '@assay/tiering';
import {
  GenAiTraffic, call, eventually, installPackedCli, normal, seedProject, seededRandom, startTestAssay, uniqueName, type SeededProject, type TestAssay,
} from '@assay/testing';

const BIG = { model: 'big-model', provider: 'openai', inputPerMillion: 10, outputPerMillion: 30 };
const SMALL = { model: 'small-model', provider: 'anthropic', inputPerMillion: 1, outputPerMillion: 3 };
const CALLS = 300;

/** Equal up to the last bits of floating-point sums, which a parallel aggregate may add in another order. */
function assertClose(actual: unknown, expected: unknown, where = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${where}: ${actual} ≠ ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: lengths differ`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys differ`);
    for (const [k, e] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

describe('tiering reports, end to end', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  let envelope: DsseEnvelope;
  let reportId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-tiering-'));
  const keyFile = path.join(dir, 'key.pem');
  const from = new Date(Date.now() - 20 * 60_000).toISOString();
  let to: string;
  const api = (p: string): string => `${assay.apiUrl}${p}`;
  const auditor = (): string => project.keys.auditor.key;
  const owner = (): string => project.keys.owner.key;
  const statementOf = (e: DsseEnvelope): Statement<TieringReport> => JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8')) as Statement<TieringReport>;

  async function verifyFile(candidate: unknown): Promise<{ code: number | null; output: string }> {
    const file = path.join(dir, `${uniqueName('envelope')}.json`);
    fs.writeFileSync(file, JSON.stringify(candidate));
    const result = await installPackedCli().run(['verify', 'report', file, '--key', keyFile]);
    return { code: result.code, output: result.stdout + result.stderr };
  }

  before(async () => {
    assay = await startTestAssay({ env: { ASSAY_CHECKPOINT_INTERVAL_MS: '300' } });
    project = await seedProject(assay);
    for (const m of [BIG, SMALL]) assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: m.model } })).status, 201);
    const prices = await call('PUT', api('/v1/prices'), { key: owner(), json: { prices: [BIG, SMALL] } });
    assert.equal(prices.status, 200, prices.text);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    const random = seededRandom(24);
    for (const m of [BIG, SMALL]) {
      traffic.emit({
        model: m.model, version: 'v1', provider: m.provider, inputTokens: () => 1000, outputTokens: () => 500,
        latencyMs: normal(random, 700, 50), finishReason: () => 'stop', faithfulness: normal(random, 0.9, 0.03),
      }, CALLS);
    }
    await traffic.flush();
    for (const m of [BIG, SMALL]) {
      await eventually(async () => (await call<{ sampled: number }>('GET', api(`/v1/models/${m.model}/samples?limit=1`), { key: owner() })).body.sampled >= CALLS, 30_000, 200);
    }
    to = new Date(Date.now() + 1000).toISOString();
    fs.writeFileSync(keyFile, assay.running.apps.worker!.get(SigningService).signer().publicKeyPem);
  });

  after(async () => {
    await traffic?.shutdown();
    await assay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses keys of other roles and bad windows or parameters with the reason', async () => {
    for (const role of ['ci', 'ingest'] as const) {
      assert.equal((await call('POST', api('/v1/tiering/reports'), { key: project.keys[role].key, json: { from, to } })).status, 403, role);
    }
    const refused = async (json: unknown, reason: RegExp): Promise<void> => {
      const response = await call<{ message: string | string[] }>('POST', api('/v1/tiering/reports'), { key: auditor(), json });
      assert.equal(response.status, 400, response.text);
      assert.match([response.body.message].flat().join('; '), reason);
    };
    await refused({ from: to, to: from }, /"from" must be before "to"/);
    await refused({ from, to, margin: 2 }, /"margin" must be above 0 and below 1/);
    await refused({ from, to, alpha: 0.7 }, /"alpha" must be above 0 and below 0\.5/);
    await refused({ from, to, margin: 'wide' }, /margin must be a number/);
    await refused({ from: 'yesterday', to }, /from must be an ISO 8601 date-time/);
    await refused({ to }, /from must be an ISO 8601 date-time/);
  });

  it('builds the signed report in the worker: an in-toto statement whose predicate is the report GET /v1/tiering gives', async () => {
    const created = await call<{ id: string; status: string; margin: number; alpha: number }>('POST', api('/v1/tiering/reports'), { key: auditor(), json: { from, to, margin: 0.05 } });
    assert.equal(created.status, 202, created.text);
    assert.deepEqual([created.body.status, created.body.margin, created.body.alpha], ['queued', 0.05, 0.05]);
    reportId = created.body.id;
    envelope = (
      await eventually(async () => {
        const response = await call<DsseEnvelope>('GET', api(`/v1/reports/${reportId}`), { key: auditor(), headers: { accept: 'application/json' } });
        if (response.status === 202) return null;
        assert.equal(response.status, 200, response.text);
        return response;
      }, 60_000, 250)
    ).body;
    const statement = statementOf(envelope);
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    assert.equal(statement.predicateType, TIERING_PREDICATE_TYPE);
    assert.equal(statement.subject[0]!.name, `tiering-report:${reportId}`);
    const served = await call<TieringReport>('GET', api(`/v1/tiering?from=${from}&to=${to}&margin=0.05&alpha=0.05`), { key: auditor() });
    assert.equal(served.status, 200, served.text);
    assertClose(statement.predicate, served.body);
    const journey = statement.predicate.journeys.find((j) => j.models.length === 2)!;
    assert.deepEqual(journey.models.map((m) => m.model).sort(), [BIG.model, SMALL.model]);
    assert.equal(journey.decisions.length, 1);
    assert.deepEqual([journey.decisions[0]!.incumbent, journey.decisions[0]!.candidate], [BIG.model, SMALL.model]);
  });

  it('verifies offline with assay verify report, and refuses a tampered or re-signed report', async () => {
    const valid = await verifyFile(envelope);
    assert.equal(valid.code, 0, valid.output);
    assert.match(valid.output, new RegExp(`tiering report ${reportId}: .* margin 0\\.05, alpha 0\\.05, \\d+ journeys, 1 decisions`));
    assert.match(valid.output, /VALID/);

    const statement = statementOf(envelope);
    statement.predicate.journeys[0]!.spendUsd *= 0.5;
    const tampered = { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') };
    const refused = await verifyFile(tampered);
    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.output, /INVALID/);

    const resigned = await signStatement(statement, assay.running.apps.worker!.get(SigningService).signer());
    const mismatch = await verifyFile(resigned);
    assert.equal(mismatch.code, 1, mismatch.output);
    assert.match(mismatch.output, /INVALID: the subject digest .* is not the digest of the report/);
  });

  it('records the report in the ledger under its subject digest, included in a signed checkpoint', async () => {
    const listed = await call<{ items: Array<{ id: string; ledgerIndex: number | null; contentDigest: string | null }> }>('GET', api('/v1/tiering/reports'), { key: auditor() });
    assert.equal(listed.status, 200, listed.text);
    const item = listed.body.items.find((i) => i.id === reportId)!;
    assert.equal(item.contentDigest, statementOf(envelope).subject[0]!.digest.sha256);
    assert.equal(typeof item.ledgerIndex, 'number');
    const checked = await eventually(async () => {
      const run = await installPackedCli().run(['verify', 'entry', String(item.ledgerIndex), '--url', assay.apiUrl, '--key', auditor(), '--public-key', keyFile]);
      return run.code === 2 ? null : run;
    }, 20_000, 300);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /is included in checkpoint/);
    const entry = JSON.parse(checked.stdout.split('\n').find((l) => l.startsWith('{'))!) as { subject: string; body: { contentDigest: string; reportKind: string } };
    assert.deepEqual([entry.subject, entry.body.reportKind, entry.body.contentDigest], [`report:${reportId}`, 'tiering', item.contentDigest]);
  });

  it('renders the page with the spend chart and each decision’s intervals, and has no model card', async () => {
    const page = await call('GET', api(`/v1/reports/${reportId}`), { key: auditor(), headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /<svg class="chart" data-chart="journey-spend"/);
    assert.equal([...page.text.matchAll(/data-chart="decision"/g)].length, 1);
    assert.match(page.text, /class="margin"/);
    const card = await call('GET', api(`/v1/reports/${reportId}`), { key: auditor(), headers: { accept: 'application/vnd.cyclonedx+json' } });
    assert.equal(card.status, 406, card.text);
  });

  it('prints the journey table with assay tiering, and the report with --json', async () => {
    const cli = installPackedCli();
    const table = await cli.run(['tiering', '--url', assay.apiUrl, '--key', auditor(), '--from', from, '--to', to]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^journey\s+calls\s+spend\s+models$/m);
    assert.match(table.stdout, new RegExp(`^\\S+\\s+${CALLS * 2}\\s+\\$[\\d.,]+\\s+${BIG.model}, ${SMALL.model}$`, 'm'));
    assert.match(table.stdout, /^ {2}(switch|keep|insufficient)\s+\S+: /m);
    const json = await cli.run(['tiering', '--url', assay.apiUrl, '--key', auditor(), '--from', from, '--to', to, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as TieringReport).journeys.reduce((n, j) => n + j.calls, 0), CALLS * 2);
    const refused = await cli.run(['tiering', '--url', assay.apiUrl, '--key', project.keys.ci.key]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /403/);
  });

  it('raises a vendor-dependency alert when a provider takes more of the week’s spend than allowed, and resolves it when under', async () => {
    const vendorShares = assay.running.apps.worker!.get(VendorShareService);
    const limit = async (maxProviderSpendShare: number): Promise<void> => {
      const set = await call('PATCH', api(`/v1/projects/${project.id}/settings`), { key: owner(), json: { maxProviderSpendShare } });
      assert.equal(set.status, 200, set.text);
    };
    const vendorAlerts = async () =>
      (await call<{ items: Array<{ status: string; kind: string; labels: Record<string, string>; summary: string; modelId: string | null }> }>('GET', api('/v1/alerts?kind=vendor'), { key: auditor() })).body.items;
    // openai's calls cost ten times anthropic's: 10/11 of the spend.
    await limit(0.8);
    await vendorShares.check();
    const [fired, ...others] = await vendorAlerts();
    assert.equal(others.length, 0);
    assert.deepEqual([fired!.status, fired!.kind, fired!.labels.provider, fired!.modelId], ['firing', 'vendor', 'openai', null]);
    assert.match(fired!.summary, /openai takes 90\.9% of the last 7 days' spend .* above the project's maxProviderSpendShare of 80%/);
    await vendorShares.check();
    assert.equal((await vendorAlerts()).length, 1, 'a repeat updates the open alert');
    await limit(0.95);
    await vendorShares.check();
    const [resolved] = await vendorAlerts();
    assert.equal(resolved!.status, 'resolved');
  });
});
