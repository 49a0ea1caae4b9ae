import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtInSignals, codePointLength, evaluationSignals } from './built-in-signals.js';
import { extractInferences } from './extract-inferences.js';
import type { EvaluationRecord, InferenceRecord } from './inference-record.js';
import { CHAT_ATTRIBUTES, requestOf, span } from './test-support/spans.js';

function inference(attributes = CHAT_ATTRIBUTES, overrides: Partial<InferenceRecord> = {}): InferenceRecord {
  const [record] = extractInferences(requestOf([span({ attributes })])).inferences;
  return { ...record, ...overrides };
}

function evaluation(name: string, timeUnixNano: bigint, scoreValue: number | null, scoreLabel: string | null): EvaluationRecord {
  return {
    name,
    scoreValue,
    scoreLabel,
    explanation: null,
    responseId: null,
    traceId: 't',
    spanId: 's',
    parentSpanId: null,
    timeUnixNano,
    timeMs: 0,
    inferenceSpanId: null,
  };
}

describe(builtInSignals.name, () => {
  it('gives exactly the signals whose sources are present', () => {
    assert.deepEqual(builtInSignals(inference()), {
      latency_ms: 250,
      status: 'unset',
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      provider: 'openai',
      operation: 'chat',
    });
  });

  it('measures latency with sub-millisecond precision', () => {
    const record = inference(CHAT_ATTRIBUTES, { startTimeUnixNano: 1_000_000_000n, endTimeUnixNano: 1_012_345_678n });
    assert.equal(builtInSignals(record).latency_ms, 12.345678);
  });

  it('takes the first finish reason, the error type and the status', () => {
    const record = inference(CHAT_ATTRIBUTES, { finishReasons: ['content_filter', 'stop'], errorType: 'timeout', statusCode: 'error' });
    const signals = builtInSignals(record);
    assert.deepEqual([signals.finish_reason, signals.error_type, signals.status], ['content_filter', 'timeout', 'error']);
  });

  it('gives output_chars only when content is present, counting code points', () => {
    assert.deepEqual(
      [builtInSignals(inference()).output_chars, builtInSignals(inference(CHAT_ATTRIBUTES, { outputText: 'né 😀' })).output_chars],
      [undefined, 4],
    );
  });

  it('adds eval.<name>.score and eval.<name>.label from tied evaluations', () => {
    const record = inference(CHAT_ATTRIBUTES, { evaluations: [evaluation('relevance', 1n, 0.8, 'pass')] });
    const signals = builtInSignals(record);
    assert.deepEqual([signals['eval.relevance.score'], signals['eval.relevance.label']], [0.8, 'pass']);
  });
});

describe(evaluationSignals.name, () => {
  it('keeps the latest result of a name', () => {
    const signals = evaluationSignals([evaluation('tone', 5n, 0.2, 'bad'), evaluation('tone', 1n, 0.9, 'good')]);
    assert.deepEqual(signals, { 'eval.tone.score': 0.2, 'eval.tone.label': 'bad' });
  });

  it('leaves out a missing score or label', () => {
    assert.deepEqual(evaluationSignals([evaluation('pii', 1n, null, 'none')]), { 'eval.pii.label': 'none' });
  });
});

describe(codePointLength.name, () => {
  it('counts an unpaired surrogate as one character', () => {
    assert.equal(codePointLength('a\ud800b'), 3);
  });
});
