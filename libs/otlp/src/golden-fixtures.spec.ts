import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtInSignals } from './built-in-signals.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { extractInferences } from './extract-inferences.js';
import type { InferenceRecord } from './inference-record.js';
import { readFixture, type FixtureName } from './test-support/fixtures.js';

// Fixtures written by fixtures/generate-fixtures.ts with the OpenTelemetry JS SDK serializers.
const EPOCH_NS = 1736935200000000000n;
const ms = (offset: number): bigint => EPOCH_NS + BigInt(offset) * 1_000_000n;

function extract(name: FixtureName, format: 'protobuf' | 'json') {
  return extractInferences(decodeTraceRequest(readFixture(name, format), format));
}

function bySpanId(inferences: InferenceRecord[], spanId: string): InferenceRecord {
  const found = inferences.find((inference) => inference.spanId === spanId);
  assert.ok(found, `no inference for span ${spanId}`);
  return found;
}

describe('golden fixtures', () => {
  for (const name of ['genai', 'genai-legacy', 'openinference'] as const) {
    it(`${name}: the protobuf and JSON encodings decode to the same request`, () => {
      const fromProtobuf = decodeTraceRequest(readFixture(name, 'protobuf'), 'protobuf');
      const fromJson = decodeTraceRequest(readFixture(name, 'json'), 'json');
      assert.deepEqual(fromProtobuf, fromJson);
    });
  }

  for (const format of ['protobuf', 'json'] as const) {
    describe(format, () => {
      it('genai: decodes the request tree with hex ids, bigint times and typed attribute values', () => {
        const request = decodeTraceRequest(readFixture('genai', format), format);
        assert.equal(request.spanCount, 7);
        assert.deepEqual(request.resourceSpans[0].resource.attributes, {
          'service.name': 'support-bot',
          'service.version': '1.4.2',
          'deployment.environment.name': 'staging',
        });
        const chat = request.resourceSpans[0].scopeSpans[0].spans[0];
        assert.equal(request.resourceSpans[0].scopeSpans[0].scope.name, 'assay-fixtures');
        assert.equal(chat.traceId, 'a1000000000000000000000000000001');
        assert.equal(chat.spanId, 'a100000000000002');
        assert.equal(chat.parentSpanId, 'a100000000000001');
        assert.equal(chat.kind, 'client');
        assert.equal(chat.startTimeUnixNano, ms(10));
        assert.equal(chat.endTimeUnixNano, ms(860));
        assert.equal(chat.attributes['gen_ai.usage.input_tokens'], 120);
        assert.equal(chat.attributes['gen_ai.request.temperature'], 0.2);
        assert.deepEqual(chat.attributes['gen_ai.response.finish_reasons'], ['stop']);
      });

      it('genai: maps the chat span to an inference record', () => {
        const { inferences } = extract('genai', format);
        const chat = bySpanId(inferences, 'a100000000000002');
        assert.deepEqual(
          {
            dialect: chat.dialect,
            serviceName: chat.serviceName,
            serviceVersion: chat.serviceVersion,
            spanName: chat.spanName,
            operation: chat.operation,
            provider: chat.provider,
            requestModel: chat.requestModel,
            responseModel: chat.responseModel,
            responseId: chat.responseId,
            finishReasons: chat.finishReasons,
            inputTokens: chat.inputTokens,
            outputTokens: chat.outputTokens,
            cachedInputTokens: chat.cachedInputTokens,
            reasoningTokens: chat.reasoningTokens,
            totalTokens: chat.totalTokens,
            statusCode: chat.statusCode,
            errorType: chat.errorType,
            inputText: chat.inputText,
            outputText: chat.outputText,
            startTimeMs: chat.startTimeMs,
            endTimeMs: chat.endTimeMs,
          },
          {
            dialect: 'genai',
            serviceName: 'support-bot',
            serviceVersion: '1.4.2',
            spanName: 'chat gpt-4o',
            operation: 'chat',
            provider: 'openai',
            requestModel: 'gpt-4o',
            responseModel: 'gpt-4o-2024-08-06',
            responseId: 'chatcmpl-A1',
            finishReasons: ['stop'],
            inputTokens: 120,
            outputTokens: 42,
            cachedInputTokens: 20,
            reasoningTokens: 0,
            totalTokens: 162,
            statusCode: 'unset',
            errorType: null,
            inputText: 'What is the refund window?',
            outputText: 'Refunds are accepted within 30 days. Call 555-0100.',
            startTimeMs: 1736935200010,
            endTimeMs: 1736935200860,
          },
        );
        assert.equal(chat.spanAttributes['assay.model.version'], '7');
      });

      it('genai: keeps embeddings and failed chats, skips the server, tool and evaluator spans', () => {
        const { inferences, skipped, rejected } = extract('genai', format);
        assert.deepEqual(
          inferences.map((inference) => [inference.spanName, inference.operation, inference.statusCode, inference.errorType]),
          [
            ['chat gpt-4o', 'chat', 'unset', null],
            ['embeddings text-embedding-3-small', 'embeddings', 'unset', null],
            ['chat claude-sonnet-4', 'chat', 'error', 'rate_limit_error'],
          ],
        );
        assert.equal(skipped, 4);
        assert.deepEqual(rejected, { count: 0, reasons: [] });
      });

      it('genai: ties evaluations on the span, on a child span and by response id to the chat', () => {
        const { inferences, evaluations } = extract('genai', format);
        assert.deepEqual(
          evaluations.map((evaluation) => ({
            name: evaluation.name,
            scoreValue: evaluation.scoreValue,
            scoreLabel: evaluation.scoreLabel,
            explanation: evaluation.explanation,
            responseId: evaluation.responseId,
            spanId: evaluation.spanId,
            parentSpanId: evaluation.parentSpanId,
            timeUnixNano: evaluation.timeUnixNano,
            inferenceSpanId: evaluation.inferenceSpanId,
          })),
          [
            {
              name: 'relevance',
              scoreValue: 0.9,
              scoreLabel: 'pass',
              explanation: null,
              responseId: null,
              spanId: 'a100000000000002',
              parentSpanId: 'a100000000000001',
              timeUnixNano: ms(850),
              inferenceSpanId: 'a100000000000002',
            },
            {
              name: 'faithfulness',
              scoreValue: 0.75,
              scoreLabel: 'pass',
              explanation: 'One claim is not supported by the context.',
              responseId: null,
              spanId: 'a100000000000003',
              parentSpanId: 'a100000000000002',
              timeUnixNano: ms(950),
              inferenceSpanId: 'a100000000000002',
            },
            {
              name: 'toxicity',
              scoreValue: 0.02,
              scoreLabel: null,
              explanation: null,
              responseId: 'chatcmpl-A1',
              spanId: 'a100000000000007',
              parentSpanId: null,
              timeUnixNano: ms(5010),
              inferenceSpanId: 'a100000000000002',
            },
          ],
        );
        assert.deepEqual(
          bySpanId(inferences, 'a100000000000002').evaluations.map((evaluation) => evaluation.name),
          ['relevance', 'faithfulness', 'toxicity'],
        );
      });

      it('genai: gives the chat its built-in signals', () => {
        const { inferences } = extract('genai', format);
        assert.deepEqual(builtInSignals(bySpanId(inferences, 'a100000000000002')), {
          latency_ms: 850,
          status: 'unset',
          input_tokens: 120,
          output_tokens: 42,
          total_tokens: 162,
          cached_input_tokens: 20,
          reasoning_tokens: 0,
          finish_reason: 'stop',
          provider: 'openai',
          operation: 'chat',
          response_model: 'gpt-4o-2024-08-06',
          output_chars: 51,
          'eval.relevance.score': 0.9,
          'eval.relevance.label': 'pass',
          'eval.faithfulness.score': 0.75,
          'eval.faithfulness.label': 'pass',
          'eval.toxicity.score': 0.02,
        });
      });

      it('genai-legacy: reads gen_ai.system, prompt/completion tokens and gen_ai.choice events', () => {
        const { inferences } = extract('genai-legacy', format);
        const chat = bySpanId(inferences, 'b200000000000001');
        assert.deepEqual(
          [chat.dialect, chat.provider, chat.operation, chat.inputTokens, chat.outputTokens, chat.totalTokens],
          ['genai_legacy', 'openai', 'chat', 50, 10, 60],
        );
        assert.deepEqual(chat.finishReasons, ['length']);
        assert.equal(chat.inputText, 'Summarise the ticket.');
        assert.equal(chat.outputText, 'The customer wants');
        assert.equal(chat.responseId, 'chatcmpl-L1');
      });

      it('genai-legacy: reads OpenLLMetry-style indexed prompt and completion attributes', () => {
        const { inferences } = extract('genai-legacy', format);
        const chat = bySpanId(inferences, 'b200000000000002');
        assert.deepEqual(
          [chat.dialect, chat.provider, chat.operation, chat.requestModel, chat.responseModel, chat.totalTokens],
          ['genai_legacy', 'openai', 'chat', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 38],
        );
        assert.deepEqual(chat.finishReasons, ['stop']);
        assert.equal(chat.inputText, 'Say hi');
        assert.equal(chat.outputText, 'Hi there!');
      });

      it('genai-legacy: reads gen_ai.content.prompt/completion events and skips the database span', () => {
        const { inferences, evaluations, skipped } = extract('genai-legacy', format);
        const completion = bySpanId(inferences, 'b200000000000003');
        assert.deepEqual(
          [completion.operation, completion.provider, completion.inputText, completion.outputText],
          ['text_completion', 'gcp.vertex_ai', 'Write a haiku about rain.', 'Soft rain on the roof'],
        );
        assert.deepEqual(
          evaluations.map((evaluation) => [evaluation.name, evaluation.scoreValue, evaluation.scoreLabel, evaluation.inferenceSpanId]),
          [['fluency', 4, 'good', 'b200000000000003']],
        );
        assert.equal(skipped, 1);
        assert.equal(inferences.length, 3);
      });

      it('openinference: maps the LLM span, with cached and reasoning tokens and message content', () => {
        const { inferences } = extract('openinference', format);
        const llm = bySpanId(inferences, 'c300000000000002');
        assert.deepEqual(
          {
            dialect: llm.dialect,
            operation: llm.operation,
            provider: llm.provider,
            requestModel: llm.requestModel,
            inputTokens: llm.inputTokens,
            outputTokens: llm.outputTokens,
            cachedInputTokens: llm.cachedInputTokens,
            reasoningTokens: llm.reasoningTokens,
            totalTokens: llm.totalTokens,
            statusCode: llm.statusCode,
            inputText: llm.inputText,
            outputText: llm.outputText,
            evaluations: llm.evaluations.map((evaluation) => [evaluation.name, evaluation.scoreValue, evaluation.scoreLabel]),
          },
          {
            dialect: 'openinference',
            operation: 'chat',
            provider: 'openai',
            requestModel: 'gpt-4o-mini',
            inputTokens: 30,
            outputTokens: 12,
            cachedInputTokens: 10,
            reasoningTokens: 4,
            totalTokens: 42,
            statusCode: 'ok',
            inputText: 'How do I reset my password?',
            outputText: 'Open Settings, then choose Reset password.',
            evaluations: [['correctness', 0, 'incorrect']],
          },
        );
      });

      it('openinference: maps EMBEDDING spans, takes the error type from the exception event, skips CHAIN', () => {
        const { inferences, skipped } = extract('openinference', format);
        const embedding = bySpanId(inferences, 'c300000000000003');
        assert.deepEqual([embedding.operation, embedding.requestModel, embedding.inputTokens], [
          'embeddings',
          'text-embedding-ada-002',
          5,
        ]);
        const timeout = bySpanId(inferences, 'c300000000000004');
        assert.deepEqual([timeout.statusCode, timeout.errorType, timeout.statusMessage], [
          'error',
          'APITimeoutError',
          'APITimeoutError: Request timed out.',
        ]);
        assert.equal(skipped, 1);
      });
    });
  }
});
