import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractInferences } from './extract-inferences.js';
import { CHAT_ATTRIBUTES, event, requestOf, span, TRACE_ID } from './test-support/spans.js';

const evaluationEvent = (name: string, extra: Record<string, string | number> = {}) =>
  event('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': name, 'gen_ai.evaluation.score.value': 1, ...extra });

describe(extractInferences.name, () => {
  it('counts the spans it skips', () => {
    const result = extractInferences(requestOf([span(), span({ attributes: CHAT_ATTRIBUTES }), span()]));
    assert.deepEqual([result.inferences.length, result.skipped], [1, 2]);
  });

  it('carries service name and version from the resource, and both attribute sets', () => {
    const chat = span({ attributes: CHAT_ATTRIBUTES });
    const [record] = extractInferences(requestOf([chat], { 'service.name': 'api', 'service.version': '2.0.1' })).inferences;
    assert.deepEqual(
      [record.serviceName, record.serviceVersion, record.spanAttributes, record.resourceAttributes],
      ['api', '2.0.1', CHAT_ATTRIBUTES, { 'service.name': 'api', 'service.version': '2.0.1' }],
    );
  });

  it('rejects an inference span that ends before it starts', () => {
    const backwards = span({ attributes: CHAT_ATTRIBUTES, startTimeUnixNano: 20n, endTimeUnixNano: 10n });
    const result = extractInferences(requestOf([backwards]));
    assert.deepEqual([result.inferences.length, result.rejected], [0, { count: 1, reasons: [`span ${backwards.spanId}: ends before it starts`] }]);
  });

  it('rejects negative or fractional token counts', () => {
    const negative = span({ attributes: { ...CHAT_ATTRIBUTES, 'gen_ai.usage.output_tokens': -1 } });
    const fractional = span({ attributes: { ...CHAT_ATTRIBUTES, 'gen_ai.usage.input_tokens': 1.5 } });
    const result = extractInferences(requestOf([negative, fractional]));
    assert.deepEqual(result.rejected.reasons, [
      `span ${negative.spanId}: outputTokens is not a non-negative integer`,
      `span ${fractional.spanId}: inputTokens is not a non-negative integer`,
    ]);
  });

  it('keeps only maxRejectReasons reasons but counts every rejection', () => {
    const spans = Array.from({ length: 5 }, () => span({ attributes: CHAT_ATTRIBUTES, startTimeUnixNano: 2n, endTimeUnixNano: 1n }));
    const { rejected } = extractInferences(requestOf(spans), { maxRejectReasons: 2 });
    assert.deepEqual([rejected.count, rejected.reasons.length], [5, 2]);
  });

  it('reads token counts sent as strings', () => {
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'gen_ai.usage.input_tokens': '17' } });
    assert.equal(extractInferences(requestOf([chat])).inferences[0].inputTokens, 17);
  });

  it('prefers the reported total over input + output', () => {
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'gen_ai.usage.total_tokens': 500 } });
    assert.equal(extractInferences(requestOf([chat])).inferences[0].totalTokens, 500);
  });

  it('takes finish reasons from the output messages when the span attribute is absent', () => {
    const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: 'length' }]);
    const chat = span({ attributes: { ...CHAT_ATTRIBUTES, 'gen_ai.output.messages': output } });
    assert.deepEqual(extractInferences(requestOf([chat])).inferences[0].finishReasons, ['length']);
  });

  it('leaves an evaluation without a matching inference untied, for the ingest to tie later', () => {
    const evaluator = span({ parentSpanId: 'aaaaaaaaaaaaaaaa', events: [evaluationEvent('helpfulness', { 'gen_ai.response.id': 'resp-9' })] });
    const { evaluations, inferences, skipped } = extractInferences(requestOf([evaluator]));
    assert.deepEqual(
      [inferences.length, skipped, evaluations.map((evaluation) => [evaluation.name, evaluation.responseId, evaluation.parentSpanId, evaluation.inferenceSpanId])],
      [0, 1, [['helpfulness', 'resp-9', 'aaaaaaaaaaaaaaaa', null]]],
    );
  });

  it('does not tie an evaluation to a span of the same id in another trace', () => {
    const chat = span({ attributes: CHAT_ATTRIBUTES });
    const evaluator = span({ traceId: TRACE_ID.replace('0a', 'ff'), parentSpanId: chat.spanId, events: [evaluationEvent('x')] });
    assert.equal(extractInferences(requestOf([chat, evaluator])).evaluations[0].inferenceSpanId, null);
  });

  it('ignores evaluation events without a name', () => {
    const chat = span({ attributes: CHAT_ATTRIBUTES, events: [event('gen_ai.evaluation.result', { 'gen_ai.evaluation.score.value': 1 })] });
    assert.deepEqual(extractInferences(requestOf([chat])).evaluations, []);
  });
});
