import { normal, seededRandom, type InferenceShape } from '../traffic/genai-traffic.js';

export const DEMO_MODEL = 'support-assistant';

/** The application's normal behaviour, and the shift the demo injects: longer, costlier, filtered, less faithful. */
export function demoShapes(seed: number): { normal: (version: string) => InferenceShape; shifted: (version: string) => InferenceShape } {
  const random = seededRandom(seed);
  const base = (version: string): InferenceShape => ({
    model: DEMO_MODEL,
    version,
    provider: 'openai',
    inputTokens: normal(random, 420, 60),
    outputTokens: normal(random, 180, 25),
    latencyMs: normal(random, 900, 120),
    finishReason: () => (random() < 0.985 ? 'stop' : 'length'),
    faithfulness: normal(random, 0.91, 0.03),
  });
  return {
    normal: base,
    shifted: (version) => ({
      ...base(version),
      outputTokens: normal(random, 310, 40),
      latencyMs: normal(random, 1700, 200),
      finishReason: () => {
        const roll = random();
        return roll < 0.08 ? 'content_filter' : roll < 0.1 ? 'length' : 'stop';
      },
      faithfulness: normal(random, 0.72, 0.06),
    }),
  };
}

export const DEMO_PRICE = { inputPerMillion: 0.15, outputPerMillion: 0.6 };

/** An offline evaluation set with the signals the gate checks, drawn from the same behaviour as the traffic. */
export function evaluationSet(shape: InferenceShape, rows: number): Array<Record<string, number | string>> {
  return Array.from({ length: rows }, () => {
    const input = Math.max(1, Math.round(shape.inputTokens()));
    const output = Math.max(1, Math.round(shape.outputTokens()));
    return {
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      latency_ms: Math.max(1, shape.latencyMs()),
      finish_reason: shape.finishReason(),
      cost_usd: (input * DEMO_PRICE.inputPerMillion + output * DEMO_PRICE.outputPerMillion) / 1e6,
      'eval.faithfulness.score': Math.min(1, Math.max(0, shape.faithfulness!())),
    };
  });
}
