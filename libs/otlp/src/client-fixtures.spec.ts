import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHAT_SNAPSHOT, EMBEDDING_MODEL, EXPECTED, GENAI_CLIENTS, SCENARIOS, type GenAiClient, type Scenario } from '../fixtures/clients/catalog.js';
import { builtInSignals } from './built-in-signals.js';
import { decodeLogsRequest } from './decode-logs-request.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { extractInferences } from './extract-inferences.js';
import { genAiLogEvents } from './genai-log-events.js';

// Spans and log records the published clients exported against the fake OpenAI server, written by
// test/support/genai-clients/generate-fixtures.ts (npm run fixtures:clients).
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'clients');

interface ClientFixture {
  traces: unknown;
  logs: unknown;
  scenarios: Record<Scenario, string>;
}

function read(client: GenAiClient) {
  const fixture = JSON.parse(readFileSync(join(fixturesDir, `${client}.json`), 'utf8')) as ClientFixture;
  const request = decodeTraceRequest(Buffer.from(JSON.stringify(fixture.traces)), 'json');
  const extracted = extractInferences(request);
  const logs = decodeLogsRequest(Buffer.from(JSON.stringify(fixture.logs)), 'json');
  const events = genAiLogEvents(logs.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)));
  return { fixture, request, extracted, events };
}

describe('published GenAI clients: golden fixtures', () => {
  for (const client of GENAI_CLIENTS) {
    describe(client, () => {
      const { fixture, request, extracted, events } = read(client);

      it('every span decodes and none is refused', () => {
        assert.ok(request.spanCount > 0);
        assert.deepEqual(extracted.rejected, { count: 0, reasons: [] });
      });

      for (const scenario of SCENARIOS) {
        const expected = EXPECTED[client][scenario];
        const traceId = fixture.scenarios[scenario];
        it(expected ? `${scenario}: one inference of ${expected.model}` : `${scenario}: no inference`, () => {
          const records = extracted.inferences.filter((r) => r.traceId === traceId);
          if (!expected) {
            assert.deepEqual(records, []);
            return;
          }
          assert.equal(records.length, 1, records.map((r) => r.spanName).join(', '));
          const [record] = records;
          assert.equal(record.requestModel, expected.model);
          if (expected.model !== EMBEDDING_MODEL && expected.status !== 'error' && expected.usage) assert.equal(record.responseModel, CHAT_SNAPSHOT);
          const fromLogs = events.spans.find((s) => s.traceId === traceId && s.spanId === record.spanId)?.signals ?? {};
          const signals = { ...builtInSignals(record), ...fromLogs };
          assert.equal(signals.provider, 'openai');
          assert.equal(signals.status, expected.status);
          assert.equal(signals.finish_reason, expected.finishReason);
          assert.equal(signals.output_chars, expected.outputChars);
          if (expected.contentFrom === 'logs') assert.equal(builtInSignals(record).output_chars, undefined);
          assert.equal(signals.error_type, expected.errorType);
          assert.equal(signals.cached_input_tokens, expected.cachedInputTokens);
          assert.equal(signals.reasoning_tokens, expected.reasoningTokens);
          assert.equal(typeof signals.ttft_ms === 'number', expected.ttft === true);
          assert.equal(typeof signals.input_tokens === 'number', expected.usage);
        });
      }
    });
  }
});
