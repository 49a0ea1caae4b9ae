import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule, type AggregateValues } from './evaluate.js';
import { parsePolicyRule } from './parser.js';

function valuesFrom(table: Record<string, number | null>): AggregateValues {
  return (ref) => {
    assert.ok(ref.key in table, `unexpected aggregate ${ref.key}`);
    return table[ref.key]!;
  };
}

describe(evaluateRule.name, () => {
  it('passes a rule that holds and says why', () => {
    const sut = evaluateRule(parsePolicyRule('p95(latency_ms) <= 1500'), valuesFrom({ 'window:p95(latency_ms)': 1200 }));
    assert.deepEqual(sut, {
      passed: true,
      left: 1200,
      right: 1500,
      operator: '<=',
      explanation: 'p95(latency_ms) <= 1500 holds: 1,200 ms <= 1,500 ms (p95(latency_ms) = 1,200 ms)',
    });
  });

  it('fails a rule that does not hold and shows each aggregate', () => {
    const sut = evaluateRule(
      parsePolicyRule('mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)'),
      valuesFrom({ 'window:mean(cost_usd)': 0.5, 'baseline:mean(cost_usd)': 0.4 }),
    );
    assert.deepEqual(sut, {
      passed: false,
      left: 0.5,
      right: 0.48,
      operator: '<=',
      explanation:
        'mean(cost_usd) <= 1.2 * baseline.mean(cost_usd) fails: $0.5 <= $0.48 is false (mean(cost_usd) = $0.5, baseline.mean(cost_usd) = $0.4)',
    });
  });

  it('is undecided when an aggregate has no value, and names it', () => {
    const sut = evaluateRule(parsePolicyRule('p95(latency_ms) <= 1500'), valuesFrom({ 'window:p95(latency_ms)': null }));
    assert.deepEqual(sut, {
      passed: null,
      left: null,
      right: 1500,
      operator: '<=',
      explanation: 'p95(latency_ms) <= 1500 cannot be decided: p95(latency_ms) has no value (insufficient data)',
    });
  });

  it('names every missing aggregate, each once', () => {
    const sut = evaluateRule(
      parsePolicyRule('mean(x) + mean(x) <= baseline.mean(x)'),
      valuesFrom({ 'window:mean(x)': null, 'baseline:mean(x)': null }),
    );
    assert.equal(
      sut.explanation,
      'mean(x) + mean(x) <= baseline.mean(x) cannot be decided: mean(x) has no value (insufficient data); baseline.mean(x) has no value (insufficient data)',
    );
  });

  it('is undecided on a missing baseline while still reporting the window value', () => {
    const sut = evaluateRule(
      parsePolicyRule('mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)'),
      valuesFrom({ 'window:mean(cost_usd)': 0.5, 'baseline:mean(cost_usd)': null }),
    );
    assert.deepEqual([sut.passed, sut.left, sut.right], [null, 0.5, null]);
  });

  it('is undecided on division by zero, never Infinity or NaN', () => {
    const sut = evaluateRule(
      parsePolicyRule('(mean(x) - baseline.mean(x)) / baseline.mean(x) <= 0.1'),
      valuesFrom({ 'window:mean(x)': 0, 'baseline:mean(x)': 0 }),
    );
    assert.deepEqual(sut, {
      passed: null,
      left: null,
      right: 0.1,
      operator: '<=',
      explanation: '(mean(x) - baseline.mean(x)) / baseline.mean(x) <= 0.1 cannot be decided: division by zero: baseline.mean(x) is 0',
    });
  });

  it('treats a NaN supplied for an aggregate as no value', () => {
    const sut = evaluateRule(parsePolicyRule('mean(x) > 0'), valuesFrom({ 'window:mean(x)': Number.NaN }));
    assert.deepEqual([sut.passed, sut.left], [null, null]);
  });

  it('is undecided when arithmetic on infinities has no value', () => {
    const sut = evaluateRule(parsePolicyRule('max(x) - max(y) > 0'), valuesFrom({ 'window:max(x)': Infinity, 'window:max(y)': Infinity }));
    assert.deepEqual([sut.passed, sut.left], [null, null]);
    assert.match(sut.explanation, /max\(x\) - max\(y\) has no numeric value/);
  });

  it('compares == and != exactly', () => {
    const values = valuesFrom({ 'window:count()': 3 });
    assert.deepEqual(
      [evaluateRule(parsePolicyRule('count() == 3'), values).passed, evaluateRule(parsePolicyRule('count() != 3'), values).passed],
      [true, false],
    );
  });

  it('evaluates a rule of constants without asking for values', () => {
    const sut = evaluateRule(parsePolicyRule('-(2 - 5) * 2 > 5'), valuesFrom({}));
    assert.deepEqual([sut.passed, sut.left, sut.explanation], [true, 6, '-(2 - 5) * 2 > 5 holds: 6 > 5']);
  });

  it('hides floating point noise in the explanation but compares exactly', () => {
    const sut = evaluateRule(parsePolicyRule('mean(x) + mean(y) <= 0.3'), valuesFrom({ 'window:mean(x)': 0.1, 'window:mean(y)': 0.2 }));
    assert.deepEqual([sut.passed, sut.left], [false, 0.30000000000000004]);
    assert.match(sut.explanation, /fails: 0\.3 <= 0\.3 is false/);
  });

  it('writes sides that differ with the digits it takes to tell them apart', () => {
    const sut = evaluateRule(parsePolicyRule('mean(eval.score) >= 0.8'), valuesFrom({ 'window:mean(eval.score)': 0.79996 }));
    assert.equal(sut.explanation, 'mean(eval.score) >= 0.8 fails: 0.79996 >= 0.8 is false (mean(eval.score) = 0.8)');
  });

  it('never writes a non-zero value as 0, and states a rate as a percentage', () => {
    const tiny = evaluateRule(parsePolicyRule('mean(cost_usd) <= 0'), valuesFrom({ 'window:mean(cost_usd)': 0.0000123 }));
    assert.equal(tiny.explanation, 'mean(cost_usd) <= 0 fails: $1.23e-5 <= $0 is false (mean(cost_usd) = $1.23e-5)');
    const rate = evaluateRule(parsePolicyRule('rate(finish_reason == "content_filter") < 0.01'), valuesFrom({ 'window:rate(finish_reason == "content_filter")': 0.0125 }));
    assert.match(rate.explanation, /fails: 1\.25% < 1% is false \(rate\(finish_reason == "content_filter"\) = 1\.25%\)$/);
  });

  it('gives a relative change no unit, and a huge value scientific notation', () => {
    const change = evaluateRule(
      parsePolicyRule('(mean(latency_ms) - baseline.mean(latency_ms)) / baseline.mean(latency_ms) <= 0.1'),
      valuesFrom({ 'window:mean(latency_ms)': 1320, 'baseline:mean(latency_ms)': 1000 }),
    );
    assert.match(change.explanation, /fails: 0\.32 <= 0\.1 is false \(mean\(latency_ms\) = 1,320 ms, baseline\.mean\(latency_ms\) = 1,000 ms\)$/);
    const huge = evaluateRule(parsePolicyRule('sum(input_tokens) < 1000'), valuesFrom({ 'window:sum(input_tokens)': 2.5e18 }));
    assert.match(huge.explanation, /fails: 2\.5e18 tokens < 1,000 tokens is false/);
  });
});
