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
