import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyRule } from './parser.js';
import { requiredAggregates, signalsOf } from './references.js';

describe(requiredAggregates.name, () => {
  it('lists each aggregate once, window and baseline apart, in order of appearance', () => {
    const sut = requiredAggregates(parsePolicyRule('(p50(x) - baseline.median(x)) / median(x) <= baseline.p50(x) * count()'));
    assert.deepEqual(
      sut.map((ref) => ref.key),
      ['window:p50(x)', 'baseline:p50(x)', 'window:count()'],
    );
  });

  it('keys a rate by the canonical text of its condition', () => {
    const [first, second] = [
      'rate(reason=="stop"  or  (reason == "length")) > 0',
      'rate(reason == "stop" or reason == "length") > 0',
    ].map((rule) => requiredAggregates(parsePolicyRule(rule))[0]!.key);
    assert.equal(first, second);
    assert.equal(first, 'window:rate(reason == "stop" or reason == "length")');
  });

  it('describes each aggregate by function, level, signal and condition', () => {
    const sut = requiredAggregates(parsePolicyRule('p99(latency_ms) + baseline.rate(ok == true) > 0'));
    assert.deepEqual(sut, [
      { source: 'window', fn: 'quantile', q: 0.99, signal: 'latency_ms', key: 'window:p99(latency_ms)' },
      {
        source: 'baseline',
        fn: 'rate',
        predicate: { kind: 'compare', signal: 'ok', operator: '==', value: true },
        key: 'baseline:rate(ok == true)',
      },
    ]);
  });
});

describe(signalsOf.name, () => {
  it('lists every signal the rule reads, including those inside conditions, each once', () => {
    const sut = signalsOf(
      parsePolicyRule('mean(cost_usd) + rate(finish_reason == "stop" and not (cost_usd > 1 or provider in ("x"))) > baseline.p95(latency_ms) - count()'),
    );
    assert.deepEqual(sut, ['cost_usd', 'finish_reason', 'provider', 'latency_ms']);
  });

  it('is empty for a rule of constants and plain counts', () => {
    assert.deepEqual(signalsOf(parsePolicyRule('count() > 1')), []);
  });
});
