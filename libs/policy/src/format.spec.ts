import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRule } from './format.js';
import { parsePolicyRule } from './parser.js';

const canonicalRules = [
  'p95(latency_ms) <= 1500',
  'rate(finish_reason == "content_filter") < 0.01',
  'mean(eval.faithfulness.score) >= 0.8',
  'mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)',
  'count() >= 100',
  'count(eval.score) / count() > 0.5',
  'baseline.rate(provider in ("openai", "anthropic")) != 0',
  'rate(not (a == 1) and (b == "x" or c != true)) < 0.2',
  'rate((a == 1 or b == 2) and c == 3) < 0.2',
  'rate(a == 1 or b == 2 and c == 3) < 0.2',
  'rate(a == 1 or (b == 2 or c == 3)) < 0.2',
  'rate(text == "say \\"hi\\" \\\\ bye") > 0',
  'rate(score >= -0.5) > 1e-7',
  '1 - (2 - 3) > 1 - 2 - 3',
  '(1 + 2) * 3 == 1 + 2 * 3',
  '1 / (2 * 3) < 1 / 2 * 3',
  '-(p99(x) - p1(x)) < --stddev(x)',
  '-2 * -max(x) <= 1e+21',
];

describe(formatRule.name, () => {
  for (const text of canonicalRules) {
    it(`prints ${text} back as it was written`, () => {
      assert.equal(formatRule(parsePolicyRule(text)), text);
    });
  }

  const respellings: Array<[string, string]> = [
    ['median( latency_ms )<=1500', 'p50(latency_ms) <= 1500'],
    ['((p95(x))) < (1)', 'p95(x) < 1'],
    ['rate(not not a==1)<.5', 'rate(not (not (a == 1))) < 0.5'],
    ['rate(((a == 1)) and b in (1,2)) < 1.50', 'rate(a == 1 and b in (1, 2)) < 1.5'],
    ['mean(x) < 1E3 - - 2', 'mean(x) < 1000 - -2'],
  ];
  for (const [written, canonical] of respellings) {
    it(`prints ${written} as ${canonical}`, () => {
      assert.equal(formatRule(parsePolicyRule(written)), canonical);
    });
  }

  it('round-trips: parsing the canonical text gives an equal rule', () => {
    for (const text of [...canonicalRules, ...respellings.map(([written]) => written)]) {
      const rule = parsePolicyRule(text);
      assert.deepEqual(parsePolicyRule(formatRule(rule)), rule, text);
    }
  });

  it('keeps the sign of a negative zero literal', () => {
    const rule = parsePolicyRule('rate(x == -0) > 0');
    assert.equal(formatRule(rule), 'rate(x == -0) > 0');
  });
});
