import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp } from '@assay/api';
import { runDemo, type DemoOutcome } from '@assay/cli';
import { createIngestApp } from '@assay/ingest';
import { testAdminKey } from '@assay/testing';
import { createWorkerApp } from '@assay/worker';

describe('npm run demo -- --no-serve', () => {
  let outcome: DemoOutcome | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-demo-'));
  after(async () => {
    await outcome?.running.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells the whole story and each step ends as it should', async () => {
    let printed = '';
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
    assert.equal((printed.match(/✔/g) ?? []).length, 14, printed);
    assert.doesNotMatch(printed, /✘/);
    const html = fs.readdirSync(dataDir).find((f) => f.startsWith('report-') && f.endsWith('.html'));
    assert.ok(html, 'the HTML report was written');
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
