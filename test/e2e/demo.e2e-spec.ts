import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp } from '@assay/api';
import { runDemo, type DemoOutcome } from '@assay/cli';
import { createIngestApp } from '@assay/ingest';
import { call, testAdminKey } from '@assay/testing';
import { createWorkerApp } from '@assay/worker';

describe('npm run demo -- --no-serve', () => {
  let outcome: DemoOutcome | null = null;
  let printed = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-demo-'));
  after(async () => {
    await outcome?.running.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells the whole story and each step ends as it should', async () => {
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed += chunk.toString();
        done();
      },
    });
    outcome = await runDemo({
      serve: false,
      out,
      factories: { api: createApiApp, ingest: createIngestApp, worker: (runtime) => createWorkerApp(runtime) },
      env: {
        ...process.env,
        ASSAY_DATA_DIR: dataDir,
        ASSAY_API_PORT: '0',
        ASSAY_INGEST_PORT: '0',
        ASSAY_WORKER_PORT: '0',
        ASSAY_ADMIN_KEY: testAdminKey(),
        ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-demo`,
      },
    });
    const steps = outcome.steps as {
      baseline: { sampleCount: number };
      drifted: { failing: string[]; inputTokens: string };
      alert: { id: string; alerts: number; unverified: number };
      gateFail: string;
      gatePass: string;
      report: { entries: number; treeSize: number };
      consistency: { from: number; to: number };
    };
    assert.equal(steps.baseline.sampleCount, 600);
    for (const signal of ['output_tokens', 'eval.faithfulness.score', 'latency p95', 'content filter rate']) {
      assert.ok(steps.drifted.failing.includes(signal), `${signal} flagged: ${steps.drifted.failing.join(', ')}`);
    }
    assert.ok(!steps.drifted.failing.includes('input_tokens'));
    assert.equal(steps.drifted.inputTokens, 'ok');
    assert.match(steps.alert.id, /^msg_/);
    assert.ok(steps.alert.alerts >= 3);
    assert.equal(steps.alert.unverified, 0);
    assert.equal(steps.gateFail, 'fail');
    assert.equal(steps.gatePass, 'pass');
    assert.ok(steps.report.entries > 0 && steps.report.treeSize > 0);
    assert.ok(steps.consistency.to > steps.consistency.from);
    assert.equal((printed.match(/✔/g) ?? []).length, 15, printed);
    assert.doesNotMatch(printed, /✘/);
    const html = fs.readdirSync(dataDir).find((f) => f.startsWith('report-') && f.endsWith('.html'));
    assert.ok(html, 'the HTML report was written');
  });

  it('listens on 127.0.0.1 only, since it prints live keys', () => {
    for (const app of ['api', 'ingest', 'worker'] as const) {
      assert.equal((outcome!.running.apps[app]!.getHttpServer().address() as AddressInfo).address, '127.0.0.1', app);
    }
    assert.match(printed, /Listening on 127\.0\.0\.1 only/);
  });

  it('prints every key it made, where the admin key comes from, and the OTel settings', () => {
    const { keys } = outcome!.steps as { keys: Record<string, string> };
    assert.deepEqual(Object.keys(keys).sort(), ['auditor', 'ci', 'ingest', 'owner']);
    for (const [role, key] of Object.entries(keys)) assert.match(printed, new RegExp(`^  ${role} +${key}$`, 'm'), role);
    assert.match(printed, /^ {2}admin {4}the ASSAY_ADMIN_KEY of the environment$/m);
    assert.ok(printed.includes(`OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${keys.ingest}`));
  });

  it('leaves its checks on an hourly schedule, so a demo left serving stops adding runs every 2 s', async () => {
    const { keys } = outcome!.steps as { keys: Record<string, string> };
    const api = outcome!.urls.api;
    const model = 'support-assistant';
    const monitors = await call<{ items: Array<{ id: string; scheduleSeconds: number }> }>('GET', `${api}/v1/models/${model}/monitors`, { key: keys.owner });
    const policies = await call<{ items: Array<{ id: string; scheduleSeconds: number }> }>('GET', `${api}/v1/models/${model}/policies`, { key: keys.owner });
    const checks = [...monitors.body.items, ...policies.body.items];
    assert.equal(checks.length, 9);
    assert.deepEqual(new Set(checks.map((c) => c.scheduleSeconds)), new Set([3600]));
    const since = new Date(Date.now() + 1000).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const runs = await call<{ items: Array<{ monitorId: string }> }>('GET', `${api}/v1/check-runs?model=${model}&from=${since}&limit=1000`, { key: keys.auditor });
    const perCheck = new Map<string, number>();
    for (const run of runs.body.items) perCheck.set(run.monitorId, (perCheck.get(run.monitorId) ?? 0) + 1);
    assert.ok([...perCheck.values()].every((n) => n <= 1), `runs per check in 6 s: ${JSON.stringify([...perCheck.values()])}`);
  });

  it('refuses --reset on a DATABASE_URL, before starting anything', async () => {
    await assert.rejects(
      runDemo({
        serve: false,
        reset: true,
        out: new Writable({ write: (_chunk, _encoding, done) => done() }),
        factories: { api: createApiApp, ingest: createIngestApp, worker: (runtime) => createWorkerApp(runtime) },
        env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ASSAY_DATA_DIR: dataDir, ASSAY_ADMIN_KEY: testAdminKey() },
      }),
      /--reset removes the demo's embedded PostgreSQL; with DATABASE_URL set, drop and recreate that database yourself/,
    );
  });

  it('never writes a key or a webhook secret it created to the logs of the whole run', async () => {
    const { secrets, logFile } = outcome!.steps as { secrets: string[]; logFile: string };
    assert.equal(secrets.length, 6);
    assert.ok(secrets.some((s) => s.startsWith('whsec_')));
    await outcome!.running.close();
    const logs = fs.readFileSync(logFile, 'utf8');
    assert.ok(logs.split('\n').length > 50, 'the run logged its requests and jobs');
    for (const secret of secrets) {
      assert.ok(!logs.includes(secret), `a secret starting ${secret.slice(0, 12)} is in the logs`);
      const encoded = secret.startsWith('whsec_') ? secret.slice(6) : Buffer.from(secret).toString('base64');
      assert.ok(!logs.includes(encoded), `an encoding of a secret starting ${secret.slice(0, 12)} is in the logs`);
    }
  });
});
