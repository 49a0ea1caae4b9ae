import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyRule } from './parser.js';
import type { Expression } from './policy-rule.js';

function aggregateOf(expression: Expression) {
  assert.equal(expression.kind, 'aggregate');
  return expression.ref;
}

describe(parsePolicyRule.name, () => {
  it('parses a percentile compared with a constant', () => {
    const sut = parsePolicyRule('p95(latency_ms) <= 1500');
    assert.deepEqual(sut, {
      left: { kind: 'aggregate', ref: { source: 'window', fn: 'quantile', q: 0.95, signal: 'latency_ms', key: 'window:p95(latency_ms)' } },
      operator: '<=',
      right: { kind: 'number', value: 1500 },
    });
  });

  it('parses a rate over a string condition', () => {
    const sut = parsePolicyRule('rate(finish_reason == "content_filter") < 0.01');
    assert.deepEqual(aggregateOf(sut.left), {
      source: 'window',
      fn: 'rate',
      predicate: { kind: 'compare', signal: 'finish_reason', operator: '==', value: 'content_filter' },
      key: 'window:rate(finish_reason == "content_filter")',
    });
  });

  it('parses dotted signal names', () => {
    const sut = parsePolicyRule('mean(eval.faithfulness.score) >= 0.8');
    assert.equal(aggregateOf(sut.left).signal, 'eval.faithfulness.score');
  });

  it('accepts name segments that start with a digit after a dot', () => {
    const sut = parsePolicyRule('count(llm.output_messages.0.content) > 0');
    assert.equal(aggregateOf(sut.left).signal, 'llm.output_messages.0.content');
  });

  it('parses a baseline aggregate scaled by a constant', () => {
    const sut = parsePolicyRule('mean(cost_usd) <= 1.2 * baseline.mean(cost_usd)');
    assert.deepEqual(sut.right, {
      kind: 'arithmetic',
      operator: '*',
      left: { kind: 'number', value: 1.2 },
      right: { kind: 'aggregate', ref: { source: 'baseline', fn: 'mean', signal: 'cost_usd', key: 'baseline:mean(cost_usd)' } },
    });
  });

  it('reads median as the 50th percentile', () => {
    const sut = parsePolicyRule('median(latency_ms) < 400');
    assert.deepEqual(aggregateOf(sut.left), { source: 'window', fn: 'quantile', q: 0.5, signal: 'latency_ms', key: 'window:p50(latency_ms)' });
  });

  it('accepts every integer percentile from p1 to p99', () => {
    const levels = Array.from({ length: 99 }, (_, i) => aggregateOf(parsePolicyRule(`p${i + 1}(x) > 0`).left).q);
    assert.deepEqual(levels, Array.from({ length: 99 }, (_, i) => (i + 1) / 100));
  });

  it('parses count with and without a signal', () => {
    const sut = parsePolicyRule('count(eval.score) >= count()');
    assert.deepEqual(
      [aggregateOf(sut.left), aggregateOf(sut.right)],
      [
        { source: 'window', fn: 'count', signal: 'eval.score', key: 'window:count(eval.score)' },
        { source: 'window', fn: 'count', key: 'window:count()' },
      ],
    );
  });

  it('gives * and / precedence over + and -, and associates to the left', () => {
    const sut = parsePolicyRule('1 - 2 - 3 * 4 / 5 > 0');
    assert.deepEqual(sut.left, {
      kind: 'arithmetic',
      operator: '-',
      left: { kind: 'arithmetic', operator: '-', left: { kind: 'number', value: 1 }, right: { kind: 'number', value: 2 } },
      right: {
        kind: 'arithmetic',
        operator: '/',
        left: { kind: 'arithmetic', operator: '*', left: { kind: 'number', value: 3 }, right: { kind: 'number', value: 4 } },
        right: { kind: 'number', value: 5 },
      },
    });
  });

  it('lets parentheses override precedence', () => {
    const sut = parsePolicyRule('(1 + 2) * 3 > 0');
    assert.deepEqual(sut.left, {
      kind: 'arithmetic',
      operator: '*',
      left: { kind: 'arithmetic', operator: '+', left: { kind: 'number', value: 1 }, right: { kind: 'number', value: 2 } },
      right: { kind: 'number', value: 3 },
    });
  });

  it('parses unary minus, decimals and exponents', () => {
    const sut = parsePolicyRule('-max(x) >= -2.5e-3 + .5 + 1E2');
    assert.deepEqual(sut.left, { kind: 'negate', operand: { kind: 'aggregate', ref: { source: 'window', fn: 'max', signal: 'x', key: 'window:max(x)' } } });
    assert.deepEqual(sut.right, {
      kind: 'arithmetic',
      operator: '+',
      left: {
        kind: 'arithmetic',
        operator: '+',
        left: { kind: 'negate', operand: { kind: 'number', value: 0.0025 } },
        right: { kind: 'number', value: 0.5 },
      },
      right: { kind: 'number', value: 100 },
    });
  });

  it('parses every comparison operator', () => {
    const operators = ['<', '<=', '>', '>=', '==', '!='].map((operator) => parsePolicyRule(`count() ${operator} 1`).operator);
    assert.deepEqual(operators, ['<', '<=', '>', '>=', '==', '!=']);
  });

  it('binds not tighter than and, and and tighter than or', () => {
    const sut = parsePolicyRule('rate(not a == 1 and b == 2 or c == 3) < 1');
    assert.deepEqual(aggregateOf(sut.left).predicate, {
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'not', operand: { kind: 'compare', signal: 'a', operator: '==', value: 1 } },
        right: { kind: 'compare', signal: 'b', operator: '==', value: 2 },
      },
      right: { kind: 'compare', signal: 'c', operator: '==', value: 3 },
    });
  });

  it('parses grouped conditions, in-lists, booleans, negative numbers and escaped quotes', () => {
    const sut = parsePolicyRule('baseline.rate(provider in ("openai", "say \\"hi\\"", 3) and (is_pii == false or score > -0.5)) <= 0.2');
    assert.deepEqual(aggregateOf(sut.left).predicate, {
      kind: 'and',
      left: { kind: 'in', signal: 'provider', values: ['openai', 'say "hi"', 3] },
      right: {
        kind: 'or',
        left: { kind: 'compare', signal: 'is_pii', operator: '==', value: false },
        right: { kind: 'compare', signal: 'score', operator: '>', value: -0.5 },
      },
    });
  });

  it('ignores whitespace, including newlines and tabs', () => {
    const sut = parsePolicyRule('\tp95( latency_ms )\n<=\t1500 ');
    assert.equal(aggregateOf(sut.left).key, 'window:p95(latency_ms)');
  });
});
