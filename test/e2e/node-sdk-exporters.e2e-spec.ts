import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';
import { CHAT_MODEL, EMBEDDING_MODEL, type GenAiClient } from '../../libs/otlp/fixtures/clients/catalog.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';

const run = promisify(execFile);
const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'genai-clients', 'drive.js');
const SECONDS = 30;

function counterValue(scraped: string, line: RegExp): number {
  return scraped.split('\n').filter((l) => line.test(l)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

// The standard set-up: a NodeSDK configured only by OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS exports
// traces, metrics and logs (http/protobuf) to <endpoint>/v1/{traces,metrics,logs}.
describe(`a NodeSDK with its default exporters, ${SECONDS} s against the ingest`, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let fake: FakeOpenAi;
  const outputs = new Map<GenAiClient, { stdout: string; stderr: string }>();
  let scraped = '';

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    for (const name of [CHAT_MODEL, EMBEDDING_MODEL]) {
      const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name } });
      assert.equal(created.status, 201, created.text);
    }
    fake = await startFakeOpenAi();
    await Promise.all(
      (['otel-openai', 'ai-sdk-6'] as const).map(async (client) => {
        outputs.set(
          client,
          await run(process.execPath, [DRIVER, client, 'otlp'], {
            timeout: (SECONDS + 60) * 1000,
            env: {
              PATH: process.env.PATH,
              FAKE_OPENAI_URL: fake.url,
              DRIVE_REPEAT_SECONDS: String(SECONDS),
              OTEL_EXPORTER_OTLP_ENDPOINT: assay.ingestUrl,
              OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${project.keys.ingest.key}`,
              // Not exporter settings: where the SDK reports a failed export, and metrics every 5 s
              // instead of once a minute, so that several periodic metric exports happen in the run.
              OTEL_LOG_LEVEL: 'warn',
              OTEL_METRIC_EXPORT_INTERVAL: '5000',
            },
          }),
        );
      }),
    );
    scraped = await (await fetch(`${assay.ingestUrl}/metrics`)).text();
  });
  after(async () => {
    await fake?.close();
    await assay?.close();
  });

  it('reports no export error', () => {
    for (const [client, output] of outputs) assert.equal(output.stderr, '', `${client}: ${output.stderr}`);
  });

  it('every export request was answered 200', () => {
    assert.ok(counterValue(scraped, /^assay_ingest_requests_total\{status="200"\}/) >= 3, scraped);
    assert.equal(counterValue(scraped, /^assay_ingest_requests_total\{status="(?!200")/), 0);
  });

  it('the spans, the GenAI events and the GenAI client metrics all arrived', async () => {
    assert.ok(counterValue(scraped, /^assay_ingest_spans_total\{outcome="sampled"\}/) > 100, scraped);
    assert.ok(counterValue(scraped, /^assay_ingest_log_records_total\{kind="genai"\}/) > 100, scraped);
    assert.ok(counterValue(scraped, /^assay_ingest_metrics_total\{kind="gen_ai.client.token.usage"\}/) >= 2, scraped);
    assert.ok(counterValue(scraped, /^assay_ingest_client_metric_points_total\{outcome="folded"\}/) >= 2, scraped);
    assert.equal(counterValue(scraped, /^assay_ingest_client_metric_points_total\{outcome="unmatched"\}/), 0);
    const page = await call<{ items: Array<{ signals: Record<string, unknown> }> }>('GET', `${assay.apiUrl}/v1/models/${CHAT_MODEL}/samples?limit=1000`, {
      key: project.keys.auditor.key,
    });
    assert.equal(page.status, 200, page.text);
    assert.ok(page.body.items.length > 100);
    // Content of the official instrumentation arrives only as log records, joined to the spans' samples.
    const withContent = page.body.items.filter((s) => s.signals.output_chars !== undefined);
    assert.ok(withContent.length > page.body.items.length / 2, `${withContent.length} of ${page.body.items.length} with output_chars`);
  });
});
