import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costUsd } from './cost.js';

const price = { inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 };

describe(costUsd.name, () => {
  it('prices input and output tokens per million', () => {
    assert.equal(costUsd({ inputTokens: 1_000_000, outputTokens: 500_000, cachedInputTokens: null }, price), 7.5);
  });

  it('moves cached input tokens to the cached price', () => {
    // 800k uncached * 2.5 + 200k cached * 1.25 = 2.25
    assert.equal(costUsd({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 200_000 }, price), 2.25);
  });

  it('charges cached tokens the input price when no cached price is given', () => {
    assert.equal(costUsd({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 200_000 }, { inputPerMillion: 2, outputPerMillion: 8 }), 2);
  });

  it('is null without token counts', () => {
    assert.equal(costUsd({ inputTokens: null, outputTokens: null, cachedInputTokens: null }, price), null);
  });
});
