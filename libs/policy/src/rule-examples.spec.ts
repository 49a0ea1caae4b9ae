import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRuleOnSamples } from './compute-aggregates.js';
import { parsePolicyRule } from './parser.js';
import type { Sample } from './policy-rule.js';

// Expected values were computed independently with numpy (percentile, std(ddof=1)) and
// math.fsum over the same columns.
const latency = [120, 340, 95, 1800, 410, 760, 230, 1290, 505, 88, 2210, 640];
const cost = [0.012, 0.034, 0.009, 0.051, 0.022, 0.018, 0.027, 0.044, 0.015, 0.008, 0.061, 0.029];
const finishReason = ['stop', 'stop', 'length', 'content_filter', 'stop', 'stop', null, 'length', 'stop', 'stop', 'stop', 'stop'];
const faithfulness = [0.9, 0.85, null, 0.7, 0.95, undefined, 0.8, 0.88, 0.92, null, 0.6, 0.75];
const pii = [false, false, true, false, false, false, false, false, null, false, false, false];
const provider = ['openai', 'openai', 'anthropic', 'openai', 'anthropic', 'openai', 'openai', 'anthropic', 'openai', 'openai', 'mistral_ai', 'openai'];

const window: Sample[] = latency.map((latencyMs, i) => ({
  latency_ms: latencyMs,
  cost_usd: cost[i],
  finish_reason: finishReason[i],
  'eval.faithfulness.score': faithfulness[i],
  is_pii: pii[i],
  provider: provider[i],
}));

const baselineLatency = [110, 300, 420, 980, 640, 250];
const baselineCost = [0.01, 0.02, 0.015, 0.03, 0.025, 0.012];
const baselineFaithfulness = [0.9, 0.88, 0.86, 0.91, 0.84, 0.9];
const baseline: Sample[] = baselineLatency.map((latencyMs, i) => ({
  latency_ms: latencyMs,
  cost_usd: baselineCost[i],
  'eval.faithfulness.score': baselineFaithfulness[i],
}));

interface Example {
  readonly rule: string;
  readonly left: number;
  readonly right: number;
  readonly passed: boolean;
}

const examples: Example[] = [
  { rule: 'p95(latency_ms) <= 1500', left: 1984.4999999999998, right: 1500, passed: false },
  { rule: 'rate(finish_reason == "content_filter") < 0.01', left: 1 / 11, right: 0.01, passed: false },
  { rule: 'mean(eval.faithfulness.score) >= 0.8', left: 0.8166666666666667, right: 0.8, passed: true },
  { rule: 'mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)', left: 0.0275, right: 0.0224, passed: false },
  { rule: 'median(latency_ms) < 500', left: 457.5, right: 500, passed: true },
  { rule: 'p50(latency_ms) == median(latency_ms)', left: 457.5, right: 457.5, passed: true },
  { rule: 'max(latency_ms) - min(latency_ms) <= 2500', left: 2122, right: 2500, passed: true },
  { rule: 'count() >= 10', left: 12, right: 10, passed: true },
  { rule: 'count(eval.faithfulness.score) / count() >= 0.75', left: 0.75, right: 0.75, passed: true },
  { rule: 'stddev(latency_ms) < 0.5 * mean(latency_ms)', left: 700.2823240189155, right: 353.6666666666667, passed: false },
  { rule: 'sum(cost_usd) <= 0.5', left: 0.33, right: 0.5, passed: true },
  { rule: 'rate(finish_reason in ("stop", "length")) >= 0.9', left: 10 / 11, right: 0.9, passed: true },
  { rule: 'rate(latency_ms > 1000 and finish_reason != "stop") <= 0.1', left: 2 / 12, right: 0.1, passed: false },
  { rule: 'rate(not is_pii == true) > 0.9', left: 10 / 11, right: 0.9, passed: true },
  { rule: 'p99(latency_ms) <= 2 * baseline.p99(latency_ms)', left: 2164.9, right: 1926.0000000000002, passed: false },
  {
    rule: '(p90(latency_ms) - baseline.p90(latency_ms)) / baseline.p90(latency_ms) <= 0.25',
    left: 1.1592592592592594,
    right: 0.25,
    passed: false,
  },
  { rule: 'rate(provider == "openai" or provider == "anthropic") != 1', left: 11 / 12, right: 1, passed: true },
  {
    rule: 'mean(eval.faithfulness.score) >= baseline.mean(eval.faithfulness.score) - 0.05',
    left: 0.8166666666666667,
    right: 0.8316666666666667,
    passed: false,
  },
  { rule: '-mean(cost_usd) > -0.03', left: -0.0275, right: -0.03, passed: true },
];

describe('policy rule examples', () => {
  for (const example of examples) {
    it(`evaluates ${example.rule}`, () => {
      const sut = evaluateRuleOnSamples(parsePolicyRule(example.rule), window, baseline);
      assert.deepEqual(
        { left: sut.left, right: sut.right, passed: sut.passed },
        { left: example.left, right: example.right, passed: example.passed },
      );
    });
  }
});
