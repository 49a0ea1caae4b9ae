import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelBaseName, modelNameCandidates, normaliseFinishReason, normaliseProvider } from './vocabulary.js';

describe(normaliseProvider.name, () => {
  it('maps the AI SDK provider ids, older system names and case variants to gen_ai.provider.name values', () => {
    const cases: Array<[string, string]> = [
      ['openai.chat', 'openai'],
      ['openai.responses', 'openai'],
      ['openai.embedding', 'openai'],
      ['OpenAI', 'openai'],
      ['anthropic.messages', 'anthropic'],
      ['amazon-bedrock', 'aws.bedrock'],
      ['aws.bedrock', 'aws.bedrock'],
      ['azure-openai.chat', 'azure.ai.openai'],
      ['az.ai.openai', 'azure.ai.openai'],
      ['google.vertex.chat', 'gcp.vertex_ai'],
      ['vertex_ai', 'gcp.vertex_ai'],
      ['google.generative-ai', 'gcp.gemini'],
      ['mistralai', 'mistral_ai'],
      ['xai.chat', 'x_ai'],
    ];
    assert.deepEqual(cases.map(([raw]) => [raw, normaliseProvider(raw)]), cases);
  });

  it('keeps an unknown provider, in lower case', () => {
    assert.equal(normaliseProvider('Acme.Chat'), 'acme.chat');
  });
});

describe(normaliseFinishReason.name, () => {
  it('maps every client spelling onto the conventions set', () => {
    const cases: Array<[string, string]> = [
      ['tool-calls', 'tool_call'],
      ['tool_calls', 'tool_call'],
      ['tool_call', 'tool_call'],
      ['tool_use', 'tool_call'],
      ['content-filter', 'content_filter'],
      ['SAFETY', 'content_filter'],
      ['end_turn', 'stop'],
      ['STOP', 'stop'],
      ['MAX_TOKENS', 'length'],
      ['max_tokens', 'length'],
      ['length', 'length'],
      ['error', 'error'],
    ];
    assert.deepEqual(cases.map(([raw]) => [raw, normaliseFinishReason(raw)]), cases);
  });

  it('keeps an unknown reason, lower case with underscores', () => {
    assert.equal(normaliseFinishReason('Other-Reason'), 'other_reason');
  });
});

describe(modelBaseName.name, () => {
  it('strips dated, @-versioned and Bedrock snapshot suffixes', () => {
    assert.deepEqual(
      [
        'gpt-4o-mini-2024-07-18',
        'claude-3-5-sonnet-20241022',
        'claude-3-5-sonnet@20240620',
        'anthropic.claude-3-haiku-20240307-v1:0',
        'amazon.titan-embed-text-v2:0',
        'gpt-4o-mini',
        'o1',
      ].map(modelBaseName),
      ['gpt-4o-mini', 'claude-3-5-sonnet', 'claude-3-5-sonnet', 'anthropic.claude-3-haiku', 'amazon.titan-embed-text', 'gpt-4o-mini', 'o1'],
    );
  });
});

describe(modelNameCandidates.name, () => {
  it('tries the requested name, the answered one, then each without its suffix, once each', () => {
    assert.deepEqual(modelNameCandidates('gpt-4o-mini', 'gpt-4o-mini-2024-07-18'), ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18']);
    assert.deepEqual(modelNameCandidates(null, 'gpt-4o-mini-2024-07-18'), ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini']);
    assert.deepEqual(modelNameCandidates('my-alias', 'gpt-4o-2024-08-06'), ['my-alias', 'gpt-4o-2024-08-06', 'gpt-4o']);
    assert.deepEqual(modelNameCandidates(null, null), []);
  });
});
