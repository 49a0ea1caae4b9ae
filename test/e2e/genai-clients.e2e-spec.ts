import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';
import {
  CHAT_MODEL,
  EMBEDDING_INPUT_TOKENS,
  EMBEDDING_MODEL,
  EXPECTED,
  FAKE_USAGE,
  GENAI_CLIENTS,
  SCENARIOS,
  type ExpectedSample,
  type GenAiClient,
  type Scenario,
} from '../../libs/otlp/fixtures/clients/catalog.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';

const run = promisify(execFile);
const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'genai-clients', 'drive.js');

// Prices registered for the requested names only: every answer names a dated snapshot.
const CHAT_PRICE = { inputPerMillion: 0.15, cachedInputPerMillion: 0.075, outputPerMillion: 0.6 };
const EMBEDDING_PRICE = { inputPerMillion: 0.02, outputPerMillion: 0 };

// Content-derived custom signals: they must work whether the client puts the text on the span or
// sends it as GenAI events in log records.
const CONTENT_SIGNALS = [
  { name: 'mentions_paris', kind: 'numeric', source: { type: 'regex_match', pattern: 'Paris', target: 'output_text' } },
  { name: 'asks_question', kind: 'numeric', source: { type: 'regex_match', pattern: '\\?$', target: 'input_text' } },
];

interface Sample {
  traceId: string;
  spanId: string;
  signals: Record<string, number | string>;
}

function expectedCost(expected: ExpectedSample): number {
  if (expected.model === EMBEDDING_MODEL) return (EMBEDDING_INPUT_TOKENS * EMBEDDING_PRICE.inputPerMillion) / 1e6;
  const cachedTokens = expected.cachedInputTokens ?? 0;
  return ((FAKE_USAGE.input - cachedTokens) * CHAT_PRICE.inputPerMillion + cachedTokens * CHAT_PRICE.cachedInputPerMillion + FAKE_USAGE.output * CHAT_PRICE.outputPerMillion) / 1e6;
}

describe('published GenAI clients against the real ingest', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let fake: FakeOpenAi;
  const traces = new Map<GenAiClient, Record<Scenario, string>>();
  const driverErrors = new Map<GenAiClient, string>();
  let samples: Sample[] = [];

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    for (const name of [CHAT_MODEL, EMBEDDING_MODEL]) {
      const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name, customSignals: CONTENT_SIGNALS } });
      assert.equal(created.status, 201, created.text);
    }
    const priced = await call('PUT', `${assay.apiUrl}/v1/prices`, {
      key: project.keys.owner.key,
      json: { prices: [{ provider: 'openai', model: CHAT_MODEL, ...CHAT_PRICE }, { provider: 'openai', model: EMBEDDING_MODEL, ...EMBEDDING_PRICE }] },
    });
    assert.equal(priced.status, 200, priced.text);
    fake = await startFakeOpenAi();
    await Promise.all(
      GENAI_CLIENTS.map(async (client) => {
        const { stdout, stderr } = await run(process.execPath, [DRIVER, client, 'otlp'], {
          timeout: 60_000,
          env: {
            PATH: process.env.PATH,
            FAKE_OPENAI_URL: fake.url,
            OTEL_EXPORTER_OTLP_ENDPOINT: assay.ingestUrl,
            OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${project.keys.ingest.key}`,
            // Where the SDK reports an export it could not make; nothing else is configured.
            OTEL_LOG_LEVEL: 'warn',
          },
        });
        traces.set(client, JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<Scenario, string>);
        driverErrors.set(client, stderr);
      }),
    );
    for (const model of [CHAT_MODEL, EMBEDDING_MODEL]) {
      const page = await call<{ items: Sample[] }>('GET', `${assay.apiUrl}/v1/models/${model}/samples?limit=1000`, { key: project.keys.auditor.key });
      assert.equal(page.status, 200, page.text);
      samples = samples.concat(page.body.items.map((s) => ({ ...s, signals: { ...s.signals, model } })));
    }
  });
  after(async () => {
    await fake?.close();
    await assay?.close();
  });

  for (const client of GENAI_CLIENTS) {
    describe(client, () => {
      it('exports spans, metrics and logs with the SDK defaults without an error', () => {
        assert.equal(driverErrors.get(client), '');
      });

      for (const scenario of SCENARIOS) {
        const expected = EXPECTED[client][scenario];
        it(expected ? `${scenario}: one sample of ${expected.model} with its signals` : `${scenario}: no span, no sample`, () => {
          const found = samples.filter((s) => s.traceId === traces.get(client)![scenario]);
          if (!expected) {
            assert.deepEqual(found, []);
            return;
          }
          assert.equal(found.length, 1, `samples of ${client} ${scenario}: ${JSON.stringify(found)}`);
          const signals = found[0].signals;
          assert.equal(signals.model, expected.model);
          assert.equal(signals.provider, 'openai');
          assert.equal(signals.status, expected.status);
          assert.equal(signals.finish_reason, expected.finishReason);
          assert.equal(signals.output_chars, expected.outputChars);
          assert.equal(signals.mentions_paris, expected.outputChars === undefined ? undefined : 1);
          // Every prompt but the 429's ends with a question mark; only OpenInference records an embedding's input as text.
          const asksQuestion = scenario === 'rate-limited' ? 0 : scenario !== 'embedding' ? 1 : client === 'openinference' ? 0 : undefined;
          assert.equal(signals.asks_question, asksQuestion);
          assert.equal(signals.error_type, expected.errorType);
          assert.equal(signals.cached_input_tokens, expected.cachedInputTokens);
          assert.equal(signals.reasoning_tokens, expected.reasoningTokens);
          if (expected.ttft) assert.ok(typeof signals.ttft_ms === 'number' && signals.ttft_ms > 0 && signals.ttft_ms < 5000, String(signals.ttft_ms));
          else assert.equal(signals.ttft_ms, undefined);
          if (expected.usage) {
            assert.ok(Math.abs(Number(signals.cost_usd) - expectedCost(expected)) < 1e-12, `cost_usd ${signals.cost_usd}, expected ${expectedCost(expected)}`);
          } else {
            assert.equal(signals.cost_usd, undefined);
          }
        });
      }
    });
  }

  it('nothing was left unmatched', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const unmatched = await call<{ services: unknown[] }>('GET', `${assay.apiUrl}/v1/ingest/unmatched?from=${from}`, { key: project.keys.owner.key });
    assert.equal(unmatched.status, 200, unmatched.text);
    assert.deepEqual(unmatched.body.services, []);
  });
});
