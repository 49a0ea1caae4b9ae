import type { InferenceRecord } from './inference-record.js';

export interface TokenPrice {
  inputPerMillion: number;
  /** Price of input tokens read from the provider's cache; the input price when absent. */
  cachedInputPerMillion?: number;
  outputPerMillion: number;
}

/**
 * Cost in USD of one inference, or null without token counts. Input tokens include the cached
 * ones (as both GenAI and OpenInference report them), so cached tokens are moved from the input
 * price to the cached price.
 */
export function costUsd(
  record: Pick<InferenceRecord, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'>,
  price: TokenPrice,
): number | null {
  if (record.inputTokens === null && record.outputTokens === null) return null;
  const inputTokens = record.inputTokens ?? 0;
  const cachedTokens = Math.min(record.cachedInputTokens ?? 0, inputTokens);
  const cachedPrice = price.cachedInputPerMillion ?? price.inputPerMillion;
  const micro =
    (inputTokens - cachedTokens) * price.inputPerMillion +
    cachedTokens * cachedPrice +
    (record.outputTokens ?? 0) * price.outputPerMillion;
  return micro / 1_000_000;
}
