import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRule } from './format.js';
import { MAX_NESTING_DEPTH, MAX_RULE_LENGTH, parsePolicyRule } from './parser.js';
import { PolicyParseError } from './policy-parse-error.js';

function parseError(text: string): PolicyParseError {
  try {
    parsePolicyRule(text);
  } catch (error) {
    if (error instanceof PolicyParseError) return error;
    throw error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

interface BadRule {
  readonly rule: string;
  readonly column: number;
  readonly message: string;
}

const badRules: BadRule[] = [
  { rule: 'p95(latency_ms) <== 1500', column: 17, message: "unknown operator '<=='" },
  { rule: 'p100(latency_ms) < 1500', column: 1, message: "unknown aggregate 'p100'; use p1..p99" },
  { rule: 'baseline.p0(latency_ms) > 1', column: 10, message: "unknown aggregate 'p0'; use p1..p99" },
  { rule: 'avg(latency_ms) < 1500', column: 1, message: "unknown aggregate 'avg'; use mean, sum" },
  { rule: 'rate(finish_reason == "content_filter) < 0.01', column: 23, message: 'unterminated string' },
  { rule: 'p95(latency_ms)) <= 1500', column: 16, message: "unexpected ')'" },
  { rule: 'p95(latency_ms) <= )', column: 20, message: "unexpected ')'; expected a number, an aggregate such as mean(signal), or '('" },
  { rule: 'p95(latency_ms) <=', column: 19, message: "expected a number, an aggregate such as mean(signal), or '('; found the end of the rule" },
  { rule: 'p95(latency_ms)', column: 16, message: 'expected a comparison operator (< <= > >= == !=)' },
  { rule: '', column: 1, message: 'empty rule' },
  { rule: 'latency_ms <= 1500', column: 1, message: "'latency_ms' needs an aggregate, e.g. mean(latency_ms)" },
  { rule: 'p95 <= 1500', column: 5, message: "expected '(' after 'p95'" },
  { rule: 'mean() > 1', column: 6, message: 'mean needs a signal, e.g. mean(latency_ms)' },
  { rule: 'mean(cost_usd, latency_ms) > 1', column: 14, message: 'mean takes one signal' },
  { rule: 'mean(score == 1) > 0.5', column: 12, message: 'a condition belongs in rate(...)' },
  { rule: 'rate() < 0.1', column: 6, message: 'rate needs a condition' },
  { rule: 'rate(finish_reason) < 0.1', column: 19, message: "expected a comparison (== != < <= > >=) or 'in' after 'finish_reason'" },
  { rule: 'rate(finish_reason = "stop") < 0.1', column: 20, message: "unknown operator '='; use '==' to compare" },
  { rule: "rate(finish_reason == 'stop') < 0.1", column: 23, message: 'strings take double quotes' },
  { rule: 'rate(latency_ms < "slow") < 0.1', column: 19, message: "'<' compares numbers; found a string" },
  { rule: 'rate(a == 1 b == 2) < 0.1', column: 13, message: "join conditions with 'and' or 'or'" },
  { rule: 'rate(a == 1, b == 2) < 0.1', column: 12, message: 'rate takes one condition' },
  { rule: 'rate(finish_reason in ()) < 0.1', column: 24, message: 'expected a value: a number, a "string", true or false' },
  { rule: 'rate(finish_reason in "stop") < 0.1', column: 23, message: "expected '(' after 'in'" },
  { rule: 'rate(not) < 0.1', column: 9, message: 'expected a condition such as finish_reason == "stop"' },
  { rule: 'rate(!(a == 1)) < 0.1', column: 6, message: "unknown operator '!'; use 'not'" },
  { rule: 'rate(x == "a\\n") < 0.1', column: 13, message: 'unknown escape in string' },
  { rule: '(mean(x) < 1', column: 10, message: "expected ')' to close the '(' at column 1" },
  { rule: 'mean(x) < 1 < 2', column: 13, message: 'a rule has exactly one comparison' },
  { rule: 'mean(x) < 15ms', column: 13, message: "expected an arithmetic operator or the end of the rule; found 'ms'" },
  { rule: 'mean(x) < 1e', column: 13, message: 'expected the digits of the exponent' },
  { rule: 'mean(x) < 1.', column: 13, message: "expected a digit after '.'" },
  { rule: 'mean(x) < 1e999', column: 11, message: 'number out of range' },
  { rule: 'mean(eval.) < 1', column: 11, message: "expected a name after '.'" },
  { rule: 'baseline < 1', column: 9, message: "expected '.' and an aggregate after 'baseline'" },
  { rule: 'mean(x) < true', column: 11, message: "expected a number, an aggregate such as mean(signal), or '('; found 'true'" },
  { rule: 'mean(x) < "1"', column: 11, message: 'found a string' },
  { rule: 'mean(and) < 1', column: 6, message: "expected a signal name in mean(...); found 'and'" },
  { rule: 'mean(x) # 1', column: 9, message: "unexpected character '#'" },
  { rule: 'mean(x) < 1 and mean(y) < 2', column: 13, message: "'and' and 'or' join conditions inside rate(...)" },
  { rule: 'p95(latency_ms) <= 1,500', column: 21, message: 'without thousands separators' },
  { rule: 'p95(latency_ms) ≤ 1500', column: 17, message: "unexpected character '≤'; use '<='" },
  { rule: 'mean(x) < +1', column: 11, message: "expected a number, an aggregate such as mean(signal), or '('; found '+'" },
];

describe(parsePolicyRule.name, () => {
  for (const bad of badRules) {
    it(`refuses ${JSON.stringify(bad.rule)} at column ${bad.column}`, () => {
      const sut = parseError(bad.rule);
      assert.equal(sut.column, bad.column);
      assert.equal(sut.position, bad.column - 1);
      assert.ok(sut.message.includes(bad.message), `message was: ${sut.message}`);
    });
  }

  it('either parses and round-trips or refuses with a position inside the text, for mutated rules', () => {
    const seeds = [
      'p95(latency_ms) <= 1500',
      'rate(finish_reason == "content_filter" or not (x in (1, "a\\"b"))) < 0.01',
      'mean(cost_usd) <= 1.2 * baseline.mean(cost_usd) - -(count() / 2e3)',
    ];
    const pieces = ['mean(', 'baseline.', 'rate(', 'x', ')', '(', ' ', '<=', '=', '!', '-', '*', '1', '.5', 'e', '"', 'and ', 'not ', ' in ', ',', '\\'];
    let state = 42;
    const pick = (n: number): number => {
      state = (state * 48271) % 2147483647;
      return state % n;
    };
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      let text = seeds[pick(seeds.length)]!;
      for (let edits = 1 + pick(2); edits > 0; edits--) {
        const at = pick(text.length + 1);
        text = pick(2) === 0 ? text.slice(0, at) + pieces[pick(pieces.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + pick(3));
      }
      try {
        const rule = parsePolicyRule(text);
        assert.deepEqual(parsePolicyRule(formatRule(rule)), rule, text);
        parsed++;
      } catch (error) {
        assert.ok(error instanceof PolicyParseError, `${text}: ${String(error)}`);
        assert.ok(error.position >= 0 && error.position <= text.length, text);
        refused++;
      }
    }
    assert.ok(parsed > 100 && refused > 100, `parsed ${parsed}, refused ${refused}`);
  });

  it('reports the leftmost problem when a rule has several', () => {
    const sut = parseError('p100(x) < "unterminated');
    assert.equal(sut.message, "unknown aggregate 'p100'; use p1..p99");
  });

  it('draws a caret under the offending column', () => {
    assert.equal(parseError('p95(latency_ms) <== 1500').pointer, 'p95(latency_ms) <== 1500\n                ^');
  });

  it(`refuses a rule longer than ${MAX_RULE_LENGTH} characters at the first character past the limit`, () => {
    const sut = parseError(`mean(x) < ${'1'.padStart(MAX_RULE_LENGTH, '0')}`);
    assert.equal(sut.position, MAX_RULE_LENGTH);
    assert.match(sut.message, /longer than 2000 characters/);
  });

  it(`accepts a rule of exactly ${MAX_RULE_LENGTH} characters`, () => {
    const rule = `mean(x) < ${'1'.padStart(MAX_RULE_LENGTH - 'mean(x) < '.length, '0')}`;
    assert.equal(rule.length, MAX_RULE_LENGTH);
    assert.equal(parsePolicyRule(rule).operator, '<');
  });

  it(`refuses parentheses nested deeper than ${MAX_NESTING_DEPTH} at the first one too deep`, () => {
    const depth = MAX_NESTING_DEPTH + 1;
    const sut = parseError(`${'('.repeat(depth)}mean(x)${')'.repeat(depth)} < 1`);
    assert.equal(sut.position, MAX_NESTING_DEPTH);
    assert.match(sut.message, /nesting is deeper than 32 levels/);
  });

  it(`accepts nesting of exactly ${MAX_NESTING_DEPTH} levels`, () => {
    const rule = `${'('.repeat(MAX_NESTING_DEPTH)}1${')'.repeat(MAX_NESTING_DEPTH)} < count()`;
    assert.equal(parsePolicyRule(rule).left.kind, 'number');
  });

  it('counts not and predicate parentheses towards the nesting limit', () => {
    const sut = parseError(`rate(${'not '.repeat(MAX_NESTING_DEPTH)}a == 1) < 1`);
    assert.equal(sut.position, 'rate('.length + 4 * (MAX_NESTING_DEPTH - 1));
  });

  it('counts unary minus towards the nesting limit', () => {
    const sut = parseError(`${'-'.repeat(MAX_NESTING_DEPTH + 1)}1 < 1`);
    assert.equal(sut.position, MAX_NESTING_DEPTH);
  });
});
