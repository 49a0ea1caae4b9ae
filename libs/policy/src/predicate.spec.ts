import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyRule } from './parser.js';
import { evaluatePredicate } from './predicate.js';
import type { Predicate, Sample } from './policy-rule.js';

function predicateOf(condition: string): Predicate {
  const rule = parsePolicyRule(`rate(${condition}) > 0`);
  assert.equal(rule.left.kind, 'aggregate');
  return rule.left.ref.predicate!;
}

function matches(condition: string, sample: Sample): boolean {
  return evaluatePredicate(predicateOf(condition), sample);
}

describe(evaluatePredicate.name, () => {
  it('compares strings, numbers and booleans by value and type', () => {
    const sample = { reason: 'stop', tokens: 12, pii: false };
    assert.deepEqual(
      [matches('reason == "stop"', sample), matches('tokens == 12', sample), matches('pii == false', sample), matches('tokens == "12"', sample)],
      [true, true, true, false],
    );
  });

  it('orders numbers', () => {
    const sample = { latency_ms: 500 };
    assert.deepEqual(
      ['< 500', '<= 500', '> 499.5', '>= 501', '!= 500'].map((tail) => matches(`latency_ms ${tail}`, sample)),
      [false, true, true, false, false],
    );
  });

  it('matches membership in a list', () => {
    assert.deepEqual(
      [matches('reason in ("stop", "length")', { reason: 'length' }), matches('reason in ("stop", "length")', { reason: 'tool_calls' })],
      [true, false],
    );
  });

  it('matches no condition on a missing signal, not even != or not', () => {
    const sample = { other: 1 };
    assert.deepEqual(
      [matches('reason == "stop"', sample), matches('reason != "stop"', sample), matches('not reason == "stop"', sample), matches('reason in ("stop")', sample)],
      [false, false, false, false],
    );
  });

  it('treats null and NaN as missing', () => {
    assert.deepEqual([matches('x != 1', { x: null }), matches('x != 1', { x: Number.NaN })], [false, false]);
  });

  it('lets a definite answer on one side decide and/or over a missing signal', () => {
    const sample = { b: 2 };
    assert.deepEqual(
      [matches('a == 1 or b == 2', sample), matches('a == 1 and b == 3', sample), matches('not (a == 1 and b == 3)', sample)],
      [true, false, true],
    );
  });

  it('has no ordering between a number and a string', () => {
    assert.deepEqual([matches('x < 5', { x: 'abc' }), matches('not x < 5', { x: 'abc' })], [false, false]);
  });
});
