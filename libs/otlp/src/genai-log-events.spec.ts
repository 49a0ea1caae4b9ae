import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genAiLogEvents, type GenAiLogRecordInput } from './genai-log-events.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function record(eventName: string | null, fields: Partial<GenAiLogRecordInput> = {}): GenAiLogRecordInput {
  return { eventName, body: undefined, attributes: {}, traceId: TRACE, spanId: SPAN, timeUnixNano: 1n, ...fields };
}

describe(genAiLogEvents.name, () => {
  it('gives the span of a gen_ai.choice its output length and normalised finish reason', () => {
    const events = genAiLogEvents([
      record('gen_ai.user.message', { body: { content: 'What is the capital of France?' } }),
      record('gen_ai.choice', { body: { index: 0, finish_reason: 'tool_calls', message: { content: 'Paris, of course: 😀' } } }),
    ]);
    assert.deepEqual(events, {
      spans: [
        {
          traceId: TRACE,
          spanId: SPAN,
          signals: { output_chars: 19, finish_reason: 'tool_call' },
          outputText: 'Paris, of course: 😀',
          inputText: 'What is the capital of France?',
        },
      ],
      unjoined: 0,
      other: 0,
    });
  });

  it('reads gen_ai.client.inference.operation.details input and output messages', () => {
    const events = genAiLogEvents([
      record('gen_ai.client.inference.operation.details', {
        attributes: {
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' }]),
        },
      }),
    ]);
    assert.deepEqual(events.spans[0].signals, { output_chars: 5, finish_reason: 'stop' });
    assert.deepEqual([events.spans[0].inputText, events.spans[0].outputText], ['Say hello', 'Hello']);
  });

  it('keeps a span whose events carry only its prompt, for input-text signals', () => {
    const events = genAiLogEvents([record('gen_ai.user.message', { attributes: { content: 'Why?' } })]);
    assert.deepEqual(events.spans, [{ traceId: TRACE, spanId: SPAN, signals: {}, outputText: null, inputText: 'Why?' }]);
  });

  it('keeps the latest evaluation of a name, and separates spans', () => {
    const other = 'c7ad6b7169203331';
    const events = genAiLogEvents([
      record('gen_ai.evaluation.result', { timeUnixNano: 5n, attributes: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.4 } }),
      record('gen_ai.evaluation.result', { timeUnixNano: 2n, attributes: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.9, 'gen_ai.evaluation.score.label': 'pass' } }),
      record('gen_ai.evaluation.result', { spanId: other, attributes: { 'gen_ai.evaluation.name': 'toxicity', 'gen_ai.evaluation.score.value': 0.1 } }),
    ]);
    assert.deepEqual(
      events.spans.map((s) => [s.spanId, s.signals]),
      [
        [SPAN, { 'eval.relevance.score': 0.4, 'eval.relevance.label': 'pass' }],
        [other, { 'eval.toxicity.score': 0.1 }],
      ],
    );
  });

  it('counts records it cannot join and records that are not GenAI events', () => {
    const events = genAiLogEvents([
      record('gen_ai.choice', { traceId: null, spanId: null, body: { message: { content: 'x' } } }),
      record(null, { body: 'GET /health 200' }),
      record('http.request'),
    ]);
    assert.deepEqual(events, { spans: [], unjoined: 1, other: 2 });
  });
});
