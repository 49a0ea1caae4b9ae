import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferenceDialect } from './inference-span.js';

describe(inferenceDialect.name, () => {
  for (const operation of ['chat', 'generate_content', 'text_completion', 'embeddings']) {
    it(`takes gen_ai.operation.name "${operation}" as an inference`, () => {
      assert.equal(inferenceDialect({ 'gen_ai.operation.name': operation, 'gen_ai.provider.name': 'openai' }), 'genai');
    });
  }

  it('skips execute_tool spans even when they report tokens', () => {
    assert.equal(
      inferenceDialect({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 3 }),
      null,
    );
  });

  it('takes a model with token usage as an inference when no operation is named', () => {
    assert.equal(inferenceDialect({ 'gen_ai.request.model': 'm', 'gen_ai.usage.output_tokens': 3 }), 'genai');
  });

  it('skips a model without token usage when no operation is named', () => {
    assert.equal(inferenceDialect({ 'gen_ai.request.model': 'm' }), null);
  });

  it('labels gen_ai.system without gen_ai.provider.name as the legacy dialect', () => {
    assert.equal(inferenceDialect({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' }), 'genai_legacy');
  });

  it('labels prompt/completion token names as the legacy dialect', () => {
    assert.equal(inferenceDialect({ 'gen_ai.request.model': 'm', 'gen_ai.usage.prompt_tokens': 1 }), 'genai_legacy');
  });

  it('takes OpenInference LLM and EMBEDDING spans, in any case', () => {
    assert.deepEqual(
      [inferenceDialect({ 'openinference.span.kind': 'LLM' }), inferenceDialect({ 'openinference.span.kind': 'embedding' })],
      ['openinference', 'openinference'],
    );
  });

  it('skips other OpenInference span kinds', () => {
    assert.equal(inferenceDialect({ 'openinference.span.kind': 'RETRIEVER', 'llm.token_count.prompt': 4 }), null);
  });

  it('skips spans without GenAI or OpenInference attributes', () => {
    assert.equal(inferenceDialect({ 'http.request.method': 'GET' }), null);
  });
});
