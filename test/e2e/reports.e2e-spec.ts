import { createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { chromium } from 'playwright-core';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, spawnAssay, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

interface Statement {
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: string;
  predicate: {
    content: {
      reportId: string;
      model: { name: string };
      versions: Array<{ version: string; lifecycle: string }>;
      baselines: Array<{ id: string; ledgerIndex: number }>;
      monitors: Array<{ id: string }>;
      checkRuns: { total: number; byVerdict: Record<string, number>; items: Array<{ id: string; monitorId: string; ledgerIndex: number }> };
      series: Array<{ monitorId: string; points: unknown[] }>;
      gateDecisions: Array<{ id: string; decision: string }>;
      economics: { requests: number; providers: Array<{ provider: string; share: number }>; latencyMs: { p50: number; p95: number } };
    };
    ledger: { entries: Array<{ index: number }>; checkpoint: { treeSize: number } };
  };
}

const CHROMIUM = '/usr/bin/chromium';

// The DSSE check an auditor can write with nothing but node:crypto and the published PEM.
function dsseVerifies(envelope: Envelope, publicKeyPem: string): boolean {
  const payload = Buffer.from(envelope.payload, 'base64');
  const type = Buffer.from(envelope.payloadType, 'utf8');
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
  const key = createPublicKey(publicKeyPem);
  return envelope.signatures.some((s) => verify(null, pae, key, Buffer.from(s.sig, 'base64')));
}

describe('audit reports, end to end', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let other: SeededProject;
  let traffic: GenAiTraffic;
  let publicKeyPem: string;
  let reportId: string;
  let envelope: Envelope;
  let gateDecisionId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-report-'));
  const model = uniqueName('audited-bot');
  const random = seededRandom(11);
  const start = new Date(Date.now() - 10 * 60_000);
  const shape = (version: string) => ({
    model,
    version,
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, 200, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => 'stop',
    faithfulness: normal(random, 0.9, 0.03),
  });
  const api = (p: string): string => `${assay.apiUrl}${p}`;
  const owner = (): string => project.keys.owner.key;
  const auditor = (): string => project.keys.auditor.key;

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    other = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model, riskTier: 'high', owner: 'ml-team' } })).status, 201);
    for (const [version, lifecycle] of [['v1', 'production'], ['v2', 'candidate']] as const) {
      assert.equal((await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version, lifecycle } })).status, 201);
    }
    traffic.emit(shape('v1'), 300);
    traffic.emit({ ...shape('v2'), provider: 'anthropic' }, 150);
    await traffic.flush();
    await eventually(async () => (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled >= 450, 20_000);
    const baseline = await call<{ id: string }>('POST', api(`/v1/models/${model}/baselines`), {
      key: owner(),
      json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(baseline.status, 201, baseline.text);
    const window = { type: 'count', samples: 100 };
    const monitors: string[] = [];
    for (const signal of ['output_tokens', 'latency_ms']) {
      const created = await call<{ id: string }>('POST', api(`/v1/models/${model}/monitors`), {
        key: owner(),
        json: { name: signal, signal, method: signal === 'latency_ms' ? 'psi' : 'ks', window, minSamples: 50, scheduleSeconds: 1, version: 'v1' },
      });
      assert.equal(created.status, 201, created.text);
      monitors.push(created.body.id);
    }
    for (const id of monitors) {
      await eventually(async () => {
        const runs = await call<{ items: unknown[] }>('GET', api(`/v1/check-runs?monitorId=${id}&limit=10`), { key: auditor() });
        return runs.body.items.length >= 3;
      }, 20_000, 200);
    }
    const gate = await call<{ id: string }>('POST', api('/v1/gates/evaluate'), { key: project.keys.ci.key, json: { model, candidate: 'v2' } });
    assert.equal(gate.status, 200, gate.text);
    gateDecisionId = gate.body.id;
    publicKeyPem = (await call<{ keys: Array<{ publicKeyPem: string }> }>('GET', api('/v1/signing-keys'), { key: auditor() })).body.keys[0]!.publicKeyPem;
  });

  after(async () => {
    await traffic?.shutdown();
    await assay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues a report, answers 202 until it is built, then serves the signed envelope', async () => {
    const created = await call<{ id: string; status: string }>('POST', api('/v1/reports'), {
      key: auditor(),
      json: { model, from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(created.status, 202, created.text);
    assert.equal(created.body.status, 'queued');
    reportId = created.body.id;
    const ready = await eventually(async () => {
      const response = await call<Envelope>('GET', api(`/v1/reports/${reportId}`), { key: auditor(), headers: { accept: 'application/json' } });
      if (response.status === 202) return null;
      assert.equal(response.status, 200, response.text);
      return response;
    }, 30_000, 250);
    envelope = ready.body;
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
    assert.equal(statement.predicateType, 'https://assay.dev/attestation/audit-report/v1');
    const content = statement.predicate.content;
    assert.equal(content.reportId, reportId);
    assert.equal(content.model.name, model);
    assert.deepEqual(content.versions.map((v) => [v.version, v.lifecycle]), [['v1', 'production'], ['v2', 'candidate']]);
    assert.equal(content.baselines.length, 1);
    assert.ok(content.checkRuns.total >= 6, `${content.checkRuns.total} check runs`);
    assert.equal(Object.values(content.checkRuns.byVerdict).reduce((a, b) => a + b, 0), content.checkRuns.total);
    assert.deepEqual(content.gateDecisions.map((g) => g.id), [gateDecisionId]);
    assert.deepEqual(new Set(content.series.map((s) => s.monitorId)), new Set(content.monitors.map((m) => m.id)));
    const providers = Object.fromEntries(content.economics.providers.map((p) => [p.provider, p.share]));
    assert.equal(providers.openai, 300 / 450);
    assert.equal(providers.anthropic, 150 / 450);
    assert.ok(content.economics.latencyMs.p50 > 500 && content.economics.latencyMs.p95 > content.economics.latencyMs.p50);
    const bundled = new Set(statement.predicate.ledger.entries.map((e) => e.index));
    for (const run of content.checkRuns.items) assert.ok(bundled.has(run.ledgerIndex), `check run ${run.id} has its ledger entry bundled`);
  });

  it('exports the model facts as a CycloneDX 1.6 model card tied to the signed content by its digest', async () => {
    const response = await call<{ bomFormat: string; specVersion: string; metadata: { properties: Array<{ name: string; value: string }> }; components: Array<{ type: string; name: string; version: string; modelCard: { quantitativeAnalysis: { performanceMetrics: Array<{ type: string; value: string }> } } }> }>(
      'GET',
      api(`/v1/reports/${reportId}`),
      { key: auditor(), headers: { accept: 'application/vnd.cyclonedx+json' } },
    );
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/vnd\.cyclonedx\+json/);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
    const subjectDigest = (statement as unknown as { subject: Array<{ digest: { sha256: string } }> }).subject[0]!.digest.sha256;
    assert.deepEqual([response.body.bomFormat, response.body.specVersion], ['CycloneDX', '1.6']);
    const problems = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(response.text);
    assert.equal(problems, null, JSON.stringify(problems, null, 2));
    assert.equal(response.body.metadata.properties.find((p) => p.name === 'assay:report:contentSha256')?.value, subjectDigest);
    const [component] = response.body.components;
    assert.deepEqual([component!.type, component!.name, component!.version], ['machine-learning-model', model, 'v1']);
    const checkRuns = component!.modelCard.quantitativeAnalysis.performanceMetrics.find((m) => m.type === 'check runs');
    assert.equal(checkRuns?.value, String(statement.predicate.content.checkRuns.total));
  });

  it('verifies with nothing but node:crypto and the public key, and fails after one payload byte changes', () => {
    assert.equal(dsseVerifies(envelope, publicKeyPem), true);
    const payload = Buffer.from(envelope.payload, 'base64');
    const at = payload.indexOf(Buffer.from('"total":')) + 8;
    payload[at] = payload[at] === 0x39 ? 0x38 : payload[at]! + 1;
    assert.equal(dsseVerifies({ ...envelope, payload: payload.toString('base64') }, publicKeyPem), false);
  });

  it('assay verify report checks signature, content digest and ledger proofs offline', async () => {
    const file = path.join(dir, 'report.dsse.json');
    const keyFile = path.join(dir, 'assay.pub.pem');
    fs.writeFileSync(file, JSON.stringify(envelope));
    fs.writeFileSync(keyFile, publicKeyPem);
    const valid = spawnAssay(['verify', 'report', file, '--key', keyFile], { ...process.env, ASSAY_KEY: '' });
    assert.equal(await valid.exited, 0, valid.output());
    assert.match(valid.output(), /VALID/);

    const online = spawnAssay(['verify', 'report', file, '--keys-url', api('/v1/signing-keys'), '--api-key', auditor()], { ...process.env });
    assert.equal(await online.exited, 0, online.output());

    // A forged statement re-signed by someone else's key fails on the signature.
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
    statement.predicate.content.checkRuns.items.pop();
    const forged = path.join(dir, 'forged.dsse.json');
    fs.writeFileSync(forged, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    const invalid = spawnAssay(['verify', 'report', forged, '--key', keyFile], { ...process.env, ASSAY_KEY: '' });
    assert.equal(await invalid.exited, 1, invalid.output());
    assert.match(invalid.output(), /INVALID/);
  });

  it('serves the HTML page, which opens in headless Chromium without console errors', { skip: !fs.existsSync(CHROMIUM) && `${CHROMIUM} is not installed (.ci/run installs it)` }, async () => {
    const page = await call('GET', api(`/v1/reports/${reportId}`), { key: auditor(), headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(!page.text.includes('<script'), 'the page needs no scripts');

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${auditor()}` } });
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      const response = await tab.goto(api(`/v1/reports/${reportId}`), { waitUntil: 'load' });
      assert.equal(response?.status(), 200);
      assert.deepEqual(problems, []);
      assert.equal(await tab.locator('svg.chart[data-monitor]').count(), 2);
      assert.equal(await tab.locator('svg.chart[data-monitor] polyline.series').count(), 2);
      assert.equal(await tab.locator('svg.chart[data-chart="providers"]').count(), 1);
      assert.match(await tab.locator('h1').innerText(), new RegExp(model));
      const shot = await tab.screenshot({ path: process.env.ASSAY_REPORT_SCREENSHOT ?? path.join(dir, 'report.png'), fullPage: true });
      assert.ok(shot.byteLength > 10_000, `screenshot of ${shot.byteLength} bytes`);
      const pdf = await tab.pdf({ format: 'A4' }).catch(() => null);
      if (pdf) assert.ok(pdf.byteLength > 1000);
    } finally {
      await browser.close();
    }
  });

  it('enforces roles and hides other projects', async () => {
    assert.equal((await call('POST', api('/v1/reports'), { key: project.keys.ci.key, json: { model, from: start.toISOString(), to: new Date().toISOString() } })).status, 403);
    assert.equal((await call('GET', api(`/v1/reports/${reportId}`), { key: other.keys.auditor.key })).status, 404);
    assert.equal((await call('POST', api('/v1/reports'), { key: other.keys.auditor.key, json: { model, from: start.toISOString(), to: new Date().toISOString() } })).status, 404);
    assert.equal((await call('POST', api('/v1/reports'), { key: auditor(), json: { model, from: new Date().toISOString(), to: start.toISOString() } })).status, 400);
  });

  it('builds scheduled reports from a per-model schedule', async () => {
    const put = await call('PUT', api(`/v1/models/${model}/report-schedule`), { key: owner(), json: { everySeconds: 3600, periodDays: 1 } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await call('PUT', api(`/v1/models/${model}/report-schedule`), { key: auditor(), json: { everySeconds: 3600, periodDays: 1 } })).status, 403);
    const scheduled = await eventually(async () => {
      const list = await call<{ items: Array<{ id: string; trigger: string; status: string }> }>('GET', api(`/v1/models/${model}/reports`), { key: auditor() });
      return list.body.items.find((r) => r.trigger === 'schedule' && r.status === 'ready');
    }, 30_000, 300);
    assert.ok(scheduled.id);
    assert.equal((await call('DELETE', api(`/v1/models/${model}/report-schedule`), { key: owner() })).status, 204);
    assert.equal((await call('GET', api(`/v1/models/${model}/report-schedule`), { key: owner() })).status, 404);
  });

  it('takes requests, tokens and cost from the clients\' GenAI metrics when they send them', async () => {
    const metered = uniqueName('metered-bot');
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: metered } })).status, 201);
    const priced = await call('PUT', api('/v1/prices'), {
      key: owner(),
      json: { prices: [{ provider: 'openai', model: metered, inputPerMillion: 1, outputPerMillion: 4 }] },
    });
    assert.equal(priced.status, 200, priced.text);
    // As the official instrumentation records them, exported cumulatively (the SDK's default) twice.
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meters = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'metered-app', 'service.version': '3.1.0' }), readers: [reader] });
    const meter = meters.getMeter('@opentelemetry/instrumentation-openai');
    const tokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
    const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    const call1 = { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': metered, 'gen_ai.response.model': `${metered}-2024-07-18` };
    const exportNow = async (): Promise<void> => {
      await reader.forceFlush();
      const batches = exporter.getMetrics();
      const answer = await fetch(`${assay.ingestUrl}/v1/metrics`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${project.keys.ingest.key}`, 'Content-Type': 'application/x-protobuf' },
        body: ProtobufMetricsSerializer.serializeRequest(batches.at(-1)!)!,
      });
      assert.equal(answer.status, 200, await answer.text());
    };
    for (let i = 0; i < 3; i++) {
      tokens.record(1000, { ...call1, 'gen_ai.token.type': 'input' });
      tokens.record(250, { ...call1, 'gen_ai.token.type': 'output' });
      duration.record(0.5, call1);
    }
    await exportNow();
    tokens.record(1000, { ...call1, 'gen_ai.token.type': 'input' });
    tokens.record(250, { ...call1, 'gen_ai.token.type': 'output' });
    duration.record(0.5, { ...call1, 'error.type': 'RateLimitError' });
    await exportNow();
    await exportNow();
    await meters.shutdown();

    const created = await call<{ id: string }>('POST', api('/v1/reports'), {
      key: auditor(),
      json: { model: metered, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
    });
    assert.equal(created.status, 202, created.text);
    const ready = await eventually(async () => {
      const response = await call<Envelope>('GET', api(`/v1/reports/${created.body.id}`), { key: auditor(), headers: { accept: 'application/json' } });
      return response.status === 200 ? response : null;
    }, 30_000, 250);
    const statement = JSON.parse(Buffer.from(ready.body.payload, 'base64').toString('utf8')) as { predicate: { content: { economics: Record<string, unknown> } } };
    const economics = statement.predicate.content.economics;
    assert.deepEqual(
      { source: economics.source, requests: economics.requests, sampled: economics.sampled, inputTokens: economics.inputTokens, outputTokens: economics.outputTokens, estimated: economics.estimated },
      { source: 'client_metrics', requests: 4, sampled: 0, inputTokens: 4000, outputTokens: 1000, estimated: false },
    );
    assert.ok(Math.abs(Number(economics.costUsd) - (4000 * 1 + 1000 * 4) / 1e6) < 1e-12, String(economics.costUsd));
  });
});

